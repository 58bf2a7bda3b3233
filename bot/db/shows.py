"""Queries about shows: listing, finding by title, cast and credits."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.db.connection import Database
from bot.search import fold_name


@dataclass(frozen=True, slots=True)
class Show:
    id: int
    slug: str
    title: str
    premise: str
    native_title: str | None
    aliases: tuple[str, ...]
    platform: str | None
    format: str | None
    synopsis: str | None
    origin: str | None
    settings: tuple[str, ...]
    filmed_in: tuple[str, ...]
    notes: tuple[str, ...]

    @classmethod
    def from_row(cls, row) -> Show:
        return cls(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            premise=row["premise"],
            native_title=row["native_title"],
            aliases=tuple(json.loads(row["aliases"])),
            platform=row["platform"],
            format=row["format"],
            synopsis=row["synopsis"],
            origin=row["origin"],
            settings=tuple(json.loads(row["settings"])),
            filmed_in=tuple(json.loads(row["filmed_in"])),
            notes=tuple(json.loads(row["notes"])),
        )


@dataclass(frozen=True, slots=True)
class CastMember:
    person_name: str
    person_native_name: str | None
    character_name: str
    character_description: str | None


@dataclass(frozen=True, slots=True)
class Credit:
    person_name: str
    role: str


_SHOW_COLUMNS = (
    "id, slug, title, premise, native_title, aliases, platform, format, synopsis, origin, "
    "settings, filmed_in, notes"
)


async def list_shows(db: Database, limit: int = -1) -> list[Show]:
    """Every show by title, or the first `limit` of them."""
    rows = await db.fetch_all(
        f"SELECT {_SHOW_COLUMNS} FROM shows ORDER BY title, id LIMIT ?", (limit,)
    )
    return [Show.from_row(row) for row in rows]


async def find_show(db: Database, title: str) -> Show | None:
    """The show with exactly this title, native title, alias or slug, ignoring case and
    punctuation."""
    folded = fold_name(title)
    if not folded:
        return None
    row = await db.fetch_one(
        f"SELECT {_SHOW_COLUMNS} FROM shows WHERE instr(search_text, ?) > 0 OR slug = ?"
        " ORDER BY id LIMIT 1",
        (f"|{folded}|", title.strip().casefold()),
    )
    return None if row is None else Show.from_row(row)


async def search_show_titles(db: Database, text: str, limit: int = 25) -> list[Show]:
    """Shows with a name containing `text`: exact names first, then prefixes, then the rest."""
    folded = fold_name(text)
    rows = await db.fetch_all(
        f"""
        SELECT {_SHOW_COLUMNS} FROM shows
        WHERE instr(search_text, ?) > 0
        ORDER BY instr(search_text, ?) > 0 DESC, instr(search_text, ?) > 0 DESC, title
        LIMIT ?
        """,
        (folded, f"|{folded}|", f"|{folded}", limit),
    )
    return [Show.from_row(row) for row in rows]


async def nearest_titles(db: Database, text: str, limit: int = 3) -> list[str]:
    """Titles of the shows whose title, native title or alias looks most like `text`, for a
    "did you mean" hint. Shows are few (thousands at most): each of their names is compared."""
    folded = fold_name(text)
    if not folded:
        return []
    # search_text is "|title|native title|alias|…|", each folded.
    rows = await db.fetch_all("SELECT title, search_text FROM shows ORDER BY title, id")
    titles = {name: row["title"] for row in rows for name in row["search_text"].split("|") if name}
    close = process.extract(
        folded, list(titles), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60
    )
    return list(dict.fromkeys(titles[name] for name, _score, _index in close))[:limit]


async def get_show(db: Database, show_id: int) -> Show | None:
    row = await db.fetch_one(f"SELECT {_SHOW_COLUMNS} FROM shows WHERE id = ?", (show_id,))
    return None if row is None else Show.from_row(row)


async def show_cast(db: Database, show_id: int) -> list[CastMember]:
    rows = await db.fetch_all(
        """
        SELECT p.name AS person_name, p.native_name AS person_native_name,
               c.name AS character_name, c.description AS character_description
        FROM characters c
        JOIN portrayals pr ON pr.character_id = c.id
        JOIN people p ON p.id = pr.person_id
        WHERE c.show_id = ?
        ORDER BY c.position, p.name
        """,
        (show_id,),
    )
    return [CastMember(**dict(row)) for row in rows]


async def show_credits(db: Database, show_id: int) -> list[Credit]:
    rows = await db.fetch_all(
        """
        SELECT p.name AS person_name, cr.role AS role
        FROM credits cr JOIN people p ON p.id = cr.person_id
        WHERE cr.show_id = ?
        ORDER BY cr.position
        """,
        (show_id,),
    )
    return [Credit(**dict(row)) for row in rows]
