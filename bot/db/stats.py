"""What the database holds, for /about."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class ContentCounts:
    shows: int
    people: int
    characters: int
    quotes: int


async def content_counts(db: Database) -> ContentCounts:
    row = await db.fetch_one(
        """
        SELECT (SELECT count(*) FROM shows), (SELECT count(*) FROM people),
               (SELECT count(*) FROM characters), (SELECT count(*) FROM quotes)
        """
    )
    return ContentCounts(*row)
