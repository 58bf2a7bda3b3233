"""The audit trail: who created, edited, posted, deleted or cancelled what, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    guild_id: int
    announcement_id: int | None
    actor_id: int | None  # None: the bot itself (the scheduler)
    action: str
    detail: str | None
    at: datetime


async def write_audit(
    conn: aiosqlite.Connection,
    *,
    guild_id: int,
    action: str,
    at: datetime,
    actor_id: int | None = None,
    announcement_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Write an entry inside the caller's transaction, so the entry and the change land together."""
    await conn.execute(
        "INSERT INTO audit_log (guild_id, announcement_id, actor_id, action, detail, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, announcement_id, actor_id, action, detail, at.isoformat()),
    )


async def list_audit(db: Database, guild_id: int, limit: int = 200) -> list[AuditEntry]:
    rows = await db.fetch_all(
        "SELECT id, guild_id, announcement_id, actor_id, action, detail, at FROM audit_log"
        " WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
        (guild_id, limit),
    )
    return [AuditEntry(**{**dict(row), "at": datetime.fromisoformat(row["at"])}) for row in rows]
