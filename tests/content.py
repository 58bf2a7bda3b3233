"""Test content written straight into the schema: many quotes without a data file."""

from __future__ import annotations

from bot.db import Database
from bot.search import fold_text


async def insert_quotes(db: Database, texts: list[str]) -> None:
    """One show, 'Word Show' (id 1), with a quote of each text, ids from 1 in order."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO shows (id, slug, title, premise, search_text)"
            " VALUES (1, 's', 'Word Show', 'A test show.', '|wordshow|')"
        )
        for position, text in enumerate(texts):
            await conn.execute(
                "INSERT INTO quotes (show_id, position, text, speaker_name, context, search_text)"
                " VALUES (1, ?, ?, 'Test', 'A test', ?)",
                (position, text, fold_text(text)),
            )
