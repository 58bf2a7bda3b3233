"""Quotes that members submit in one server: pending until a moderator approves them, and only
ever shown in that server."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.db.connection import Database
from bot.search import fold_text


@dataclass(frozen=True, slots=True)
class CommunityQuote:
    id: int
    guild_id: int
    show_id: int | None
    show_title: str | None
    text: str
    speaker: str
    context: str | None
    submitter_id: int
    state: str
    created_at: datetime


class DuplicateQuote(Exception):
    """The same text (ignoring case and punctuation) is already a quote here."""


_SELECT = """
SELECT c.id, c.guild_id, c.show_id, s.title AS show_title, c.text, c.speaker, c.context,
       c.submitter_id, c.state, c.created_at
FROM community_quotes c LEFT JOIN shows s ON s.id = c.show_id
"""


def _from_row(row) -> CommunityQuote:
    return CommunityQuote(**{**dict(row), "created_at": datetime.fromisoformat(row["created_at"])})


async def submit_quote(
    db: Database,
    *,
    guild_id: int,
    show_id: int | None,
    text: str,
    speaker: str,
    context: str | None,
    submitter_id: int,
    now: datetime,
) -> CommunityQuote:
    """Store a pending quote; raise DuplicateQuote if it is already a quote in this server."""
    folded = fold_text(text)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT 1 FROM quotes WHERE search_text = ?"
            " UNION ALL SELECT 1 FROM community_quotes"
            " WHERE guild_id = ? AND search_text = ? AND state IN ('pending', 'approved')",
            (folded, guild_id, folded),
        ) as cursor:
            if await cursor.fetchone() is not None:
                raise DuplicateQuote(text)
        try:
            cursor = await conn.execute(
                "INSERT INTO community_quotes (guild_id, show_id, text, speaker, context,"
                " submitter_id, state, search_text, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (guild_id, show_id, text, speaker, context, submitter_id, folded, now.isoformat()),
            )
        except sqlite3.IntegrityError:  # the same text submitted at the same moment
            raise DuplicateQuote(text) from None
        quote_id = cursor.lastrowid
    found = await get_community_quote(db, guild_id, quote_id)
    assert found is not None
    return found


async def get_community_quote(db: Database, guild_id: int, quote_id: int) -> CommunityQuote | None:
    row = await db.fetch_one(f"{_SELECT} WHERE c.id = ? AND c.guild_id = ?", (quote_id, guild_id))
    return None if row is None else _from_row(row)


async def next_pending(db: Database, guild_id: int, after_id: int = 0) -> CommunityQuote | None:
    """The oldest pending quote after `after_id` (so a skipped one is not shown again at once)."""
    row = await db.fetch_one(
        f"{_SELECT} WHERE c.guild_id = ? AND c.state = 'pending' AND c.id > ?"
        " ORDER BY c.id LIMIT 1",
        (guild_id, after_id),
    )
    return None if row is None else _from_row(row)


async def count_pending(db: Database, guild_id: int) -> int:
    row = await db.fetch_one(
        "SELECT count(*) FROM community_quotes WHERE guild_id = ? AND state = 'pending'",
        (guild_id,),
    )
    return row[0]


async def change_state(
    db: Database,
    quote: CommunityQuote,
    *,
    from_states: tuple[str, ...],
    to_state: str,
    actor_id: int,
    now: datetime,
) -> bool:
    """Move a quote between states; False if it was no longer in one of `from_states`."""
    marks = ",".join("?" * len(from_states))
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE community_quotes SET state = ?, reviewer_id = ?, reviewed_at = ?"
            f" WHERE id = ? AND guild_id = ? AND state IN ({marks})",
            (to_state, actor_id, now.isoformat(), quote.id, quote.guild_id, *from_states),
        )
        return cursor.rowcount == 1
