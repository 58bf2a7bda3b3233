"""Answers computed from the database, kept until the database changes.

Shows, people and their quotes change only when someone seeds the database or a server changes
its settings or quotes, while members ask about the same few shows over and over. A cache keeps
each answer (a card, its pages, a count) and forgets all of them as soon as any connection
commits a change, which SQLite's `PRAGMA data_version` tells at the cost of one cheap read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from bot.db.connection import Database

V = TypeVar("V")

DEFAULT_SIZE = 256


class UntilChanged(Generic[V]):
    """The most recently used answers (at most `size`), for as long as the database is
    unchanged. A computation that raises (a member's typo, say) is not kept."""

    def __init__(self, db: Database, size: int = DEFAULT_SIZE) -> None:
        self.db = db
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._version: int | None = None

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        version = self.db.data_version()
        if version is None:  # no way to tell a change: never keep anything
            return await compute()
        if version != self._version:
            self._values.clear()
            self._version = version
        try:
            self._values.move_to_end(key)
            return self._values[key]
        except KeyError:
            pass
        value = await compute()
        # Kept only if nothing changed meanwhile: another get may have moved on to a newer
        # version while this one was reading the older data.
        if self._version == version:
            self._values[key] = value
            if len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
