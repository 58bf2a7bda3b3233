"""Queries about people and characters: name lookup in any script, and their cards."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from bot.db.connection import Database
from bot.search import (
    PAST_ANY_CHARACTER,
    TRIGRAM_MIN,
    fold_name,
    fts_phrase,
    one_slip_spellings,
    pieces_query,
)

EntityKind = Literal["person", "character"]


@dataclass(frozen=True, slots=True)
class NameMatch:
    kind: EntityKind
    id: int
    name: str  # the primary name, for display
    matched: str  # the name or alias that matched


@dataclass(frozen=True, slots=True)
class Role:
    show_title: str
    character_name: str


@dataclass(frozen=True, slots=True)
class ShowCredit:
    show_title: str
    role: str


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    native_name: str | None
    aliases: tuple[str, ...]
    known_for: tuple[str, ...]
    roles: tuple[Role, ...]
    credits: tuple[ShowCredit, ...]
    quote_count: int


@dataclass(frozen=True, slots=True)
class Character:
    id: int
    name: str
    native_name: str | None
    aliases: tuple[str, ...]
    description: str | None
    show_title: str
    played_by: tuple[str, ...]
    quote_count: int


_MATCH_SELECT = """
SELECT n.person_id, n.character_id, n.name AS matched,
       COALESCE(p.name, c.name) AS name
FROM names n
LEFT JOIN people p ON p.id = n.person_id
LEFT JOIN characters c ON c.id = n.character_id
"""


# Ranking looks at this many names that contain the text, and this many that start with it (in
# the index's order, so the exact name comes first), at most: a common fragment costs no more than
# a rare one, and no number of other matches can crowd out the exact name. (Twice as many cost
# twice as much and changed only which of equally good names came first.)
CANDIDATES = 100
PREFIXES = 50
# Rows read for each entity shown: an entity matched by two of its names (a name and its alias)
# still leaves room for the others.
NAMES_PER_ENTITY = 2
# "Did you mean" compares this many names sharing a piece with the text, at most, per size of
# piece: four letters in a row, then three.
SUGGESTION_CANDIDATES = 2000
LONG_PIECE = 4
# A suggestion this close (rapidfuzz's ratio, out of 100) ends the search after the long pieces.
CLOSE_SUGGESTION = 80
# A slip breaks at most five of a text's runs of four letters (a swap: the runs over either
# letter). A text this long has more runs than two slips can break, so any name within two slips
# shares one with it: the three-letter pieces would only add names further off.
SHARES_A_LONG_PIECE = 2 * (LONG_PIECE + 1) + LONG_PIECE
# A Hangul or kanji name is two to four characters: one wrong character breaks every piece of
# three in it, so such a text is also looked up as the names holding two of its characters (the
# pieces index, migration 0005). A Hangul syllable or a kanji says as much as a Latin syllable;
# names holding two Latin letters are most names.
SHORT_NATIVE_NAME = 4
# Fewer than for the pieces: names holding two common syllables are many among a million, and
# reading more of them cost milliseconds and found the name meant little more often.
TWO_CHARACTER_CANDIDATES = 500


async def search_names(db: Database, text: str, limit: int = 25) -> list[NameMatch]:
    """People and characters with a name containing `text`, best first, each entity once.

    Exact names rank first, then names that start with the text, then other substrings; primary
    names before aliases, shorter before longer.
    """
    folded = fold_name(text)
    order = """
        ORDER BY n.search_text = ? DESC, instr(n.search_text, ?) = 1 DESC,
                 n.kind = 'primary' DESC, length(n.search_text), name
        LIMIT ?
    """
    # Fetch extra rows: several names of one entity may match, and each entity is shown once.
    fetched = limit * NAMES_PER_ENTITY
    ranking = (folded, folded, fetched)
    if not folded:
        # The index on search_text gives names in order without sorting them all.
        rows = await db.fetch_all(
            f"{_MATCH_SELECT} WHERE n.kind = 'primary' ORDER BY n.search_text LIMIT ?",
            (limit,),
        )
    elif len(folded) >= TRIGRAM_MIN:
        rows = await db.fetch_all(
            f"{_MATCH_SELECT} WHERE n.id IN ("
            " SELECT * FROM (SELECT id FROM names WHERE search_text >= ? AND search_text < ?"
            f"  ORDER BY search_text LIMIT {PREFIXES})"
            " UNION SELECT * FROM (SELECT rowid FROM names_fts WHERE names_fts MATCH ?"
            f"  LIMIT {CANDIDATES})"
            f") {order}",
            (folded, folded + PAST_ANY_CHARACTER, fts_phrase(folded), *ranking),
        )
    else:
        # Too short for trigrams: names starting with it come first, in the index's order;
        # then other names holding it, from the pieces index (migration 0005).
        rows = await db.fetch_all(
            f"{_MATCH_SELECT} WHERE n.search_text >= ? AND n.search_text < ?"
            " ORDER BY n.search_text LIMIT ?",
            (folded, folded + PAST_ANY_CHARACTER, fetched),
        )
        if len(rows) < fetched:
            rows += await db.fetch_all(
                f"{_MATCH_SELECT} WHERE n.id IN (SELECT rowid FROM name_pieces"
                f" WHERE name_pieces MATCH ? LIMIT {CANDIDATES}) {order}",
                (pieces_query(folded), *ranking),
            )
    matches: dict[tuple[str, int], NameMatch] = {}
    for row in rows:
        kind: EntityKind = "person" if row["person_id"] is not None else "character"
        entity_id = row["person_id"] if kind == "person" else row["character_id"]
        matches.setdefault(
            (kind, entity_id), NameMatch(kind, entity_id, row["name"], row["matched"])
        )
    return list(matches.values())[:limit]


async def find_by_name(db: Database, name: str) -> NameMatch | None:
    """The person or character with exactly this name or alias (ignoring case and punctuation)."""
    folded = fold_name(name)
    if not folded:
        return None
    best = await search_names(db, name, limit=1)
    if best and fold_name(best[0].matched) == folded:
        return best[0]
    return None


async def entity_names(db: Database, kind: EntityKind, entity_id: int) -> list[NameMatch]:
    """Every name of one person or character, primary first."""
    column = "person_id" if kind == "person" else "character_id"
    rows = await db.fetch_all(
        f"{_MATCH_SELECT} WHERE n.{column} = ? ORDER BY n.kind = 'primary' DESC, n.id",
        (entity_id,),
    )
    return [NameMatch(kind, entity_id, row["name"], row["matched"]) for row in rows]


async def count_named(db: Database, name: str) -> int:
    """How many people and characters have exactly this name or alias (ignoring case and
    punctuation)."""
    row = await db.fetch_one(
        "SELECT count(DISTINCT coalesce(person_id, -character_id)) FROM names"
        " WHERE search_text = ?",
        (fold_name(name),),
    )
    return row[0]


async def character_shows(db: Database, character_ids: list[int]) -> dict[int, str]:
    """The title of each character's show, by character id."""
    if not character_ids:
        return {}
    rows = await db.fetch_all(
        "SELECT c.id, s.title FROM characters c JOIN shows s ON s.id = c.show_id"
        " WHERE c.id IN (SELECT value FROM json_each(?))",
        (json.dumps(character_ids),),
    )
    return {row["id"]: row["title"] for row in rows}


