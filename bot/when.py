"""Parsing when an announcement should go out, and when a repeat comes round again.

Plain functions on aware datetimes; no Discord, no I/O. Wall-clock times are read in the
server's time zone; everything returned is in UTC.
"""

from __future__ import annotations

import calendar
import re
from datetime import MINYEAR, UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.formatting import is_blank

REPEATS = ("daily", "weekly", "monthly")

EXAMPLES = (
    "`2026-12-24 20:00` (in the server's time zone), `2026-12-24T20:00+09:00`, `in 2h`, "
    "`in 1d 3h`, `tomorrow 20:00`"
)
NOT_UNDERSTOOD = "I couldn't read {text} as a time. Try one of these: " + EXAMPLES + "."
NO_TIME = "Type when to post it. Try one of these: " + EXAMPLES + "."
IN_THE_PAST = "{text} is in the past. Give a time in the future, like " + EXAMPLES + "."
NO_SUCH_DATE = "{text} isn't a real date or time: {reason}. For example: " + EXAMPLES + "."
SKIPPED_TIME = "{text} doesn't exist in {zone}: the clocks skip that hour. Choose another time."
TOO_FAR = "{text} is more than {years} years away. Choose a nearer time."
MAX_YEARS = 10

_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
_RELATIVE_PART = re.compile(r"(\d+)\s*([a-z]+)")
_LOCAL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DAY_TIME = re.compile(r"^(today|tomorrow)\s+(\d{1,2}):(\d{2})$")


class WhenError(ValueError):
    """The text is not a usable time; the message says why, with an example of the right form."""


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WhenError(f"{name} isn't a time zone I know.") from None


# In the time-zone database, but not zones a server means: "localtime" follows the host's own
# setting (moving every scheduled time when the host's changes), "Factory" has no offset of its
# own, and "posixrules" is a template for other rules.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


def timezone_names() -> list[str]:
    return sorted(available_timezones() - NOT_ZONES)


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive wall-clock time in `zone` as UTC.

    A time repeated when clocks go back means its first occurrence; a time skipped when they go
    forward is read with the offset from before the gap, which lands just after it (PEP 495):
    02:30 on a spring-forward night becomes 03:30.
    """
    return local.replace(tzinfo=zone).astimezone(UTC)


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def parse_duration(text: str) -> timedelta:
    """'2h', '1d 3h', '90 minutes', '2 hours and 30 minutes'; a bare number is seconds.

    Raises ValueError for anything else.
    """
    value = text.strip().lower()
    if value.isdigit():
        return timedelta(seconds=int(value))
    parts = _RELATIVE_PART.findall(value)
    leftover = _RELATIVE_PART.sub("", value).replace(",", " ").replace("and", " ")
    if not parts or leftover.strip() or any(unit not in _UNITS for _, unit in parts):
        raise ValueError(text)
    try:
        return timedelta(seconds=sum(int(amount) * _UNITS[unit] for amount, unit in parts))
    except OverflowError:
        raise ValueError(text) from None


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """When `text` means, in UTC, as seen at `now` in `zone`. Raises WhenError."""
    if is_blank(text):
        raise WhenError(NO_TIME)
    raw = text.strip()
    shown = f"`{raw}`"
    value = raw.lower()
    if value.startswith("in "):
        try:
            delta = parse_duration(value[3:])
        except ValueError:
            raise WhenError(NOT_UNDERSTOOD.format(text=shown)) from None
        if delta <= timedelta(0):
            raise WhenError(IN_THE_PAST.format(text=shown))
        if delta > timedelta(days=MAX_YEARS * 366):
            raise WhenError(TOO_FAR.format(text=shown, years=MAX_YEARS))
        return now + delta

    if match := _DAY_TIME.match(value):
        day = now.astimezone(zone).date() + timedelta(days=match.group(1) == "tomorrow")
        local = _local(shown, day.year, day.month, day.day, match.group(2), match.group(3))
        result = _checked_local(shown, local, zone)
    elif match := _LOCAL.match(value):
        local = _local(shown, *match.groups())
        result = _checked_local(shown, local, zone)
    else:
        try:
            parsed = datetime.fromisoformat(raw.replace("z", "Z"))
        except ValueError:
            raise WhenError(NOT_UNDERSTOOD.format(text=shown)) from None
        if parsed.tzinfo is None:
            # ISO without an offset is a wall-clock time in the server's zone.
            result = _checked_local(shown, parsed, zone)
        else:
            try:
                result = parsed.astimezone(UTC)
            except OverflowError:
                raise _beyond_the_calendar(shown, parsed) from None
    if result <= now:
        raise WhenError(IN_THE_PAST.format(text=shown))
    if result - now > timedelta(days=MAX_YEARS * 366):
        raise WhenError(TOO_FAR.format(text=shown, years=MAX_YEARS))
    return result


def _local(shown: str, year, month, day, hour, minute, second=None) -> datetime:
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as error:
        raise WhenError(NO_SUCH_DATE.format(text=shown, reason=error)) from None


def _checked_local(shown: str, local: datetime, zone: ZoneInfo) -> datetime:
    try:
        exists, result = _exists(local, zone), local_to_utc(local, zone)
    except OverflowError:
        raise _beyond_the_calendar(shown, local) from None
    if not exists:
        raise WhenError(SKIPPED_TIME.format(text=shown, zone=zone.key))
    return result


def _beyond_the_calendar(shown: str, value: datetime) -> WhenError:
    """A time in year 1 or 9999 that its offset or zone moves out of the calendar in UTC."""
    if value.year == MINYEAR:
        return WhenError(IN_THE_PAST.format(text=shown))
    return WhenError(TOO_FAR.format(text=shown, years=MAX_YEARS))


def add_months(day: date, months: int, anchor_day: int) -> date:
    """The same day of the month `months` later, or that month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def occurrence(anchor: datetime, repeat: str, number: int, zone: ZoneInfo) -> datetime:
    """The `number`th occurrence (0 = the anchor) of a repeat, in UTC, keeping the wall clock.

    `anchor` is the first occurrence as a naive wall-clock time in `zone`, so a weekly post at
    20:00 in Europe/Berlin stays at 20:00 across daylight-saving changes.
    """
    if repeat == "daily":
        day = anchor.date() + timedelta(days=number)
    elif repeat == "weekly":
        day = anchor.date() + timedelta(weeks=number)
    elif repeat == "monthly":
        day = add_months(anchor.date(), number, anchor.day)
    else:
        raise ValueError(f"unknown repeat {repeat!r}")
    return local_to_utc(
        datetime.combine(day, time(anchor.hour, anchor.minute, anchor.second)), zone
    )


def next_occurrence_after(
    anchor: datetime, repeat: str, zone: ZoneInfo, after: datetime, start: int = 0
) -> tuple[int, datetime]:
    """The first occurrence number >= `start` due strictly after `after`, and its time."""
    number = start
    while (due := occurrence(anchor, repeat, number, zone)) <= after:
        number += 1
    return number, due
