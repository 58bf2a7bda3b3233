"""Queries about quotes: a random one, and substring search in any script."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.db.connection import Database
from bot.search import TRIGRAM_MIN, contains_pattern, fold_text, fts_phrase


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


_QUOTE_SELECT = """
SELECT q.id, q.text, q.speaker_name, q.context, q.show_id, s.title AS show_title,
       q.person_id, q.character_id
FROM quotes q JOIN shows s ON s.id = q.show_id
"""


async def random_quote(
    db: Database,
    *,
    show_id: int | None = None,
    person_id: int | None = None,
    character_id: int | None = None,
    rng: random.Random | None = None,
) -> Quote | None:
    """A uniformly random quote matching every filter given, or None when none matches."""
    where = """
        WHERE (:show_id IS NULL OR q.show_id = :show_id)
          AND (:person_id IS NULL OR q.person_id = :person_id)
          AND (:character_id IS NULL OR q.character_id = :character_id)
    """
    params = {"show_id": show_id, "person_id": person_id, "character_id": character_id}
    (count,) = await db.fetch_one(f"SELECT count(*) FROM quotes q {where}", params)
    if count == 0:
        return None
    offset = (rng or random).randrange(count)
    row = await db.fetch_one(
        f"{_QUOTE_SELECT} {where} ORDER BY q.id LIMIT 1 OFFSET :offset",
        {**params, "offset": offset},
    )
    return None if row is None else Quote(**dict(row))


async def search_quotes(db: Database, text: str, limit: int = 10) -> tuple[list[Quote], int]:
    """Quotes whose text contains `text` (ignoring case and punctuation), and the total count.

    Any input is safe: the query is folded to letters, digits and spaces before it reaches FTS5.
    """
    folded = fold_text(text)
    if not folded:
        return [], 0
    if len(folded) >= TRIGRAM_MIN:
        where = "WHERE q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)"
        param = fts_phrase(folded)
    else:
        where = "WHERE q.search_text LIKE ? ESCAPE '\\'"
        param = contains_pattern(folded)
    (total,) = await db.fetch_one(f"SELECT count(*) FROM quotes q {where}", (param,))
    rows = await db.fetch_all(
        f"{_QUOTE_SELECT} {where} ORDER BY s.title, q.position LIMIT ?", (param, limit)
    )
    return [Quote(**dict(row)) for row in rows], total


async def speaker_roles(db: Database, quote: Quote) -> list[str]:
    """How the speaker relates to the quote's show: 'executive producer', 'plays Johan Hwang'."""
    if quote.character_id is not None:
        rows = await db.fetch_all(
            """
            SELECT p.name FROM portrayals pr JOIN people p ON p.id = pr.person_id
            WHERE pr.character_id = ? ORDER BY p.name
            """,
            (quote.character_id,),
        )
        return [f"played by {row['name']}" for row in rows]
    if quote.person_id is None:
        return []
    credits = await db.fetch_all(
        "SELECT role FROM credits WHERE person_id = ? AND show_id = ? ORDER BY position",
        (quote.person_id, quote.show_id),
    )
    characters = await db.fetch_all(
        """
        SELECT c.name FROM portrayals pr JOIN characters c ON c.id = pr.character_id
        WHERE pr.person_id = ? AND c.show_id = ? ORDER BY c.position
        """,
        (quote.person_id, quote.show_id),
    )
    return [row["role"] for row in credits] + [f"plays {row['name']}" for row in characters]
