"""Opening the database: foreign keys on, WAL mode, and numbered migrations to the latest schema."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Some migrations index every quote again: minutes at a million quotes, before the bot connects.
MIGRATING = "Applying database migration %s (on a large database this can take a few minutes)"


class DatabaseError(Exception):
    """The database file cannot be used; the message names the file and what to do."""


# How long a connection waits for another one's write lock before SQLite gives up (SQLITE_BUSY).
BUSY_TIMEOUT_MS = 5000

# SQLite's primary result codes that mean the file itself is damaged, not merely out of reach.
_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

DAMAGED = "The database file {path} is damaged ({detail}). kdrama-bot will not use it."
UNREADABLE = (
    "The database file {path} cannot be used: {detail}. Check that the user running kdrama-bot "
    "(the unit's User= under systemd) may read and write it, its folder, and its -wal and -shm "
    "files, and that the disk is not full. If the file itself is damaged, restore it."
)
RESTORE = (
    " To restore it: stop the bot; move {path} aside, with its -wal and -shm files if they are "
    "there; copy a backup in its place: one made with `kdrama-bot db backup`, or the one an "
    "upgrade leaves next to it ({name}.before-vN.bak). With no backup, moving it aside is enough: "
    "the bot creates a new database from SHOWS_DIR, without the servers' settings, community "
    "quotes and announcements."
)


NOT_A_FILE = (
    "DATABASE_PATH is {path}, which is a folder, not a database file. Set DATABASE_PATH to a "
    "file, such as {example}."
)
IN_A_FILE = (
    "DATABASE_PATH is {path}, but {file} is a file, not a folder, so no database can be made "
    "there. Set DATABASE_PATH to a file in a folder, such as data/kdrama.db."
)
SCHEMA_NEW = (
    "{path} has schema version {version}, newer than this kdrama-bot knows ({latest}). Upgrade "
    "kdrama-bot, or point DATABASE_PATH at another file."
)
BUSY = (
    "The database file {path} is busy: another connection (the bot, or another `kdrama-bot db` "
    "command) kept it locked for more than {seconds:g} seconds. Try again once it is done."
)


def refuse_folder(path: Path) -> None:
    """Raise DatabaseError if `path` is a folder, which SQLite only calls 'unable to open' (or a
    disk I/O error), or lies in a file (`README.md/kdrama.db`), which creating its folder calls
    'File exists'; the advice to check permissions or move the file aside fits neither."""
    if path.is_dir():
        raise DatabaseError(NOT_A_FILE.format(path=path, example=path / "kdrama.db"))
    file = file_in_the_way(path)
    if file is not None:
        raise DatabaseError(IN_A_FILE.format(path=path, file=file))


def file_in_the_way(path: Path) -> Path | None:
    """The file that stands where a folder of `path` must be, if one does."""
    if path.exists():
        return None
    nearest = next((parent for parent in path.parents if parent.exists()), None)
    return nearest if nearest is not None and not nearest.is_dir() else None


def is_damage(error: BaseException) -> bool:
    """Whether SQLite refused a file because it is damaged (rather than out of reach)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


def unusable(path: Path, error: sqlite3.Error | OSError) -> DatabaseError:
    """What to tell the admin when SQLite refuses the file: busy, damaged, or out of reach."""
    if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
        return DatabaseError(BUSY.format(path=path, seconds=BUSY_TIMEOUT_MS / 1000))
    template = DAMAGED if is_damage(error) else UNREADABLE
    return DatabaseError(
        template.format(path=path, detail=error) + RESTORE.format(path=path, name=path.name)
    )


async def quick_check(conn: aiosqlite.Connection, path: Path) -> None:
    """Raise DatabaseError, naming the file and how to restore it, unless it passes SQLite's
    `PRAGMA quick_check` (every page and index entry well-formed; roughly a second per 500 MB)."""
    try:
        async with conn.execute("PRAGMA quick_check") as cursor:
            found = [row[0] for row in await cursor.fetchall()]
    except sqlite3.DatabaseError as error:  # damage bad enough to stop the check itself
        found = [str(error)]
    if found != ["ok"]:
        raise _failed_check(path, found)


def _failed_check(path: Path, found: list[str]) -> DatabaseError:
    problems = "; ".join(found[:3]) + (" …" if len(found) > 3 else "")
    detail = f"PRAGMA quick_check found: {problems}"
    return DatabaseError(
        DAMAGED.format(path=path, detail=detail) + RESTORE.format(path=path, name=path.name)
    )


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


