"""Writing validated show data into the database, idempotently, in one transaction.

Rows are matched by stable keys (show slug, person slug, character slug, quote text), so seeding
the same files twice changes nothing, and ids that other tables refer to survive a re-seed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.content.loader import (
    DataError,
    DataFileError,
    ShowData,
    load_show_files,
    names_taken,
)
from bot.db import Database
from bot.search import fold_name, fold_text
from bot.settings import SettingsError

SHOWS_DIR_UNUSABLE = (
    "SHOWS_DIR is {path}, which {what}, so there are no show data files to load. Set SHOWS_DIR "
    "to the folder of show data files (*.toml), such as data/shows."
)


@dataclass(frozen=True, slots=True)
class SeedReport:
    shows: int
    people: int
    characters: int
    quotes: int


def show_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def shows_dir_files(shows_dir: Path) -> list[Path]:
    """The data files in SHOWS_DIR; SettingsError if it is not a folder (a mistyped path would
    otherwise give a bot, or a sandbox, without a single show, and no word why)."""
    if not shows_dir.is_dir():
        what = "is a file, not a folder" if shows_dir.exists() else "does not exist"
        raise SettingsError(SHOWS_DIR_UNUSABLE.format(path=shows_dir, what=what))
    return show_files(shows_dir)


# Called with a show and how many of its quotes are imported: every PROGRESS_EVERY quotes, and
# once when the whole show is (then the count is all its quotes).
Progress = Callable[[ShowData, int], None]
PROGRESS_EVERY = 1000


def summarise(shows: list[ShowData]) -> SeedReport:
    """The counts of validated shows; a person in several shows counts once."""
    return SeedReport(
        shows=len(shows),
        people=len({person.slug for show in shows for person in show.people}),
        characters=sum(len(show.characters) for show in shows),
        quotes=sum(len(show.quotes) for show in shows),
    )


async def seed_database(
    db: Database, files: list[Path], *, progress: Progress | None = None
) -> SeedReport:
    """Validate every file first (raising DataFileError), then import them all or nothing."""
    return await seed_shows(db, load_show_files(files), progress=progress)


async def seed_shows(
    db: Database, shows: list[ShowData], *, progress: Progress | None = None
) -> SeedReport:
    """Import validated shows in one transaction: all of them, or (on any error) nothing.

    Raises DataFileError, writing nothing, if a show would share a name with another show
    already in the database (one whose file was not given)."""
    async with db.transaction() as conn:
        clashes = await database_clashes(conn, shows)
        if clashes:
            raise DataFileError(clashes)
        for show in shows:
            await _seed_show(conn, show, progress)
        await conn.execute(_DELETE_ORPHAN_PEOPLE)
    return summarise(shows)


async def database_clashes(conn: aiosqlite.Connection, shows: list[ShowData]) -> list[DataError]:
    """The names of `shows` that another show in the database has (one they do not update)."""
    return names_taken(shows, await _names_of_other_shows(conn, shows))


async def _names_of_other_shows(
    conn: aiosqlite.Connection, shows: list[ShowData]
) -> dict[str, tuple[str, str]]:
    """Every folded name of the shows in the database that `shows` do not update."""
    slugs = {show.slug for show in shows}
    taken = {}
    for slug, title, search_text in await _all(
        conn, "SELECT slug, title, search_text FROM shows ORDER BY id", ()
    ):
        if slug not in slugs:
            for name in filter(None, search_text.split("|")):
                taken.setdefault(name, (title, "the database"))
    return taken


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple) -> aiosqlite.Row:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row


async def _all(conn: aiosqlite.Connection, sql: str, params: tuple) -> list[tuple]:
    async with conn.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


_UPSERT_SHOW = """
INSERT INTO shows (slug, title, native_title, aliases, platform, format, premise, synopsis,
                   origin, settings, filmed_in, notes, search_text)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (slug) DO UPDATE SET
    title = excluded.title, native_title = excluded.native_title, aliases = excluded.aliases,
    platform = excluded.platform, format = excluded.format,
    premise = excluded.premise, synopsis = excluded.synopsis, origin = excluded.origin,
    settings = excluded.settings, filmed_in = excluded.filmed_in, notes = excluded.notes,
    search_text = excluded.search_text
