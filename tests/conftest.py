"""Fixtures shared by the whole suite: seeded databases, the emulator, and the running bot."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite.core
import pytest

from bot.content import seed_database
from bot.db import Database, open_database
from bot.emulator import Emulator, default_world
from bot.emulator.discordpy import pointed_at
from tests.content import write_crowded_show
from tests.harness import ALL_COMMANDS, FixedClock, start_bot, stop_bot

ROOT = Path(__file__).resolve().parent.parent
SOUL_MATE = ROOT / "data" / "shows" / "soul-mate.toml"
FICTIONAL = ROOT / "tests" / "fixtures" / "shows" / "fictional-bakery.toml"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_unexpected_errors(request):
    """Fail any test during which a command hit an unexpected error (one a member would see as
    "something went wrong"), unless the test is about exactly that."""
    collected = _Collect()
    logger = logging.getLogger("bot.errors")
    logger.addHandler(collected)
    yield
    logger.removeHandler(collected)
    if request.node.get_closest_marker("unexpected_errors") is None:
        messages = [record.getMessage() for record in collected.records]
        assert not messages, f"the bot hit unexpected errors: {messages}"


@pytest.fixture
def thread_deaths(monkeypatch):
    """aiosqlite's threads made slow to stop after a failed connect, as on a busy machine: such a
    thread is left to stop on its own, so it then outlives a command or a start-up that failed,
    and dies with a traceback on the closed event loop. Returns a function that waits for every
    aiosqlite thread and gives the exceptions threads died of."""
    original = aiosqlite.core._connection_worker_thread
    workers: list[threading.Thread] = []
    died: list[BaseException] = []

    class SlowToStopAfterAFailedConnect:
        def __init__(self, queue) -> None:
            self.queue = queue
            self.connected: bool | None = None  # not yet tried

        def get(self):
            future, function = self.queue.get()
            if self.connected is None:
                return future, self.connect(function)
            if not self.connected and getattr(function, "__name__", "") == "close_and_stop":
                time.sleep(0.2)
            return future, function

        def connect(self, connector):
            def connecting():
                self.connected = False
                result = connector()
                self.connected = True
                return result

            return connecting

    def worker(queue) -> None:
        workers.append(threading.current_thread())
        original(SlowToStopAfterAFailedConnect(queue))

    monkeypatch.setattr(aiosqlite.core, "_connection_worker_thread", worker)
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))

    def deaths() -> list[BaseException]:
        for thread in workers:
            thread.join(10)
        return died

    return deaths


@pytest.fixture
async def empty_db(tmp_path: Path) -> Database:
    db = await open_database(tmp_path / "kdrama.db")
    yield db
    await db.close()


@pytest.fixture
async def db(empty_db: Database) -> Database:
    """The real content: Soul Mate only."""
    await seed_database(empty_db, [SOUL_MATE])
    return empty_db


@pytest.fixture
async def two_show_db(empty_db: Database) -> Database:
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL])
    return empty_db


@pytest.fixture
async def crowded_db(empty_db: Database, tmp_path: Path) -> Database:
    """An invented show whose lists (writers, places, aliases) are longer than a field holds."""
    await seed_database(empty_db, [write_crowded_show(tmp_path)])
    return empty_db


@pytest.fixture
async def emu():
    async with Emulator(default_world()) as emulator:
        with pointed_at(emulator):
            yield emulator
    assert not emulator.unhandled, f"requests to unknown routes: {emulator.unhandled}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@contextlib.asynccontextmanager
async def _synced_bot(emu, db, clock):
    running, task = await start_bot(emu, db, clock)
    try:
        await emu.wait_for_commands(ALL_COMMANDS)
        yield running
    finally:
        await stop_bot(running, task)


@pytest.fixture
async def bot(emu, db, clock):
    """The bot with the real content (Soul Mate), commands synced globally."""
    async with _synced_bot(emu, db, clock) as running:
        yield running


@pytest.fixture
async def crowded_bot(emu, crowded_db, clock):
    async with _synced_bot(emu, crowded_db, clock) as running:
        yield running
