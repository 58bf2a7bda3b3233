"""`kdrama-bot db …`: check the data files; seed, export, back up and count the database.

kdrama-bot db validate [FILES…]     every problem in the data files, with file, line and field,
                                    and any name a show in the database already has
kdrama-bot db seed [FILES…]         validate, then import in one transaction (all or nothing)
kdrama-bot db remove SLUG… [--yes]  take shows out of the database, with their characters and quotes
kdrama-bot db export [DIR]          the shows in the database, written back as data files
kdrama-bot db backup PATH           a consistent copy, through SQLite's backup API
kdrama-bot db stats                 what the database holds, per show and per server

Results go to standard output; problems, and the progress of a large import, to standard
error. Exit codes: 0 done; 1 the data files are invalid, or the command refused or failed
(it never overwrites a file without --force); 2 the database or the settings cannot be used
(DatabaseError and SettingsError, which the caller prints).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

import aiosqlite
from rich.cells import cell_len

from bot.content import DataFileError, ShowData, load_show_files
from bot.content.export import ExportError, read_shows, write_show_files
from bot.content.loader import DataError
from bot.content.seed import (
    ShowContent,
    database_clashes,
    remove_shows,
    seed_shows,
    show_content,
    show_files,
    shows_dir_files,
    summarise,
)
from bot.db import Database, DatabaseError, connection, open_database
from bot.db.connection import (
    SCHEMA_NEW,
    backup_database,
    file_in_the_way,
    is_damage,
    migrations,
    quick_check,
    refuse_folder,
    schema_version,
    unusable,
)
from bot.db.shows import list_shows
from bot.db.stats import content_counts
from bot.formatting import content_summary, plural
from bot.settings import Settings, SettingsError

EXIT_OK = 0
EXIT_FAILURE = 1

# From this many quotes on, `db seed` reports each file, and how far it is in a long one.
LARGE_IMPORT = 1000
# From this many bytes of data files on, checking them takes seconds: say so first.
LARGE_FILES = 1_000_000

NO_FILES = "No data files to {verb}: {where} has no *.toml files."
UNKNOWN_SLUGS = "No show has the slug {slugs}; nothing was removed. The shows: {known}."
NOT_REMOVED = "Nothing was removed: run it again with --yes to remove them."
REMOVED = (
    "{shows} removed, and {people} in no other show. A data file still in SHOWS_DIR would add its "
    "show again at the next `kdrama-bot db seed`: move it away."
)
NOT_COMPARED = "The files were not compared with the shows in {path}."
NO_DATABASE = (
    "There is no database at {path} (DATABASE_PATH). The bot creates it on its first start; "
    "`kdrama-bot db seed` creates it too."
)
SCHEMA_OLD = (
    "{path} has schema version {version}; this kdrama-bot uses version {latest}. Start the bot, "
    "or run `kdrama-bot db seed`, once: it backs the file up, then upgrades it."
)


def add_db_parser(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser(
        "db", help="check the data files; seed, export, back up and count the database"
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    files_help = "data files, or folders of them (default: every *.toml file in SHOWS_DIR)"
    validate = db_commands.add_parser(
        "validate",
        help="list every problem in the data files, with its line (and any name a show in the "
        "database has); change nothing",
    )
    validate.add_argument("files", nargs="*", type=Path, metavar="FILES", help=files_help)
    seed = db_commands.add_parser(
        "seed", help="validate the data files, then load them into the database, all or nothing"
    )
    seed.add_argument("files", nargs="*", type=Path, metavar="FILES", help=files_help)
    export = db_commands.add_parser(
        "export", help="write the shows in the database as data files, one per show"
    )
    export.add_argument(
        "folder", nargs="?", type=Path, default=Path(), metavar="DIR",
        help="where to write them (default: the current folder)",
    )  # fmt: skip
    export.add_argument("--force", action="store_true", help="replace files already there")
    remove = db_commands.add_parser(
        "remove", help="take shows out of the database, with their characters, credits and quotes"
    )
    remove.add_argument("slugs", nargs="+", metavar="SLUG", help="the show's slug, as in its file")
    remove.add_argument("--yes", action="store_true", help="remove them (without: only say what)")
    backup = db_commands.add_parser(
        "backup", help="copy the database safely, even while the bot runs"
    )
    backup.add_argument("target", type=Path, metavar="PATH", help="the file to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    db_commands.add_parser(
        "stats", help="count the shows, people, characters, quotes and announcements"
    )


def run_db_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run `kdrama-bot db …`; each command checks files itself, and runs only its database work
    in an event loop."""
    if args.db_command == "validate":
        return validate(settings, args.files)
    if args.db_command == "seed":
        return seed(settings, args.files)
    if args.db_command == "remove":
        return remove(settings, args.slugs, yes=args.yes)
    if args.db_command == "export":
        return export(settings, args.folder, force=args.force)
    if args.db_command == "backup":
        return backup(settings, args.target, force=args.force)
    return stats(settings)