# Names are stored folded (search_text) too: folding thousands again here took milliseconds.
_SUGGESTIONS = (
    "SELECT n.search_text, COALESCE(p.name, c.name) AS name FROM names n"
    " LEFT JOIN people p ON p.id = n.person_id"
    " LEFT JOIN characters c ON c.id = n.character_id"
)
_SUGGESTION_CANDIDATES = (
    f"{_SUGGESTIONS} WHERE n.id IN (SELECT rowid FROM names_fts WHERE names_fts MATCH ?"
    f" LIMIT {SUGGESTION_CANDIDATES})"
)
_TWO_CHARACTERS_CANDIDATES = (
    f"{_SUGGESTIONS} WHERE n.id IN (SELECT rowid FROM name_pieces WHERE name_pieces MATCH ?"
    f" LIMIT {TWO_CHARACTER_CANDIDATES})"
)
SLIP_PLACES = 4
# Every name one slip from the text (see one_slip_spellings), and a few more, each read from an
# index. The slips in the first SLIP_PLACES places are spelled out and looked up: the names
# sharing only a first letter or two with the text are many. A name with a later slip starts as
# the text does up to the slip, is as long give or take one letter, and ends as the text does
# after the slip: in its last two letters for a slip before the last three places, in its last
# letter for a slip three places from the end; for a slip in the last two, it shares the rest.
_ONE_SLIP_AWAY = f"""
{_SUGGESTIONS} WHERE n.id IN (
    SELECT id FROM names WHERE search_text IN (SELECT value FROM json_each(:spellings))
    UNION SELECT id FROM names WHERE search_text >= :head AND search_text < :head || :past
        AND length(search_text) BETWEEN :shortest AND :longest
        AND substr(search_text, -2) = substr(:text, -2)
    UNION SELECT id FROM names WHERE search_text >= :but_three AND search_text < :but_three || :past
        AND length(search_text) BETWEEN :shortest AND :longest
        AND substr(search_text, -1) = substr(:text, -1)
    UNION SELECT id FROM names WHERE search_text >= :but_two AND search_text < :but_two || :past
        AND length(search_text) BETWEEN :shortest AND :longest
)
"""
# A name this close (rapidfuzz's Indel distance: letters added or removed) is one slip away: a
# swap or a wrong letter is two, a letter left out or an extra one is one.
ONE_SLIP = 2


def _one_slip_parameters(folded: str) -> dict[str, str | int]:
    size = len(folded)
    return {
        "spellings": json.dumps(one_slip_spellings(folded, SLIP_PLACES)),
        "text": folded,
        "head": folded[:SLIP_PLACES],
        "but_three": folded[: max(SLIP_PLACES, size - 3)],
        "but_two": folded[: max(SLIP_PLACES, size - 2)],
        "past": PAST_ANY_CHARACTER,
        "shortest": size - 1,
        "longest": size + 1,
    }


