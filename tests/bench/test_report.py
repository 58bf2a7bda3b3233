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