# -- validate and seed ------------------------------------------------------------------------


def data_files(given: Sequence[Path], settings: Settings, verb: str) -> list[Path]:
    """The files named (a folder stands for its *.toml files), or those in SHOWS_DIR; a file
    named twice, even in two ways (`data/shows/x.toml` and `./data/shows/../shows/x.toml`), once,
    as it was first named."""
    files: dict[Path, Path] = {}
    for path in given or [settings.shows_dir]:
        if path.is_dir():
            found = show_files(path)
        elif given:
            found = [path]
        else:
            found = shows_dir_files(path)  # SHOWS_DIR is not a folder: SettingsError
        if not found:
            raise SettingsError(NO_FILES.format(verb=verb, where=path))
        for file in found:
            files.setdefault(file.resolve(), file)
    return list(files.values())


def print_problems(error: DataFileError, files: list[Path], outcome: str) -> None:
    for problem in error.errors:
        print(problem, file=sys.stderr)
    found = plural(len(error.errors), "problem", "problems")
    if len(files) > 1:
        found += f" in {len({problem.file for problem in error.errors})} of {len(files)} files"
    print(f"{found}{outcome}", file=sys.stderr)


def checked(files: list[Path], outcome: str) -> list[ShowData] | None:
    """The shows in the files, or None once every problem in them is on standard error."""
    total = sum(path.stat().st_size for path in files if path.is_file())
    if total >= LARGE_FILES:
        print(f"Checking {plural(len(files), 'file', 'files')} ({size(total)})…", file=sys.stderr)
    try:
        return load_show_files(files)
    except DataFileError as error:
        print_problems(error, files, outcome)
        return None


def validate(settings: Settings, given: Sequence[Path]) -> int:
    """The files' problems; and, when the database exists, the names its other shows already
    have (as `db seed` would refuse them)."""
    files = data_files(given, settings, "validate")
    shows = checked(files, ".")
    if shows is None:
        return EXIT_FAILURE
    path = settings.database_path
    if path.is_file():
        try:
            clashes = asyncio.run(clashes_in(path, shows))
        except DatabaseError as error:
            print(f"{error}\n{NOT_COMPARED.format(path=path)}", file=sys.stderr)
        else:
            if clashes:
                print_problems(DataFileError(clashes), files, ".")
                return EXIT_FAILURE
    valid = plural(len(files), "file is", "files are")
    print(f"{valid} valid: {content_summary(summarise(shows))}.")
    return EXIT_OK


async def clashes_in(path: Path, shows: list[ShowData]) -> list[DataError]:
    async with current_database(path) as db:
        return await database_clashes(db.conn, shows)


def seed(settings: Settings, given: Sequence[Path]) -> int:
    files = data_files(given, settings, "seed")
    shows = checked(files, "; nothing was written.")
    if shows is None:
        return EXIT_FAILURE
    report = summarise(shows)
    progress = None
    if report.quotes >= LARGE_IMPORT:
        progress = ImportProgress(sys.stderr)
        print(
            f"Importing {content_summary(report)} into {settings.database_path}, in one "
            "transaction…",
            file=sys.stderr,
            flush=True,
        )
    try:
        asyncio.run(import_shows(settings.database_path, shows, progress))
    except DataFileError as error:  # a name another show in the database has
        print_problems(error, files, "; nothing was written.")
        return EXIT_FAILURE
    print(f"Seeded {settings.database_path}: {content_summary(report)}.")
    return EXIT_OK


