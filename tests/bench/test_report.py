from bench import report

TRACEBACK = (
    "2026-11-25 22:25:09,926 ERROR    bot.errors: Unexpected error in show cast\\n"
    "Traceback (most recent call last):\\n"
    '  File "cogs/show.py", line 144, in cast\\n'
    "sqlite3.OperationalError: interrupted"
)


def _results(*problems: str) -> dict:
    return {"runs": {100_000: {"log_problems": list(problems)}}}


def test_an_error_the_bot_logged_is_told_at_the_top_and_shown_in_short():
    results = _results(TRACEBACK, "2026-11-25 22:25:10,000 WARNING  discord: Can't keep up")
    banner = report._errors_banner(results, [100_000])
    assert banner[0].startswith("**The bot logged 1 error(s) during the run")
    shown = report._log(results, [100_000])
    assert (
        "- at 100k: `2026-11-25 22:25:09,926 ERROR    bot.errors: Unexpected error in show cast "
        "… sqlite3.OperationalError: interrupted`" in shown
    )
    assert "- at 100k: `2026-11-25 22:25:10,000 WARNING  discord: Can't keep up`" in shown


def test_a_clean_run_has_no_banner():
    assert report._errors_banner(_results(), [100_000]) == []
    assert report._log(_results(), [100_000]) == [
        "",
        "The bot logged no warning or error during the run.",
    ]


def _timing(p50: float, p99: float) -> dict:
    return {"n": 300, "p50": p50, "p99": p99, "failures": 0}


def test_each_size_is_compared_with_the_floor_timed_in_its_own_rounds():
    def run(floor_p50: float, who_p50: float) -> dict:
        return {
            "reads": {"who": _timing(who_p50, 9.0)},
            "floor": {
                "reads": {"ping": _timing(floor_p50, 5.0), "embed-ping": _timing(floor_p50, 5.0)}
            },
            "inprocess": [],
        }

    results = {
        "target_size": 100_000,
        "runs": {100_000: run(1.0, 1.4), 1_000_000: run(2.0, 2.2)},
    }
    rows = report._reads(results, [100_000, 1_000_000])
    assert "| `/ping` (the floor) | 1.00 / 5.00 | 1.0 | – | 2.00 / 5.00 | 1.0 | – |" in rows
    assert "| `/who` | 1.40 / 9.00 | 1.4 | – | 2.20 / 9.00 | 1.1 | – |" in rows


def _search_run(search_p99: float, work_ping_p99: float) -> dict:
    samples = [2.0] * 98 + [search_p99] * 2
    return {
        "searches": [
            {
                "command": "/quote search text",
                "class": "phrase",
                "samples": samples,
                **_timing(2.0, search_p99),
            },
        ],
        "floor": {
            "searches": {
                "ping": _timing(1.5, 2.5),
                "work-ping": _timing(2.8, work_ping_p99),
            }
        },
        "work_ms": 1.25,
        "inprocess": [],
    }


def test_a_missed_round_trip_is_set_beside_a_bare_bot_doing_as_much_work():
    target = report._round_trip_target(_search_run(search_p99=7.0, work_ping_p99=6.5))
    assert not target.met
    assert target.why[0] == "/quote search text: p99 7.00 ms; slowest inputs: phrase 7.00 ms"
    assert target.why[-1] == (
        "the same bare bot's `/work-ping`, which first does 1.25 ms of CPU work (as long as a "
        "median search's own work: `find_quotes` p50, each input met once), took p50 2.80 ms "
        "and p99 6.50 ms: on this machine, in this run, a bot that works as long as a median "
        "search misses it too"
    )
    # When the bare bot meets the target, the miss is the bot's own.
    target = report._round_trip_target(_search_run(search_p99=7.0, work_ping_p99=4.0))
    assert target.why[-1].endswith("a bot that works as long as a median search meets it")


def test_a_missed_round_trip_is_set_beside_the_bots_own_answers_with_almost_no_work():
    run = _search_run(search_p99=7.0, work_ping_p99=4.0)
    run["searches"].append(
        {"command": "/quote search text", "class": "no match", "samples": [1.0] * 99 + [6.0],
         **_timing(1.4, 6.0)}
    )  # fmt: skip
    run["inprocess"] = [{"case": "find_quotes", "class": "no match", "p50": 0.16, "p99": 0.3}]
    target = report._round_trip_target(run)
    assert target.why[-1] == (
        "kdrama-bot's own answers that need almost no work, a `/quote search` that finds nothing "
        "(0.16 ms of own work at the median), took p50 1.40 ms and p99 6.00 ms in the same "
        "rounds: they miss it too"
    )


def test_a_met_round_trip_needs_no_why():
    target = report._round_trip_target(_search_run(search_p99=4.9, work_ping_p99=6.5))
    assert target.met
    assert target.why == []


def test_the_search_table_shows_the_floor_and_the_work_it_was_given():
    run = _search_run(search_p99=7.0, work_ping_p99=6.5)
    results = {"runs": {100_000: run}}
    rows = report._searches(results, [100_000])
    assert "| `/ping` (the floor) | – | 1.50 / 2.50 | – |" in rows
    assert (
        "| `/work-ping` (the floor, after CPU work as long as a median search's) | – "
        "| 2.80 / 6.50 | 1.25 (fixed) |" in rows
    )


def test_the_hypervisors_share_is_of_the_cpu_time_the_machine_had_work_for():
    before = {"busy": 100.0, "steal": 1.0}
    after = {"busy": 148.0, "steal": 3.0}
    assert report.stolen(before, after) == "2.0 s, 4.0% of the CPU time this machine had work for"
    assert report.stolen(before, before) == "unknown"


def test_the_emulators_own_share_of_each_callback_is_shown_per_size():
    share = {"n": 900, "p50": 0.21, "p99": 0.6, "max": 1.0, "failures": 0, "stopped_early": False}
    results = {"runs": {100_000: {"emulator_ms": share}, 1_000_000: {}}}
    assert report._emulator_share(results) == "; it took 100k: p50 0.21 / p99 0.60 ms"
    assert report._emulator_share({"runs": {100_000: {}}}) == ""  # results from before it


def test_long_string_literals_are_cut_in_the_evidence():
    spellings = "[" + ", ".join(f'"kato{number:03d}"' for number in range(100)) + "]"
    sql = f"SELECT id FROM names WHERE search_text IN (SELECT value FROM json_each('{spellings}'))"
    short = report.shorten_literals(sql + " AND kind = 'it''s'")
    assert short.startswith(
        """SELECT id FROM names WHERE search_text IN (SELECT value FROM json_each('["kato000", """
    )
    assert f"…' /* {len(spellings):,} characters */)) AND kind = 'it''s'" in short
    assert "kato099" not in short and len(short) < len(sql)
