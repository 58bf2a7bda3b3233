"""The sandbox's own database: a copy of the real one, or a new one, with the current show data.

Trying things out must never change the real database, so the sandbox works on a file in a
temporary folder. The copy is made with SQLite's backup API (a consistent snapshot even while
the bot runs and writes), and the data files are loaded into it on every start, so edits to
`data/shows/` show at once, without `kdrama-bot db seed`.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import aiosqlite

from bot.content import seed_database
from bot.content.seed import shows_dir_files
from bot.db import Database, open_database
from bot.db.connection import backup_database, read_only_uri
from bot.settings import Settings

log = logging.getLogger(__name__)

COPIED = "a copy of {path}"
NEW = "a new database"
UNREADABLE = "{path} could not be read ({error}), so the sandbox uses a new database instead."


async def sandbox_database(settings: Settings, folder: Path) -> tuple[Database, str, str | None]:
    """(the open database, what it is, a warning to show or None)."""
    path = folder / "sandbox.db"
    source = settings.database_path
    warning = None
    described = NEW
    if source.is_file():
        try:
            await copy_database(source, path)
            described = COPIED.format(path=source)
        except sqlite3.Error as error:
            path.unlink(missing_ok=True)
            warning = UNREADABLE.format(path=source, error=error)
    db = await open_database(path)
    try:
        files = shows_dir_files(settings.shows_dir)
        if files:
            await seed_database(db, files)
    except BaseException:
        await db.close()
        raise
    return db, described, warning


async def copy_database(source: Path, target: Path) -> None:
    # Read-only: nothing the sandbox does can change the real database.
    async with aiosqlite.connect(read_only_uri(source), uri=True) as conn:
        await backup_database(conn, target)
