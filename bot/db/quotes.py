"""Queries about quotes: a random one, and substring search in any script."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.db.connection import Database
from bot.search import (
    TRIGRAM_MIN,
    fold_text,
    fts_phrase,
    pairs_query,
    pieces_query,
)


@dataclass(frozen=True, slots=True)
class Quote:
    id: int
    text: str
    speaker_name: str
    context: str
    show_id: int
    show_title: str
    person_id: int | None
    character_id: int | None
    community: bool = False  # submitted by a member of the server, and approved there


_QUOTE_SELECT = """
SELECT q.id, q.text, q.speaker_name, q.context, q.show_id, s.title AS show_title,
       q.person_id, q.character_id
FROM quotes q JOIN shows s ON s.id = q.show_id
"""

_COMMUNITY_SELECT = """
SELECT c.id, c.text, c.speaker AS speaker_name, COALESCE(c.context, '') AS context,
       c.show_id, COALESCE(s.title, '') AS show_title, NULL AS person_id, NULL AS character_id
FROM community_quotes c LEFT JOIN shows s ON s.id = c.show_id
"""
_COMMUNITY_WHERE = """
WHERE c.guild_id = :guild_id AND c.state = 'approved'
  AND (:show_id IS NULL OR c.show_id = :show_id)
"""


async def random_quote(
    db: Database,
    *,
    show_id: int | None = None,
    person_id: int | None = None,
    character_id: int | None = None,
    guild_id: int | None = None,
    rng: random.Random | None = None,
) -> Quote | None:
    """A random quote matching every filter given, or None when none matches.

    With `guild_id`, that server's approved community quotes are drawn from too (they have no
    person or character, so those filters leave them out). Each draw costs a few index lookups,
    whatever the number of quotes: without filters a random id is picked between the first and
    the last, which is uniform while ids have no gaps (seeding keeps them dense).
    """
    rng = rng or random
    params = {"show_id": show_id, "guild_id": guild_id}
    filters = {"show_id": show_id, "person_id": person_id, "character_id": character_id}
    given = {column: value for column, value in filters.items() if value is not None}
    # The server's approved community quotes, counted in the same statement.
    community_count = (
        f"(SELECT count(*) FROM community_quotes c {_COMMUNITY_WHERE})"
        if guild_id is not None and person_id is None and character_id is None
        else "0"
    )
    if given:
        # Each filter column leads an index ending in the id, so counting and skipping are cheap.
        where = " AND ".join(f"q.{column} = :{column}" for column in given)
        curated, community = await db.fetch_one(
            f"SELECT (SELECT count(*) FROM quotes q WHERE {where}), {community_count}",
            {**params, **given},
        )
    else:
        # Subqueries: SQLite reads min() or max() from the index end only when alone.
        first, last, community = await db.fetch_one(
            f"SELECT (SELECT min(id) FROM quotes), (SELECT max(id) FROM quotes), {community_count}",
            params,
        )
        curated = 0 if first is None else last - first + 1
    if curated + community == 0:
        return None
    pick = rng.randrange(curated + community)
    if pick >= curated:
        row = await db.fetch_one(
            f"{_COMMUNITY_SELECT} {_COMMUNITY_WHERE} ORDER BY c.id LIMIT 1 OFFSET :offset",
            {**params, "offset": pick - curated},
        )
        return Quote(**dict(row), community=True)
    if given:
        row = await db.fetch_one(
            f"{_QUOTE_SELECT} WHERE q.id = (SELECT q.id FROM quotes q WHERE {where}"
            " ORDER BY q.id LIMIT 1 OFFSET :offset)",
            {**given, "offset": pick},
        )
    else:
        row = await db.fetch_one(
            f"{_QUOTE_SELECT} WHERE q.id >= :id ORDER BY q.id LIMIT 1", {"id": first + pick}
        )
    return None if row is None else Quote(**dict(row))


_HAS_COMMUNITY = (
    "SELECT EXISTS (SELECT 1 FROM community_quotes c"
    " WHERE c.guild_id = :guild_id AND c.state = 'approved')"
)
# The parts of find_quotes' statement that add a server's community quotes. The index holds
# every server's, in every state: the count stops after this server's approved ones are chosen.
_COMMUNITY_MATCHES = f"""
        , community AS MATERIALIZED (
            SELECT c.id FROM community_quotes c
            {_COMMUNITY_WHERE} AND c.id IN ({{community_ids}})
            LIMIT :cap
        )"""
_COMMUNITY_ROWS = """
                UNION ALL
                SELECT c.id, 1, COALESCE(s.title, ''), c.id, c.search_text
                FROM community_quotes c LEFT JOIN shows s ON s.id = c.show_id
                WHERE c.id IN (SELECT id FROM community LIMIT {candidates})"""

# How many matches are ranked, and how far the count goes: finding and ranking more costs
# milliseconds for common fragments, and a member reads the first fifty at most (one more
# than that, counted, says there are more).
CANDIDATES = 50
COUNT_CAP = CANDIDATES + 1


@dataclass(frozen=True, slots=True)
class Found:
    """What a search found: the best matches as (id, community) keys, best first; the first of
    them read in full; and how many quotes match (at most COUNT_CAP)."""

    keys: list[tuple[int, bool]]
    quotes: list[Quote]
    total: int

    @property
    def more(self) -> bool:
        """Whether counting stopped before the last match."""
        return self.total >= COUNT_CAP


async def search_quotes(
    db: Database, text: str, limit: int = 10, *, guild_id: int | None = None
) -> tuple[list[Quote], int]:
    """The `limit` best quotes containing `text`, read in full, and the total count (see
    find_quotes)."""
    found = await find_quotes(db, text, limit, guild_id=guild_id)
    return found.quotes, found.total


async def find_quotes(
    db: Database,
    text: str,
    limit: int = 10,
    *,
    guild_id: int | None = None,
    read: int | None = None,
) -> Found:
    """Quotes whose text contains `text` (ignoring case and punctuation): the `limit` best, of
    which the first `read` (all, by default) are read in full; the rest are read when wanted,
    with read_quotes. Whole-word matches rank first, then word prefixes, then other
    substrings, among the first CANDIDATES matches.
    With `guild_id`, that server's approved community quotes are searched too.

    Any input is safe: the query is folded to letters, digits and spaces before it reaches FTS5.
    """
    folded = fold_text(text)
    if not folded:
        return Found([], [], 0)
    # Ranking looks at the first CANDIDATES matches only, and counting stops at COUNT_CAP, so
    # a fragment found in half of a million quotes costs no more than a rare one.
    pairs = None
    if len(folded) >= TRIGRAM_MIN:
        curated_ids = "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :query"
        found = pairs_query(folded)
        if found is not None:  # several words: their pairs find a few quotes (0006 and 0008)
            pairs_table, pairs = found
            curated_ids = (
                f"SELECT p.rowid FROM {pairs_table} p JOIN quotes candidate"
                f" ON candidate.id = p.rowid WHERE {pairs_table} MATCH :pairs"
                " AND instr(candidate.search_text, :folded) > 0"
            )
        # A server's own quotes are few: their three-character pieces are quick enough.
        community_ids = (
            "SELECT rowid FROM community_quotes_fts WHERE community_quotes_fts MATCH :query"
        )
        query = fts_phrase(folded)
    else:  # one or two characters: the pieces index (migration 0005)
        curated_ids = "SELECT rowid FROM quote_pieces WHERE quote_pieces MATCH :query"
        community_ids = "SELECT rowid FROM community_pieces WHERE community_pieces MATCH :query"
        query = pieces_query(folded)
    params = {
        "query": query, "pairs": pairs, "folded": folded, "guild_id": guild_id, "show_id": None,
        "word": f" {folded} ", "start": f" {folded}",
        "limit": limit,
    }  # fmt: skip
    # A server's own approved quotes are searched only when it has some: most have none.
    community = guild_id is not None and bool(
        (await db.fetch_one(_HAS_COMMUNITY, {"guild_id": guild_id}))[0]
    )
    # The matches (up to COUNT_CAP) are found once: counted, and the first CANDIDATES of them
    # ranked: whole words first, then the start of a word, then anywhere inside one (instr:
    # folded text needs no LIKE, which costs a fifth more). Only the ranking keys go through
    # the sort; the quotes of the first `read` are read after it, by id (carrying the texts
    # through the sort took a third of the time, and reading all fifty of them, half).
    rows = await db.fetch_all(
        f"""
        WITH curated AS MATERIALIZED ({curated_ids} LIMIT :cap)
        {_COMMUNITY_MATCHES.format(community_ids=community_ids) if community else ""},
        ranked AS MATERIALIZED (
            SELECT id, community, show_title, position,
                   instr(' ' || search_text || ' ', :word) > 0 AS whole_word,
                   instr(' ' || search_text, :start) > 0 AS word_start
            FROM (
                SELECT q.id, 0 AS community, s.title AS show_title, q.position, q.search_text
                FROM quotes q JOIN shows s ON s.id = q.show_id
                WHERE q.id IN (SELECT * FROM curated LIMIT {CANDIDATES})
                {_COMMUNITY_ROWS.format(candidates=CANDIDATES) if community else ""}
            )
            ORDER BY whole_word DESC, word_start DESC, community, show_title, position
            LIMIT :limit
        )
        SELECT id, community,
               min(:cap, (SELECT count(*) FROM curated)
                         {"+ (SELECT count(*) FROM community)" if community else ""}) AS total
        FROM ranked
        ORDER BY whole_word DESC, word_start DESC, community, show_title, position
        """,
        {**params, "cap": COUNT_CAP},
    )
    keys = [(row["id"], bool(row["community"])) for row in rows]
    first = keys if read is None else keys[:read]
    return Found(
        keys, await read_quotes(db, first, guild_id=guild_id), rows[0]["total"] if rows else 0
    )


async def read_quotes(
    db: Database,
    keys: Sequence[tuple[int, bool]],
    *,
    guild_id: int | None = None,
    containing: str | None = None,
) -> list[Quote]:
    """The quotes of find_quotes' keys, in their order, leaving out any removed since (and a
    community quote no longer approved in that server). With `containing` (the search's text),
    a quote that no longer contains it is left out too: a seed that removes the last quote
    frees its id, and a quote added later takes it."""
    curated = [key for key, community in keys if not community]
    shared = [key for key, community in keys if community]
    folded = fold_text(containing) if containing is not None else ""
    # instr(x, '') is 1: no filter when no text is given.
    by_key: dict[tuple[int, bool], Quote] = {}
    if curated:
        marks = ", ".join("?" * len(curated))
        for row in await db.fetch_all(
            f"{_QUOTE_SELECT} WHERE q.id IN ({marks}) AND instr(q.search_text, ?) > 0",
            [*curated, folded],
        ):
            by_key[row["id"], False] = Quote(**dict(row))
    if shared and guild_id is not None:
        marks = ", ".join("?" * len(shared))
        for row in await db.fetch_all(
            f"{_COMMUNITY_SELECT} WHERE c.guild_id = ? AND c.state = 'approved'"
            f" AND c.id IN ({marks}) AND instr(c.search_text, ?) > 0",
            [guild_id, *shared, folded],
        ):
            by_key[row["id"], True] = Quote(**dict(row), community=True)
    return [by_key[key] for key in keys if key in by_key]


@dataclass(frozen=True, slots=True)
class SpeakerRoles:
    """How a quote's speaker relates to its show: a person's credits there ('executive
    producer') and the characters they play; or who plays the character who said it."""

    credits: tuple[str, ...] = ()
    plays: tuple[str, ...] = ()
    played_by: tuple[str, ...] = ()


async def speaker_roles(db: Database, quote: Quote) -> SpeakerRoles:
    """The speaker's roles in the quote's show (none for a speaker the show doesn't name)."""
    if quote.character_id is not None:
        rows = await db.fetch_all(
            """
            SELECT p.name FROM portrayals pr JOIN people p ON p.id = pr.person_id
            WHERE pr.character_id = ? ORDER BY p.name
            """,
            (quote.character_id,),
        )
        return SpeakerRoles(played_by=tuple(row["name"] for row in rows))
    if quote.person_id is None:
        return SpeakerRoles()
    rows = await db.fetch_all(
        """
        SELECT role AS said, 0 AS part, position FROM credits
        WHERE person_id = :person AND show_id = :show
        UNION ALL
        SELECT c.name, 1, c.position FROM portrayals pr JOIN characters c ON c.id = pr.character_id
        WHERE pr.person_id = :person AND c.show_id = :show
        ORDER BY part, position
        """,
        {"person": quote.person_id, "show": quote.show_id},
    )
    return SpeakerRoles(
        credits=tuple(row["said"] for row in rows if row["part"] == 0),
        plays=tuple(row["said"] for row in rows if row["part"] == 1),
    )