async def import_shows(path: Path, shows: list[ShowData], progress: ImportProgress | None) -> None:
    db = await open_database(path, check=True)
    try:
        await seed_shows(db, shows, progress=progress)
    except sqlite3.Error as error:  # one transaction: it was rolled back whole
        raise DatabaseError(f"Nothing was written. {unusable(path, error)}") from error
    finally:
        await db.close()


def show_counts(show: ShowData) -> str:
    return ", ".join(
        plural(len(entries), one, many)
        for entries, one, many in (
            (show.people, "person", "people"),
            (show.characters, "character", "characters"),
            (show.quotes, "quote", "quotes"),
        )
    )


class ImportProgress:
    """A large import on standard error: a line for each show once it is in, and, in a show of
    thousands of quotes, how far it is: on a terminal one line that counts up, elsewhere (a log)
    a line at each tenth."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.counting = False  # a line that counts up is on the terminal
        self.tenths = 0  # tenths of the current show reported, off a terminal

    def __call__(self, show: ShowData, done: int) -> None:
        total = len(show.quotes)
        if done == total:
            self._write(f"{show.file}: {show_counts(show)}\n")
            self.tenths = 0
        elif self.live:
            self._write(f"{show.file}: {done} of {total} quotes")
            self.counting = True
        elif done * 10 // total > self.tenths:
            self.tenths = done * 10 // total
            self._write(f"{show.file}: {done} of {total} quotes\n")

    def _write(self, text: str) -> None:
        if self.counting:
            self.stream.write("\r\x1b[K")  # back to the start of the line, and clear it
            self.counting = False
        self.stream.write(text)
        self.stream.flush()


# -- reading the database as it is --------------------------------------------------------------


def existing_uri(path: Path) -> str:
    """The URI that opens the database file without ever creating it."""
    refuse_folder(path)
    if not path.is_file():
        raise DatabaseError(NO_DATABASE.format(path=path))
    return f"{path.resolve().as_uri()}?mode=rw"


async def connect_existing(path: Path) -> aiosqlite.Connection:
    """A connection to the file as it is: never created, migrated or checked.

    Read-write, though the commands only read: SQLite then removes the -wal and -shm files it
    may create when it closes, where a read-only connection would leave them behind.
    """
    uri = existing_uri(path)
    try:
        conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise unusable(path, error) from error
    conn.row_factory = aiosqlite.Row
    return conn


@asynccontextmanager
async def current_database(path: Path) -> AsyncIterator[Database]:
    """The database, at the schema this kdrama-bot uses, read in one snapshot: what a running
    bot writes meanwhile is not half seen."""
    conn = await connect_existing(path)
    try:
        await conn.execute(f"PRAGMA busy_timeout = {connection.BUSY_TIMEOUT_MS}")
        version, latest = await schema_version(conn), len(migrations())
        if version != latest:
            template = SCHEMA_OLD if version < latest else SCHEMA_NEW
            raise DatabaseError(template.format(path=path, version=version, latest=latest))
        await conn.execute("BEGIN")
        yield Database(conn, path)
        await conn.execute("COMMIT")
    except sqlite3.Error as error:
        raise unusable(path, error) from error
    finally:
        await conn.close()


# -- remove -------------------------------------------------------------------------------------


def remove(settings: Settings, slugs: Sequence[str], *, yes: bool) -> int:
    """Say what removing the shows takes away; with `yes`, remove them, all or nothing."""
    path = settings.database_path
    existing_uri(path)  # never creates the database
    return asyncio.run(remove_from(path, list(dict.fromkeys(slugs)), yes=yes))


async def remove_from(path: Path, slugs: list[str], *, yes: bool) -> int:
    db = await open_database(path, check=True)
    try:
        found = {slug: await show_content(db, slug) for slug in slugs}
        unknown = [slug for slug, content in found.items() if content is None]
        if unknown:
            known = ", ".join(f"{show.slug} ({show.title})" for show in await list_shows(db))
            names = ", ".join(repr(slug) for slug in unknown)
            print(UNKNOWN_SLUGS.format(slugs=names, known=known or "none"), file=sys.stderr)
            return EXIT_FAILURE
        for content in found.values():
            print(removal_line(content, done=yes))
        if not yes:
            print(NOT_REMOVED, file=sys.stderr)
            return EXIT_FAILURE
        people = await remove_shows(db, slugs)
    except sqlite3.Error as error:  # one transaction: it was rolled back whole
        raise DatabaseError(f"Nothing was removed. {unusable(path, error)}") from error
    finally:
        await db.close()
    gone = plural(people, "person", "people")
    print(REMOVED.format(shows=plural(len(slugs), "show", "shows"), people=gone))
    return EXIT_OK


def removal_line(content: ShowContent, *, done: bool) -> str:
    takes = ", ".join(
        plural(count, one, many)
        for count, one, many in (
            (content.characters, "character", "characters"),
            (content.credits, "credit", "credits"),
            (content.quotes, "quote", "quotes"),
        )
    )
    line = f"{'Removed' if done else 'Would remove'} {content.title} ({content.slug}): {takes}"
    if content.community_quotes:
        kept = plural(content.community_quotes, "community quote stays", "community quotes stay")
        line += f"; {kept}, without a show"
    return line + "."


# -- export -------------------------------------------------------------------------------------


def export(settings: Settings, folder: Path, *, force: bool) -> int:
    shows = asyncio.run(read_database(settings.database_path))
    if not shows:
        print(f"{settings.database_path} holds no shows to export.", file=sys.stderr)
        return EXIT_FAILURE
    try:
        written = write_show_files(shows, folder, force=force)
    except ExportError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILURE
    for path, show in zip(written, shows, strict=True):
        print(f"{path}: {show_counts(show)}")
    print(f"Exported {plural(len(shows), 'show', 'shows')} from {settings.database_path}.")
    return EXIT_OK


async def read_database(path: Path) -> list[ShowData]:
    async with current_database(path) as db:
        return await read_shows(db)


# -- backup -------------------------------------------------------------------------------------

# The database file, and those SQLite keeps beside it.
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def backup_refusal(source: Path, target: Path, *, force: bool) -> str | None:
    """Why the backup must not be written to `target`, or None."""
    if target.is_dir():
        example = target / f"kdrama-{date.today()}.db"
        return f"{target} is a folder. Give the backup a file name, such as {example}."
    if target.exists() and not target.is_file():
        return (
            f"{target} is not a regular file (a device, a pipe or a socket), so nothing was "
            "written. Choose a file for the backup."
        )
    if target.resolve() in {source.resolve().with_name(source.name + end) for end in SIDE_FILES}:
        return f"{target} is the database itself. Choose another file for the backup."
    if (file := file_in_the_way(target)) is not None:
        return f"{file} is a file, not a folder, so nothing was written. Choose a PATH in a folder."
    if not target.parent.is_dir():
        return f"The folder {target.parent} does not exist. Create it, or choose another PATH."
    if target.exists() and not force:
        return (
            f"{target} already exists, so nothing was written. Choose another PATH, or add "
            "--force to replace it."
        )
    return None


def backup(settings: Settings, target: Path, *, force: bool) -> int:
    source = settings.database_path
    existing_uri(source)  # raises unless it is a file
    refusal = backup_refusal(source, target, force=force)
    if refusal:
        print(refusal, file=sys.stderr)
        return EXIT_FAILURE
    try:
        asyncio.run(write_backup(source, target, force=force))
    except DatabaseError as error:
        raise DatabaseError(f"No backup was written. {error}") from error
    except (OSError, sqlite3.Error) as error:
        if is_damage(error):
            raise DatabaseError(f"No backup was written. {unusable(source, error)}") from error
        reason = getattr(error, "strerror", None) or error
        message = f"Could not back up {source} to {target}: {reason}. Nothing was written."
        print(message, file=sys.stderr)
        return EXIT_FAILURE
    print(f"Backed up {source} to {target} ({size(target.stat().st_size)}, quick_check passed).")
    return EXIT_OK


async def write_backup(source: Path, target: Path, *, force: bool) -> None:
    """Copy the database to `target` whole, or write nothing: the copy is made beside it, and
    renamed into place only once `quick_check` passes on it."""
    partial = beside(target)
    try:
        conn = await connect_existing(source)
        try:
            # One step, so one read transaction: a snapshot, whatever the bot writes meanwhile.
            await backup_database(conn, partial)
        finally:
            await conn.close()
        async with aiosqlite.connect(partial) as copy:
            await quick_check(copy, source)  # a copy is damaged only where the database is
        move_into_place(partial, target, force=force)
    finally:
        for end in SIDE_FILES:
            partial.with_name(partial.name + end).unlink(missing_ok=True)


def beside(target: Path) -> Path:
    """A hidden name next to `target`, to write it under until it is complete."""
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def move_into_place(partial: Path, target: Path, *, force: bool) -> None:
    if target.exists() and not force:
        raise FileExistsError(errno.EEXIST, "it appeared while the copy was being made")
    os.replace(partial, target)


def size(count: float) -> str:
    """'812 bytes', '1.2 MB'."""
    units = ["bytes", "KB", "MB", "GB"]
    while count >= 1000 and len(units) > 1:
        count /= 1000
        units.pop(0)
    return f"{count:.0f} bytes" if units[0] == "bytes" else f"{count:.1f} {units[0]}"


# -- stats --------------------------------------------------------------------------------------

# A show's people: those credited in it, those who play one of its characters, and those quoted.
_PER_SHOW = """
SELECT s.title,
       (SELECT count(*) FROM (
            SELECT person_id FROM credits WHERE show_id = s.id
            UNION SELECT p.person_id FROM portrayals p
                  JOIN characters c ON c.id = p.character_id WHERE c.show_id = s.id
            UNION SELECT person_id FROM quotes WHERE show_id = s.id AND person_id IS NOT NULL
       )),
       (SELECT count(*) FROM characters WHERE show_id = s.id),
       (SELECT count(*) FROM quotes WHERE show_id = s.id)
