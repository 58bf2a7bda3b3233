"""Opening the database: foreign keys on, WAL mode, and numbered migrations to the latest schema."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """The database file cannot be used; the message names the file and what to do."""


def migrations() -> list[tuple[int, str, str]]:
    """The packaged migrations as (version, file name, SQL), in order."""
    found = []
    for entry in resources.files("bot.db").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, ... without gaps: {versions}")
    return found


async def schema_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply every migration newer than the file's `user_version`, each in its own transaction."""
    current = await schema_version(conn)
    available = migrations()
    if current > len(available):
        raise DatabaseError(
            f"the database schema is version {current}, newer than this kdrama-bot knows "
            f"({len(available)}). Upgrade kdrama-bot, or point DATABASE_PATH at another file."
        )
    for version, name, sql in available[current:]:
        log.info("Applying database migration %s", name)
        # executescript commits first; BEGIN/COMMIT make each migration all-or-nothing.
        await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    return len(available)


class Database:
    """The bot's one connection, in autocommit mode, with a lock that serialises transactions.

    Coroutines share the connection, so a multi-statement write must hold the lock: otherwise
    another coroutine's statement could land inside it, and be rolled back with it.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def fetch_one(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def close(self) -> None:
        await self.conn.close()


async def open_database(path: Path | str) -> Database:
    """Open (creating if needed) and migrate the database; the caller owns and closes it."""
    path = Path(path)
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise DatabaseError(f"cannot open the database file {path}: {error}") from error
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await migrate(conn)
    except sqlite3.DatabaseError as error:
        await conn.close()
        raise DatabaseError(
            f"cannot use the database file {path}: {error}. If it is damaged, restore it from a "
            f"backup, or move it away and run `kdrama-bot db seed` to create a new one."
        ) from error
    except BaseException:
        await conn.close()
        raise
    return Database(conn, path)
