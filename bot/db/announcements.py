"""Queries about announcements posted by admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    title: str
    body: str
    ping_role_id: int | None
    color: int | None
    image_url: str | None
    posted_at: datetime


async def record_announcement(db: Database, announcement: NewAnnouncement) -> int:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            """
            INSERT INTO announcements (guild_id, channel_id, message_id, author_id, title, body,
                                       ping_role_id, color, image_url, posted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                announcement.guild_id, announcement.channel_id, announcement.message_id,
                announcement.author_id, announcement.title, announcement.body,
                announcement.ping_role_id, announcement.color, announcement.image_url,
                announcement.posted_at.isoformat(),
            ),
        )  # fmt: skip
        return cursor.lastrowid