RETURNING id
"""

_UPSERT_PERSON = """
INSERT INTO people (slug, name, native_name, known_for) VALUES (?, ?, ?, ?)
ON CONFLICT (slug) DO UPDATE SET
    name = excluded.name, native_name = excluded.native_name, known_for = excluded.known_for
RETURNING id
"""

_UPSERT_CHARACTER = """
INSERT INTO characters (show_id, slug, name, native_name, description, position)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (show_id, slug) DO UPDATE SET
    name = excluded.name, native_name = excluded.native_name,
    description = excluded.description, position = excluded.position
RETURNING id
"""

_UPSERT_QUOTE = """
INSERT INTO quotes (show_id, position, text, person_id, character_id, speaker_name, context,
                    search_text)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (show_id, text) DO UPDATE SET
    position = excluded.position, person_id = excluded.person_id,
    character_id = excluded.character_id, speaker_name = excluded.speaker_name,
    context = excluded.context, search_text = excluded.search_text
"""


@dataclass(frozen=True, slots=True)
class ShowContent:
    """What removing a show takes away (its community quotes stay, without a show)."""

    slug: str
    title: str
    characters: int
    credits: int
    quotes: int
    community_quotes: int


_SHOW_CONTENT = """
SELECT slug, title,
       (SELECT count(*) FROM characters WHERE show_id = shows.id) AS characters,
       (SELECT count(*) FROM credits WHERE show_id = shows.id) AS credits,
       (SELECT count(*) FROM quotes WHERE show_id = shows.id) AS quotes,
       (SELECT count(*) FROM community_quotes WHERE show_id = shows.id) AS community_quotes
FROM shows WHERE slug = ?
"""


async def show_content(db: Database, slug: str) -> ShowContent | None:
    row = await db.fetch_one(_SHOW_CONTENT, (slug,))
    return None if row is None else ShowContent(**dict(row))


async def remove_shows(db: Database, slugs: list[str]) -> int:
    """Remove the shows, with their characters, credits and quotes, in one transaction, and the
    people left in no show; return how many people went. Community quotes and a server's
    featured show lose the show (the schema sets them to NULL)."""
    async with db.transaction() as conn:
        for slug in slugs:
            # Quotes first: a quote's speaker may not go before it (ON DELETE RESTRICT).
            await conn.execute(
                "DELETE FROM quotes WHERE show_id = (SELECT id FROM shows WHERE slug = ?)", (slug,)
            )
            await conn.execute("DELETE FROM shows WHERE slug = ?", (slug,))
        cursor = await conn.execute(_DELETE_ORPHAN_PEOPLE)
        return cursor.rowcount


_DELETE_ORPHAN_PEOPLE = """
DELETE FROM people
WHERE id NOT IN (SELECT person_id FROM credits)
  AND id NOT IN (SELECT person_id FROM portrayals)
  AND id NOT IN (SELECT person_id FROM quotes WHERE person_id IS NOT NULL)