FROM shows s
ORDER BY s.title COLLATE NOCASE, s.slug
"""
COMMUNITY_STATES = ("pending", "approved", "rejected", "withdrawn", "removed")
ANNOUNCEMENT_STATES = (
    "scheduled", "posting", "posted", "failed", "missed", "paused", "cancelled", "deleted",
)  # fmt: skip


def stats(settings: Settings) -> int:
    path = settings.database_path
    version, shows, total, community, announcements = asyncio.run(count_everything(path))
    print(f"{path}: {size(path.stat().st_size)}, schema version {version}")
    print()
    if shows:
        shows.append(["all shows", total.people, total.characters, total.quotes])
        print_table(["show", "people", "characters", "quotes"], shows)
    else:
        print("shows: none (kdrama-bot db seed loads them)")
    print()
    print_table(
        ["community quotes", *COMMUNITY_STATES],
        [
            [f"server {server}", *(community.get((server, state), 0) for state in COMMUNITY_STATES)]
            for server in sorted({server for server, _ in community})
        ],
    )
    print()
    kinds = ("announcement", "quote_of_the_day")
    print_table(
        ["announcements", "announcement", "quote of the day"],
        [
            [state, *(announcements.get((state, kind), 0) for kind in kinds)]
            for state in ANNOUNCEMENT_STATES
            if any((state, kind) in announcements for kind in kinds)
        ],
    )
    return EXIT_OK


async def count_everything(path: Path) -> tuple:
    """(schema version, [title, people, characters, quotes] per show, the content's totals,
    {(server, state): community quotes}, {(state, kind): announcements})."""
    async with current_database(path) as db:
        return (
            await schema_version(db.conn),
            [list(row) for row in await db.fetch_all(_PER_SHOW)],
            await content_counts(db),
            {
                (row[0], row[1]): row[2]
                for row in await db.fetch_all(
                    "SELECT guild_id, state, count(*) FROM community_quotes"
                    " GROUP BY guild_id, state"
                )
            },
            {
                (row[0], row[1]): row[2]
                for row in await db.fetch_all(
                    "SELECT state, kind, count(*) FROM announcements GROUP BY state, kind"
                )
            },
        )


def print_table(header: list[str], rows: list[list]) -> None:
    """Columns two spaces apart, the first left-aligned, numbers right-aligned; or `none`."""
    if not rows:
        print(f"{header[0]}: none")
        return
    cells = [header, *([str(cell) for cell in row] for row in rows)]
    widths = [max(cell_len(row[column]) for row in cells) for column in range(len(header))]
    for row in cells:
        padded = [
            cell + pad if column == 0 else pad + cell
            for column, cell in enumerate(row)
            for pad in [" " * (widths[column] - cell_len(cell))]
        ]
        print("  ".join(padded).rstrip())
