"""Stopping the running bot: the gateway read ends before the client closes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3

import pytest

from bot.app import open_seeded_database, stop_gracefully
from bot.db import DatabaseError
from bot.db.connection import migrations, start_file_check
from bot.settings import load_settings


class ClosingBot:
    """Stands in for KdramaBot: stop_gracefully only closes it."""

    def __init__(self) -> None:
        self.closed = asyncio.Event()
        self.reading_when_closed: bool | None = None
        self.connection: asyncio.Task[None] | None = None

    async def close(self) -> None:
        assert self.connection is not None
        self.reading_when_closed = not self.connection.done()
        self.closed.set()


async def test_the_read_is_cancelled_before_the_client_closes():
    bot = ClosingBot()
    bot.connection = asyncio.create_task(asyncio.sleep(3600))  # a read that never ends itself
    await stop_gracefully(bot, bot.connection, signal.SIGTERM)
    # Closed with no read waiting: discord.py closes with 1000, and Discord ends the session.
    assert bot.reading_when_closed is False
    assert bot.connection.cancelled()


async def test_a_lost_cancellation_still_ends_in_a_close():
    bot = ClosingBot()

    async def read_that_loses_its_cancellation() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # as asyncio.wait_for can, on 3.11
            await asyncio.sleep(3600)
        await bot.closed.wait()  # the close ends the connection

    bot.connection = asyncio.create_task(read_that_loses_its_cancellation())
    await asyncio.sleep(0)
    await asyncio.wait_for(
        stop_gracefully(bot, bot.connection, signal.SIGINT, cancel_grace=0.05),
        timeout=5,
    )
    assert bot.reading_when_closed is True
    assert bot.connection.done() and not bot.connection.cancelled()


def start_up_refusal(database_path) -> str:
    """What start-up says when it refuses the database at `database_path`."""
    settings = load_settings({"DATABASE_PATH": str(database_path)}, env_file=None)
    with pytest.raises(DatabaseError) as raised:
        asyncio.run(open_seeded_database(settings, start_file_check(database_path)))
    return str(raised.value)


def test_start_up_with_database_path_at_a_folder_says_so(tmp_path, thread_deaths):
    folder = tmp_path / "data"
    folder.mkdir()
    assert start_up_refusal(folder) == (
        f"DATABASE_PATH is {folder}, which is a folder, not a database file. Set DATABASE_PATH "
        f"to a file, such as {folder / 'kdrama.db'}."
    )
    assert thread_deaths() == []  # no traceback after the message
    assert list(folder.iterdir()) == []


def test_start_up_on_a_newer_schema_names_the_file(tmp_path):
    path = tmp_path / "kdrama.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert start_up_refusal(path) == (
        f"{path} has schema version 99, newer than this kdrama-bot knows ({len(migrations())}). "
        "Upgrade kdrama-bot, or point DATABASE_PATH at another file."
    )