"""


def show_search_text(show: ShowData) -> str:
    """Every name of the show, folded, between bars: '|soulmate|' — so a name can be matched
    whole ('%|q|%'), by its start ('%|q%') or anywhere."""
    names = [show.title, show.native_title, *show.aliases]
    return "|" + "|".join(fold_name(name) for name in names if name) + "|"


def _json(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


async def _seed_show(conn: aiosqlite.Connection, show: ShowData, progress: Progress | None) -> None:
    (show_id,) = await _one(
        conn,
        _UPSERT_SHOW,
        (
            show.slug, show.title, show.native_title, _json(show.aliases), show.platform,
            show.format, show.premise, show.synopsis, show.origin, _json(show.settings),
            _json(show.filmed_in), _json(show.notes), show_search_text(show),
        ),
    )  # fmt: skip

    person_ids: dict[str, int] = {}
    for person in show.people:
        (person_ids[person.slug],) = await _one(
            conn,
            _UPSERT_PERSON,
            (person.slug, person.name, person.native_name, _json(person.known_for)),
        )
        await _sync_names(conn, "person_id", person_ids[person.slug], person)

    character_ids: dict[str, int] = {}
    for position, character in enumerate(show.characters):
        (character_id,) = await _one(
            conn,
            _UPSERT_CHARACTER,
            (
                show_id, character.slug, character.name, character.native_name,
                character.description, position,
            ),
        )  # fmt: skip
        character_ids[character.slug] = character_id
        await _sync_names(conn, "character_id", character_id, character)
        await _replace_if_changed(
            conn,
            "SELECT person_id FROM portrayals WHERE character_id = ? ORDER BY person_id",
            (character_id,),
            sorted((person_ids[slug],) for slug in character.played_by),
            "DELETE FROM portrayals WHERE character_id = ?",
            "INSERT INTO portrayals (person_id, character_id) VALUES (?, ?)",
            lambda row, character_id=character_id: (*row, character_id),
        )

    rows = [
        (
            show_id, position, quote.text,
            person_ids[quote.person] if quote.person else None,
            character_ids[quote.character] if quote.character else None,
            quote.speaker_name, quote.context, fold_text(quote.text),
        )
        for position, quote in enumerate(show.quotes)
    ]  # fmt: skip
    # In batches: one trip to SQLite's thread for each, and progress reported after each.
    for start in range(0, len(rows), PROGRESS_EVERY):
        await conn.executemany(_UPSERT_QUOTE, rows[start : start + PROGRESS_EVERY])
        if progress and start + PROGRESS_EVERY < len(rows):
            progress(show, start + PROGRESS_EVERY)
    # Stale quotes go before stale characters: a quote may refer to one. (Found here rather than
    # with NOT IN: a show may have more quotes than a statement may have parameters.)
    texts = {quote.text for quote in show.quotes}
    stored = await _all(conn, "SELECT id, text FROM quotes WHERE show_id = ?", (show_id,))
    stale = [(quote_id,) for quote_id, text in stored if text not in texts]
    await conn.executemany("DELETE FROM quotes WHERE id = ?", stale)
    await _delete_missing(conn, "characters", show_id, list(character_ids.values()))

    credits = [
        (person_ids[person.slug], role)
        for person in show.people
        for role in person.credits
    ]  # fmt: skip
    await _replace_if_changed(
        conn,
        "SELECT person_id, role, position FROM credits WHERE show_id = ? ORDER BY position",
        (show_id,),
        [(*credit, position) for position, credit in enumerate(credits)],
        "DELETE FROM credits WHERE show_id = ?",
        "INSERT INTO credits (person_id, role, position, show_id) VALUES (?, ?, ?, ?)",
        lambda row: (*row, show_id),
    )
    if progress:
        progress(show, len(show.quotes))


async def _delete_missing(conn: aiosqlite.Connection, table: str, show_id: int, keep: list[int]):
    # `table` is one of two literals above, never user input.
    marks = ",".join("?" * len(keep)) or "NULL"
    await conn.execute(
        f"DELETE FROM {table} WHERE show_id = ? AND id NOT IN ({marks})", (show_id, *keep)
    )


async def _sync_names(conn: aiosqlite.Connection, owner_column: str, owner_id: int, entry) -> None:
    wanted = [(entry.name, "primary")]
    if entry.native_name:
        wanted.append((entry.native_name, "native"))
    wanted += [(alias, "alias") for alias in entry.aliases]
    # `owner_column` is 'person_id' or 'character_id', fixed by the callers.
    await _replace_if_changed(
        conn,
        f"SELECT name, kind FROM names WHERE {owner_column} = ? ORDER BY id",
        (owner_id,),
        wanted,
        f"DELETE FROM names WHERE {owner_column} = ?",
        f"INSERT INTO names (name, kind, search_text, {owner_column}) VALUES (?, ?, ?, ?)",
        lambda row: (*row, fold_name(row[0]), owner_id),
    )


async def _replace_if_changed(
    conn, select_sql, key, wanted: list[tuple], delete_sql, insert_sql, to_params
) -> None:
    """Replace a small set of child rows, but only when they differ, so a re-seed writes nothing."""
    if await _all(conn, select_sql, key) == list(wanted):
        return
    await conn.execute(delete_sql, key)
    await conn.executemany(insert_sql, [to_params(row) for row in wanted])
