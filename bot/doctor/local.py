"""Checks that need no network: the `.env` file, the settings, and the database.

The database is opened read-only: the doctor looks, it never migrates, seeds or repairs.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import aiosqlite
from dotenv import dotenv_values

from bot.content.seed import shows_dir_files
from bot.db import Database
from bot.db.connection import file_in_the_way, migrations, read_only_uri, schema_version
from bot.db.stats import content_counts
from bot.doctor.report import Row, fail, ok, skipped
from bot.formatting import content_summary, plural
from bot.settings import Settings, SettingsError, load_settings, read_env_file

# The documented settings: every name in .env.example (it lists them all).
ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"

ENV_FILE = ".env file"
SETTINGS = "Settings"
TOKEN = "Token"
DATABASE = "Database"
SCHEMA = "Database schema"
INTEGRITY = "Database integrity"
CONTENT = "Content"
SHOW_DATA = "Show data files"

ENV_FOUND = "{path} ({count} settings)"
ENV_MISSING = "there is no .env in {folder}"
ENV_MISSING_FIX = (
    "Copy .env.example to .env and put the bot's token after DISCORD_TOKEN=, or run kdrama-bot "
    "from the folder that has your .env (a service's WorkingDirectory)."
)
ENV_FROM_ENVIRONMENT = "no .env in {folder}; the settings come from the environment"
ENV_UNKNOWN = "{path} sets {names}, which kdrama-bot does not know"
ENV_UNKNOWN_FIX = "Correct the spelling{hints}, or remove the line; .env.example lists them all."
DID_YOU_MEAN = " ({wrong} → {right})"
SETTINGS_OK = "valid"
SETTINGS_FIX = "Correct it in .env (or in the environment, which wins over .env)."
SETTINGS_SKIPPED = "not checked: the settings are invalid"
TOKEN_SET = "DISCORD_TOKEN is set"
TOKEN_MISSING = "DISCORD_TOKEN is empty"
TOKEN_MISSING_FIX = (
    "Put the bot's token after DISCORD_TOKEN= in .env. It comes from the developer portal "
    "(https://discord.com/developers/applications): your application → Bot → Reset Token."
)
NO_DATABASE = "{path} does not exist yet; the bot creates and seeds it on its first start"
CANNOT_OPEN = "{path} can't be read: {error}"
NOT_A_FILE = "{path} is a folder, not a database file"
NOT_A_FILE_FIX = "Set DATABASE_PATH to a file, such as data/kdrama.db."
IN_A_FILE = "{path} can't be a database: {file} is a file, not a folder"
IN_A_FILE_FIX = "Set DATABASE_PATH to a file in a folder, such as data/kdrama.db."
RESTORE_FIX = (
    "Restore it from a backup (an upgrade leaves one next to it, named {name}.before-v….bak), or "
    "move it away: the bot then creates a new one and seeds it from SHOWS_DIR."
)
SCHEMA_OK = "version {version}, current"
SCHEMA_OLD = "version {version}; this kdrama-bot uses version {latest}"
SCHEMA_OLD_FIX = (
    "Start the bot (or run kdrama-bot db seed): it backs the file up, then upgrades it by itself."
)
SCHEMA_NEW = "version {version}, newer than this kdrama-bot knows ({latest})"
SCHEMA_NEW_FIX = "Upgrade kdrama-bot (git pull, then make run), or point DATABASE_PATH elsewhere."
INTEGRITY_OK = "quick_check passed"
INTEGRITY_BAD = "quick_check found damage: {problems}"
CONTENT_EMPTY = "no shows in the database"
CONTENT_EMPTY_FIX = "Run kdrama-bot db seed to load the data files from SHOWS_DIR."
DATABASE_SKIPPED = "not checked: the database can't be read"
SHOW_FILES = "{count} in {folder}"
SHOW_FILES_FIX = "Set SHOWS_DIR in .env to the folder of show data files, such as data/shows."


def env_file_row(env_file: Path, environ: Mapping[str, str]) -> Row:
    if not env_file.is_file():
        folder = env_file.resolve().parent
        if environ.get("DISCORD_TOKEN"):
            return ok(ENV_FILE, ENV_FROM_ENVIRONMENT.format(folder=folder))
        return fail(ENV_FILE, ENV_MISSING.format(folder=folder), ENV_MISSING_FIX)
    try:
        names = list(read_env_file(env_file))
    except SettingsError as error:
        return fail(ENV_FILE, str(error), SETTINGS_FIX)
    known = documented_settings()
    unknown = [name for name in names if known and name not in known]
    if unknown:
        hints = ""
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hints += DID_YOU_MEAN.format(wrong=name, right=close[0]) if close else ""
        return fail(
            ENV_FILE,
            ENV_UNKNOWN.format(path=env_file, names=", ".join(unknown)),
            ENV_UNKNOWN_FIX.format(hints=hints),
        )
    return ok(ENV_FILE, ENV_FOUND.format(path=env_file, count=len(names)))


def documented_settings() -> set[str]:
    """The names in .env.example; empty (check nothing) where it isn't installed alongside."""
    if not ENV_EXAMPLE.is_file():
        return set()
    return set(dotenv_values(ENV_EXAMPLE))