async def migrate(conn: aiosqlite.Connection, path: Path | None = None) -> int:
    """Apply every migration newer than the file's `user_version`, each in its own transaction.

    An existing database at `path` is first backed up next to itself, so an upgrade that goes
    wrong can be undone by putting the copy back.
    """
    current = await schema_version(conn)
    available = migrations()
    if current > len(available):
        raise DatabaseError(
            SCHEMA_NEW.format(path=path or ":memory:", version=current, latest=len(available))
        )
    if path is not None and 0 < current < len(available):
        await backup_before_upgrade(conn, path, current, len(available))
    for version, name, sql in available[current:]:
        log.info(MIGRATING, name)
        # executescript commits first; BEGIN/COMMIT make each migration all-or-nothing.
        await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    return len(available)


def upgrade_backup_path(path: Path, version: int) -> Path:
    """`kdrama.db.before-v2.bak`, or `.before-v2.1.bak`… when an earlier backup is there."""
    candidate = path.with_name(f"{path.name}.before-v{version}.bak")
    number = 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.before-v{version}.{number}.bak")
    return candidate


async def backup_database(conn: aiosqlite.Connection, target: Path) -> None:
    """Copy the open database to `target` with SQLite's online backup API.

    A file copy of a WAL database can miss the writes still in the -wal file or catch a page
    half-written; the backup API copies a consistent snapshot.
    """
    # A plain connection finds a target SQLite cannot create first: when aiosqlite fails to
    # connect, it leaves its thread to stop on its own, after the command may have ended.
    sqlite3.connect(target).close()
    async with aiosqlite.connect(target) as copy:
        await conn.backup(copy)


async def backup_before_upgrade(
    conn: aiosqlite.Connection, path: Path, current: int, latest: int
) -> None:
    target = upgrade_backup_path(path, latest)
    try:
        await backup_database(conn, target)
    except (OSError, sqlite3.Error) as error:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            f"cannot back up the database file {path} to {target} before upgrading it: {error}. "
            f"Nothing was changed. Free some disk space or fix the folder's permissions, then "
            f"start again."
        ) from error
    log.info(
        "Backed up the database to %s before upgrading it from version %d to %d",
        target,
        current,
        latest,
    )


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens `path` without writing to it, or creating files next to it.

    Even a read-only connection creates the -wal and -shm files of a WAL database when they are
    missing, owned by whoever runs it (root running `kdrama-bot doctor`, say), which can then
    lock the bot's own user out. With no -wal file, no connection is writing and the file holds
    everything, so it is opened as immutable: no locks, no side files. (Should the bot start
    writing in the moment this connection reads, the reader may see a torn page and fail; it
    only ever reads briefly, and can simply be run again.)
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


# A read on the event loop that takes longer than this is stopped and run again on aiosqlite's
# thread. A stopped read costs the budget and then its whole run on the thread, so the budget sits
# well above what reads take here (a few hundredths of a millisecond; searches one to three, and up
# to six on a busy machine, where a 3 ms budget stopped 2-3% of them) and far below anything a
# member would notice. A trip to the thread and back costs 0.3 ms, and at times several, so only
# the rare slow reads (counts over a million rows) pay for both. No read holds the loop longer.
INLINE_READ_BUDGET = 0.010
# How many of SQLite's virtual-machine steps run between two looks at the budget.
_BUDGET_CHECK_STEPS = 1000


