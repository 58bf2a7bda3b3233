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