def settings_rows(
    env_file: Path, environ: Mapping[str, str] | None
) -> tuple[list[Row], Settings | None]:
    try:
        settings = load_settings(environ, env_file)
    except SettingsError as error:
        return [fail(SETTINGS, str(error), SETTINGS_FIX)], None
    rows = [ok(SETTINGS, SETTINGS_OK)]
    if settings.token:
        rows.append(ok(TOKEN, TOKEN_SET))
    else:
        rows.append(fail(TOKEN, TOKEN_MISSING, TOKEN_MISSING_FIX))
    return rows, settings


def show_files_row(settings: Settings) -> Row:
    """SHOWS_DIR: the folder `db seed`, and a new database's first start, load shows from."""
    try:
        files = shows_dir_files(settings.shows_dir)
    except SettingsError as error:
        return fail(SHOW_DATA, str(error), SHOW_FILES_FIX)
    count = plural(len(files), "data file", "data files")
    return ok(SHOW_DATA, SHOW_FILES.format(count=count, folder=settings.shows_dir))


async def database_rows(settings: Settings) -> tuple[list[Row], Database | None]:
    """The rows about the database, and the database opened read-only (None if it can't be)."""
    path = settings.database_path
    if path.exists() and not path.is_file():
        return [fail(DATABASE, NOT_A_FILE.format(path=path), NOT_A_FILE_FIX)], None
    if (file := file_in_the_way(path)) is not None:
        return [fail(DATABASE, IN_A_FILE.format(path=path, file=file), IN_A_FILE_FIX)], None
    if not path.exists():
        return [ok(DATABASE, NO_DATABASE.format(path=path))], None
    restore = RESTORE_FIX.format(name=path.name)
    try:
        conn = await aiosqlite.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        return [fail(DATABASE, CANNOT_OPEN.format(path=path, error=error), restore)], None
    conn.row_factory = aiosqlite.Row
    db = Database(conn, path)
    try:
        version = await schema_version(conn)
    except sqlite3.Error as error:
        await db.close()
        row = fail(DATABASE, CANNOT_OPEN.format(path=path, error=error), restore)
        return [row, *(skipped(name, DATABASE_SKIPPED) for name in (SCHEMA, INTEGRITY))], None
    rows = [ok(DATABASE, str(path))]
    latest = len(migrations())
    if version == latest:
        rows.append(ok(SCHEMA, SCHEMA_OK.format(version=version)))
    elif version < latest:
        rows.append(fail(SCHEMA, SCHEMA_OLD.format(version=version, latest=latest), SCHEMA_OLD_FIX))
    else:
        rows.append(fail(SCHEMA, SCHEMA_NEW.format(version=version, latest=latest), SCHEMA_NEW_FIX))
    rows.append(await integrity_row(db, restore))
    rows.append(await content_row(db))
    return rows, db


async def integrity_row(db: Database, restore: str) -> Row:
    try:
        found = [row[0] for row in await db.fetch_all("PRAGMA quick_check")]
    except sqlite3.Error as error:  # damage bad enough that the check itself stops
        found = [str(error)]
    if found == ["ok"]:
        return ok(INTEGRITY, INTEGRITY_OK)
    problems = "; ".join(found[:3]) + (" …" if len(found) > 3 else "")
    return fail(INTEGRITY, INTEGRITY_BAD.format(problems=problems), restore)


async def content_row(db: Database) -> Row:
    try:
        counts = await content_counts(db)
    except sqlite3.Error as error:
        return fail(CONTENT, CANNOT_OPEN.format(path=db.path, error=error), CONTENT_EMPTY_FIX)
    if not counts.shows:
        return fail(CONTENT, CONTENT_EMPTY, CONTENT_EMPTY_FIX)
    return ok(CONTENT, content_summary(counts))
