"""UntilChanged: answers kept until any connection commits a change to the database."""

import sqlite3

import pytest

from bot.db.cache import UntilChanged


class Counter:
    """A computation that counts its calls and reads the database each time."""

    def __init__(self, db) -> None:
        self.db = db
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        row = await self.db.fetch_one("SELECT title FROM shows ORDER BY id LIMIT 1")
        return row["title"]


async def test_an_answer_is_computed_once_while_nothing_changes(db):
    cache, compute = UntilChanged(db), Counter(db)
    assert await cache.get("k", compute) == "Soul Mate"
    assert await cache.get("k", compute) == "Soul Mate"
    assert compute.calls == 1


async def test_a_commit_by_this_process_is_seen(db):
    cache, compute = UntilChanged(db), Counter(db)
    await cache.get("k", compute)
    async with db.transaction() as conn:
        await conn.execute("UPDATE shows SET title = 'Soul Mate (renamed)'")
    assert await cache.get("k", compute) == "Soul Mate (renamed)"
    assert compute.calls == 2


async def test_a_commit_by_another_process_is_seen(db):
    cache, compute = UntilChanged(db), Counter(db)
    await cache.get("k", compute)
    # As `kdrama-bot db seed` would, from its own connection.
    with sqlite3.connect(db.path) as other:
        other.execute("UPDATE shows SET title = 'Another title'")
    assert await cache.get("k", compute) == "Another title"


async def test_a_failed_computation_is_not_kept(db):
    cache, calls = UntilChanged(db), []

    async def fails() -> str:
        calls.append(1)
        raise LookupError("typo")

    for _ in range(2):
        with pytest.raises(LookupError):
            await cache.get("k", fails)
    assert len(calls) == 2


async def test_an_answer_computed_across_a_change_is_not_kept(db):
    cache = UntilChanged(db)

    async def changes_meanwhile() -> str:
        async with db.transaction() as conn:
            await conn.execute("UPDATE shows SET title = 'Changed meanwhile'")
        await cache.get("other", Counter(db))  # another member's request sees the new version
        return "stale"

    assert await cache.get("k", changes_meanwhile) == "stale"
    assert await cache.get("k", Counter(db)) == "Changed meanwhile"


async def test_only_the_most_recently_used_answers_are_kept(db):
    cache, compute = UntilChanged(db, size=2), Counter(db)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        await cache.get(key, compute)
    assert compute.calls == 3
    await cache.get("a", compute)
    await cache.get("b", compute)
    assert compute.calls == 4


async def test_without_a_reading_connection_nothing_is_kept(tmp_path):
    from bot.db import open_database

    memory = await open_database(":memory:")
    try:
        cache, calls = UntilChanged(memory), []

        async def compute() -> int:
            calls.append(1)
            return len(calls)

        assert [await cache.get("k", compute) for _ in range(2)] == [1, 2]
    finally:
        await memory.close()
