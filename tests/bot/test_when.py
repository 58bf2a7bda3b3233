from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.when import WhenError, next_occurrence_after, occurrence, parse_when

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
SEOUL = ZoneInfo("Asia/Seoul")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2h", NOW + timedelta(hours=2)),
        ("in 1d 3h", NOW + timedelta(days=1, hours=3)),
        ("in 90 minutes", NOW + timedelta(minutes=90)),
        ("in 5s", NOW + timedelta(seconds=5)),
        ("in 2 hours and 30 minutes", NOW + timedelta(hours=2, minutes=30)),
        ("IN 1W", NOW + timedelta(weeks=1)),
    ],
)
def test_relative_times(text, expected):
    assert parse_when(text, NOW, SEOUL) == expected


def test_local_times_are_read_in_the_server_zone():
    # 20:00 in Seoul (UTC+9) is 11:00 UTC.
    assert parse_when("2026-12-24 20:00", NOW, SEOUL) == datetime(2026, 12, 24, 11, tzinfo=UTC)
    assert parse_when("2026-12-24T20:00", NOW, SEOUL) == datetime(2026, 12, 24, 11, tzinfo=UTC)


def test_iso_with_an_offset_keeps_its_seconds():
    when = parse_when("2026-11-25T12:00:07+00:00", NOW, SEOUL)
    assert when == NOW + timedelta(seconds=7)
    assert parse_when("2026-11-25T21:00:30+09:00", NOW, BERLIN) == NOW + timedelta(seconds=30)
    assert parse_when("2026-11-25T12:01:00Z", NOW, BERLIN) == NOW + timedelta(minutes=1)


def test_any_future_time_is_valid_even_seconds_away():
    assert parse_when("in 1s", NOW, SEOUL) == NOW + timedelta(seconds=1)


def test_today_and_tomorrow():
    # NOW is 21:00 in Seoul.
    assert parse_when("tomorrow 20:00", NOW, SEOUL) == datetime(2026, 11, 26, 11, tzinfo=UTC)
    assert parse_when("today 23:30", NOW, SEOUL) == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-01-01 10:00", "is in the past"),
        ("today 08:00", "is in the past"),
        ("in 0m", "is in the past"),
        ("2026-02-30 10:00", "isn't a real date or time"),
        ("2026-12-01 25:00", "isn't a real date or time"),
        ("next friday-ish", "I couldn't read"),
        ("in a while", "I couldn't read"),
        ("in 2 fortnights", "I couldn't read"),
        ("", "Type when to post it"),
        ("\u200b ", "Type when to post it"),
        ("2026-13-45T99:99+09:00", "I couldn't read"),
        ("in 999999d", "years away"),
        ("in 99999999999999999999d", "I couldn't read"),
        ("2999-01-01 10:00", "years away"),
    ],
)
def test_bad_times_say_why_with_an_example(text, message):
    with pytest.raises(WhenError) as raised:
        parse_when(text, NOW, SEOUL)
    assert message in str(raised.value)
    assert "`in 2h`" in str(raised.value) or "years away" in str(raised.value)


def test_a_time_skipped_by_daylight_saving_is_refused():
    with pytest.raises(WhenError, match="doesn't exist in Europe/Berlin"):
        parse_when("2027-03-28 02:30", NOW, BERLIN)


def test_weekly_repeat_keeps_local_time_across_dst():
    anchor = datetime(2027, 3, 21, 20, 0)  # a Sunday, 20:00 Berlin (CET, UTC+1)
    first = occurrence(anchor, "weekly", 0, BERLIN)
    second = occurrence(anchor, "weekly", 1, BERLIN)  # after the change to CEST (UTC+2)
    assert first == datetime(2027, 3, 21, 19, tzinfo=UTC)
    assert second == datetime(2027, 3, 28, 18, tzinfo=UTC)
    assert second.astimezone(BERLIN).hour == 20


def test_monthly_repeat_on_the_31st_uses_the_last_day_of_short_months():
    anchor = datetime(2027, 1, 31, 9, 0)
    days = [occurrence(anchor, "monthly", n, UTC).date().isoformat() for n in range(4)]
    assert days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_a_daily_repeat_in_a_dst_gap_moves_to_just_after_it():
    anchor = datetime(2027, 3, 27, 2, 30)
    gap_day = occurrence(anchor, "daily", 1, BERLIN)
    assert gap_day.astimezone(BERLIN).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 30)


def test_next_occurrence_after_skips_past_ones():
    anchor = datetime(2026, 11, 1, 20, 0)
    number, due = next_occurrence_after(anchor, "daily", UTC, NOW)
    assert number == 24 and due == datetime(2026, 11, 25, 20, tzinfo=UTC)