class Database:
    """The bot's one writing connection, in autocommit mode, with a lock that serialises
    transactions; and, for reads, a second connection used right on the event loop.

    Coroutines share the writing connection, so a multi-statement write must hold the lock:
    otherwise another coroutine's statement could land inside it, and be rolled back with it.
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: Path, reader: sqlite3.Connection | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._reader = reader
        self._deadline = 0.0
        if reader is not None:
            reader.set_progress_handler(self._over_budget, _BUDGET_CHECK_STEPS)

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

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        rows = await self.fetch_all(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        """Rows of a read: on the event loop when it is quick, else on aiosqlite's thread."""
        if self._reader is not None:
            try:
                return self._read_here(sql, params)
            except sqlite3.OperationalError:
                pass  # over budget (interrupted), or busy: the thread below waits as it should
        # execute_fetchall is one trip to aiosqlite's thread; a cursor takes three.
        return list(await self.conn.execute_fetchall(sql, params))

    def data_version(self) -> int | None:
        """A number that changes whenever another connection (another process's `db seed`, or
        this process's own writes) commits a change; None when it can't be told: reads have no
        connection of their own, or that connection is busy."""
        if self._reader is None:
            return None
        try:
            return self._read_here("PRAGMA data_version")[0][0]
        except sqlite3.OperationalError:  # busy: unknown, so nothing is kept this time
            return None

    def _read_here(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        # Every statement arms the budget: SQLite counts a statement's steps across its runs,
        # so the check can come up in any statement, however short.
        self._deadline = time.perf_counter() + INLINE_READ_BUDGET
        return self._reader.execute(sql, params).fetchall()

    def _over_budget(self) -> bool:
        return time.perf_counter() > self._deadline

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        await self.conn.close()


# The reads' page cache, in KiB (SQLite's default is 2,000). A search's first answer reads a
# few hundred pages of the search indexes and the quotes; with the default, most came from the
# file again, one system call each, and a phrase of common words checking a thousand quotes
# spent two thirds of its time there. 16 MB keeps the indexes' busy pages.
READ_CACHE_KIB = 16384


def open_reader(path: Path) -> sqlite3.Connection | None:
    """The connection for reads on the event loop: it never writes and never waits for a lock
    (a busy read goes to aiosqlite's thread instead). None for an in-memory database, which a
    second connection could not see."""
    if str(path) == ":memory:":
        return None
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.row_factory = sqlite3.Row
    reader.execute("PRAGMA query_only = ON")
    reader.execute("PRAGMA busy_timeout = 0")
    reader.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
    return reader


# Reading the file through a memory map, not a read() per page, halves quick_check's time.
_CHECK_MMAP_SIZE = 1 << 40  # SQLite caps it at its own maximum


def check_file_now(path: Path) -> None:
    """`quick_check` on a connection of its own, blocking; nothing to check if there is no file.

    Raises DatabaseError, naming the file and how to restore it, if the file is damaged.
    """
    refuse_folder(path)
    if not path.exists():
        return  # a new database: open_database creates it
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise unusable(path, error) from error
    try:
        conn.execute(f"PRAGMA mmap_size = {_CHECK_MMAP_SIZE}")
        found = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        if not is_damage(error):  # out of reach (permissions, a folder), not damaged
            raise unusable(path, error) from error
        found = [str(error)]  # damage bad enough to stop the check itself
    finally:
        conn.close()
    if found != ["ok"]:
        raise _failed_check(path, found)


def start_file_check(path: Path) -> concurrent.futures.Future[None]:
    """Run `check_file_now` on a thread of its own, from now on; the future tells how it went.

    The bot starts it before it even imports discord.py, so the check (it reads the whole file:
    0.6 s for 600 MB on the benchmark machine) runs while Python loads the rest and the bot
    logs in. SQLite lets other threads run while it reads. The thread is a daemon: a stop
    during start-up does not wait for it.
    """
    future: concurrent.futures.Future[None] = concurrent.futures.Future()

    def check() -> None:
        try:
            check_file_now(path)
        except BaseException as error:
            future.set_exception(error)
        else:
            future.set_result(None)

    threading.Thread(target=check, name="quick_check", daemon=True).start()
    return future


async def is_current(path: Path) -> bool:
    """Whether the file exists with every migration applied (so opening it changes nothing)."""
    # Only a file: when aiosqlite fails to connect, it leaves its thread to stop on its own,
    # which prints a traceback if start-up has failed and closed the event loop by then.
    if str(path) == ":memory:" or not path.is_file():  # noqa: ASYNC240 (one stat)
        return False
    try:
        # Read-only, so a missing file stays missing instead of being created here.
        uri = f"{path.absolute().as_uri()}?mode=ro"  # noqa: ASYNC240 (no I/O: string work)
        conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except (OSError, ValueError, sqlite3.Error):
        return False
    try:
        return await schema_version(conn) == len(migrations())
    except sqlite3.Error:
        return False
    finally:
        await conn.close()


async def open_database(path: Path | str, *, check: bool = False) -> Database:
    """Open (creating if needed) and migrate the database; the caller owns and closes it.

    With `check`, an existing file must first pass `quick_check`: the bot never starts on a
    damaged database, nor migrates one.
    """
    path = Path(path)
    try:
        if str(path) != ":memory:":
            refuse_folder(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            # A plain connection finds an unusable path (a folder, no permission) first: when
            # aiosqlite fails to connect, it leaves its thread to stop on its own, later.
            sqlite3.connect(path).close()
        conn = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise unusable(path, error) from error
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if check:
            await quick_check(conn, path)
        await migrate(conn, None if str(path) == ":memory:" else path)
    except sqlite3.DatabaseError as error:
        await conn.close()
        raise unusable(path, error) from error
    except BaseException:
        await conn.close()
        raise
    try:
        reader = open_reader(path)
    except sqlite3.Error as error:
        await conn.close()
        raise unusable(path, error) from error
    return Database(conn, path, reader)