async def nearest_names(db: Database, text: str, limit: int = 3) -> list[str]:
    """Primary names that look most like `text`, for a "did you mean" hint.

    A typo is most often one slip from a name, and those names are read first, from indexes
    that find them however many names there are. Unless one of them is that close, the search
    goes on with names sharing a piece of the text, from the FTS index, so the fuzzy comparison
    never has to read every name: first those sharing four letters in a row with the text, few
    even among a million; then, unless one of those is close or the text is long, those sharing
    three, up to SUGGESTION_CANDIDATES in the index's order (thousands of names share "ang" or
    "son": the first ones alone would crowd out the name meant); and for a short Hangul or kanji
    text, those holding two of its characters.
    """
    folded = fold_name(text)
    if not folded:
        return []
    by_folded: dict[str, str] = {}

    def closest(rows: list) -> list[tuple[str, float, int]]:
        for row in rows:
            by_folded.setdefault(row["search_text"], row["name"])
        return process.extract(
            folded, list(by_folded), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=60
        )

    close = closest(await db.fetch_all(_ONE_SLIP_AWAY, _one_slip_parameters(folded)))
    if not close or Indel.distance(folded, close[0][0]) > ONE_SLIP:
        sizes = (LONG_PIECE,) if len(folded) >= SHARES_A_LONG_PIECE else (LONG_PIECE, TRIGRAM_MIN)
        searches = [
            (_SUGGESTION_CANDIDATES, " OR ".join(map(fts_phrase, pieces)))
            for size in sizes
            if (pieces := sorted({folded[i : i + size] for i in range(len(folded) - size + 1)}))
        ]
        if not folded.isascii() and len(folded) <= SHORT_NATIVE_NAME:
            pairs = itertools.combinations(sorted(set(folded)), 2)
            query = " OR ".join(f"({pieces_query(a)} AND {pieces_query(b)})" for a, b in pairs)
            if query:
                searches.append((_TWO_CHARACTERS_CANDIDATES, query))
        for sql, query in searches:
            close = closest(await db.fetch_all(sql, (query,)))
            if close and close[0][1] >= CLOSE_SUGGESTION:
                break
    return list(dict.fromkeys(by_folded[key] for key, _score, _index in close))[:limit]


async def _aliases(db: Database, column: str, entity_id: int) -> tuple[str, ...]:
    # `column` is 'person_id' or 'character_id', fixed by the callers.
    rows = await db.fetch_all(
        f"SELECT name FROM names WHERE {column} = ? AND kind = 'alias' ORDER BY id", (entity_id,)
    )
    return tuple(row["name"] for row in rows)


async def get_person(db: Database, person_id: int) -> Person | None:
    row = await db.fetch_one(
        "SELECT id, name, native_name, known_for FROM people WHERE id = ?", (person_id,)
    )
    if row is None:
        return None
    roles = await db.fetch_all(
        """
        SELECT s.title AS show_title, c.name AS character_name
        FROM portrayals pr
        JOIN characters c ON c.id = pr.character_id
        JOIN shows s ON s.id = c.show_id
        WHERE pr.person_id = ?
        ORDER BY s.title, c.position
        """,
        (person_id,),
    )
    credits = await db.fetch_all(
        """
        SELECT s.title AS show_title, cr.role AS role
        FROM credits cr JOIN shows s ON s.id = cr.show_id
        WHERE cr.person_id = ?
        ORDER BY s.title, cr.position
        """,
        (person_id,),
    )
    count = await db.fetch_one("SELECT count(*) FROM quotes WHERE person_id = ?", (person_id,))
    return Person(
        id=row["id"],
        name=row["name"],
        native_name=row["native_name"],
        aliases=await _aliases(db, "person_id", person_id),
        known_for=tuple(json.loads(row["known_for"])),
        roles=tuple(Role(**dict(r)) for r in roles),
        credits=tuple(ShowCredit(**dict(r)) for r in credits),
        quote_count=count[0],
    )


async def get_character(db: Database, character_id: int) -> Character | None:
    row = await db.fetch_one(
        """
        SELECT c.id, c.name, c.native_name, c.description, s.title AS show_title
        FROM characters c JOIN shows s ON s.id = c.show_id
        WHERE c.id = ?
        """,
        (character_id,),
    )
    if row is None:
        return None
    actors = await db.fetch_all(
        """
        SELECT p.name FROM portrayals pr JOIN people p ON p.id = pr.person_id
        WHERE pr.character_id = ? ORDER BY p.name
        """,
        (character_id,),
    )
    count = await db.fetch_one(
        "SELECT count(*) FROM quotes WHERE character_id = ?", (character_id,)
    )
    return Character(
        id=row["id"],
        name=row["name"],
        native_name=row["native_name"],
        aliases=await _aliases(db, "character_id", character_id),
        description=row["description"],
        show_title=row["show_title"],
        played_by=tuple(actor["name"] for actor in actors),
        quote_count=count[0],
    )
