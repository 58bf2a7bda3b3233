"""Snowflake ids, timestamps and the emulator clock.

Ids are built like Discord's: milliseconds since the Discord epoch shifted left by 22 bits,
plus worker/process bits and a per-millisecond increment, and are serialised as strings.
The clock can be advanced by tests to expire interaction tokens without sleeping.
"""

from __future__ import annotations

import datetime as dt
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class Clock:
    """Wall clock with a test-controlled offset (seconds)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def advance(self, seconds: float) -> None:
        """Move emulated time forward, e.g. past an interaction token's 15 minutes."""
        self.offset += seconds

    def now(self) -> float:
        return time.time() + self.offset

    def utcnow(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now(), tz=dt.UTC)


class SnowflakeGenerator:
    """Monotonic, timestamp-based snowflakes (worker 1, process 0)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        ms = int(self.clock.now() * 1000)
        if ms <= self._last_ms:
            # Keep ids strictly increasing even when many are made in one millisecond.
            self._increment += 1
            if self._increment >= 4096:
                self._last_ms += 1
                self._increment = 0
            ms = self._last_ms
        else:
            self._increment = 0
        self._last_ms = ms
        return ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | self._increment


def snowflake_time(snowflake: int) -> dt.datetime:
    """The creation time encoded in a snowflake."""
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=dt.UTC)


def iso(ts: dt.datetime | None) -> str | None:
    """ISO8601 the way Discord writes it (microseconds, +00:00)."""
    if ts is None:
        return None
    return ts.astimezone(dt.UTC).isoformat(timespec="microseconds")
