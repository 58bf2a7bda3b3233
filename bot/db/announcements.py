"""Announcements: posted at once, scheduled, or repeating; and the posts they made.

Every state change is one transaction together with its audit entry. Claiming a due post and
recording its result are separate transactions around the send, and the post's nonce is fixed
per occurrence, so a send retried after a crash returns the first message instead of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

import aiosqlite

from bot.db.audit import write_audit
from bot.db.connection import Database

ACTIVE = ("scheduled", "posting")


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    guild_id: int
    channel_id: int
    author_id: int
    title: str
    body: str
    ping_role_id: int | None = None
    color: int | None = None
    image_url: str | None = None
    kind: str = "announcement"
    ping_here: bool = False


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    guild_id: int
    channel_id: int
    author_id: int
    kind: str
    title: str
    body: str
    ping_role_id: int | None
    ping_here: bool
    color: int | None
    image_url: str | None
    state: str
    repeat: str | None
    timezone: str
    anchor_local: datetime | None
    occurrence: int
    due_at: datetime | None
    attempt_at: datetime | None
    attempts: int
    failures: int
    last_error: str | None
    message_id: int | None
    posted_at: datetime | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> Announcement:
        values = dict(row)
        values["ping_here"] = bool(values["ping_here"])
        for name in ("anchor_local", "due_at", "attempt_at", "posted_at", "created_at"):
            if values[name] is not None:
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Post:
    """One claimed send of one occurrence."""

    id: int
    announcement_id: int
    nonce: str
    claimed_at: datetime
    message_id: int | None


_COLUMNS = ", ".join(field.name for field in fields(Announcement))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def nonce_for(announcement_id: int, due_at: datetime) -> str:
    """The same string for every attempt at one occurrence (Discord allows 25 characters)."""
    return f"k{announcement_id}-{int(due_at.timestamp())}"


async def _insert(
    conn: aiosqlite.Connection, new: NewAnnouncement, *, state: str, created_at: datetime, **extra
) -> int:
    values = {
        "guild_id": new.guild_id, "channel_id": new.channel_id, "author_id": new.author_id,
        "kind": new.kind, "title": new.title, "body": new.body, "ping_role_id": new.ping_role_id,
        "ping_here": int(new.ping_here), "color": new.color, "image_url": new.image_url,
        "state": state,
        "created_at": created_at.isoformat(), **extra,
    }  # fmt: skip
    cursor = await conn.execute(
        f"INSERT INTO announcements ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    return cursor.lastrowid


async def record_posted(
    db: Database, new: NewAnnouncement, message_id: int, now: datetime
) -> Announcement:
    """An announcement that was just posted by hand (/announce post)."""
    async with db.transaction() as conn:
        announcement_id = await _insert(
            conn, new, state="posted", created_at=now, message_id=message_id, posted_at=_iso(now)
        )
        await conn.execute(
            "INSERT INTO announcement_posts (announcement_id, due_at, nonce, channel_id,"
            " message_id, claimed_at, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                announcement_id, now.isoformat(), nonce_for(announcement_id, now),
                new.channel_id, message_id, now.isoformat(), now.isoformat(),
            ),
        )  # fmt: skip
        await write_audit(
            conn, guild_id=new.guild_id, action="posted", at=now, actor_id=new.author_id,
            announcement_id=announcement_id, detail=f"in <#{new.channel_id}>",
        )  # fmt: skip
    return await _get(db, announcement_id)


async def create_scheduled(
    db: Database,
    new: NewAnnouncement,
    *,
    due_at: datetime,
    now: datetime,
    repeat: str | None = None,
    timezone: str = "UTC",
    anchor_local: datetime | None = None,
    detail: str | None = None,
) -> Announcement:
    async with db.transaction() as conn:
        announcement_id = await _insert(
            conn, new, state="scheduled", created_at=now, due_at=_iso(due_at),
            attempt_at=_iso(due_at), repeat=repeat, timezone=timezone,
            anchor_local=_iso(anchor_local),
        )  # fmt: skip
        await write_audit(
            conn, guild_id=new.guild_id, action="scheduled", at=now, actor_id=new.author_id,
            announcement_id=announcement_id, detail=detail,
        )  # fmt: skip
    return await _get(db, announcement_id)


async def _get(db: Database, announcement_id: int) -> Announcement:
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM announcements WHERE id = ?", (announcement_id,)
    )
    assert row is not None
    return Announcement.from_row(row)


async def get_announcement(
    db: Database, guild_id: int, announcement_id: int
) -> Announcement | None:
    """The announcement with this id in this server only: ids from other servers don't exist."""
    row = await db.fetch_one(
        f"SELECT {_COLUMNS} FROM announcements WHERE id = ? AND guild_id = ?",
        (announcement_id, guild_id),
    )
    return None if row is None else Announcement.from_row(row)


async def list_announcements(db: Database, guild_id: int, limit: int = 250) -> list[Announcement]:
    """Upcoming first (soonest first), then the rest, most recent first."""
    rows = await db.fetch_all(
        f"""
        SELECT {_COLUMNS} FROM announcements WHERE guild_id = ?
        ORDER BY state IN ('scheduled', 'posting', 'paused') DESC,
                 CASE WHEN state IN ('scheduled', 'posting', 'paused') THEN due_at END,
                 COALESCE(posted_at, created_at) DESC, id DESC
        LIMIT ?
        """,
        (guild_id, limit),
    )
    return [Announcement.from_row(row) for row in rows]


async def next_attempt_at(db: Database) -> datetime | None:
    row = await db.fetch_one(
        "SELECT min(attempt_at) FROM announcements WHERE state IN ('scheduled', 'posting')"
    )
    return None if row[0] is None else datetime.fromisoformat(row[0])


async def due_announcements(db: Database, now: datetime) -> list[Announcement]:
    # ISO strings of UTC times with one offset compare in time order.
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM announcements"
        " WHERE state IN ('scheduled', 'posting') AND attempt_at <= ? ORDER BY attempt_at, id",
        (now.isoformat(),),
    )
    return [Announcement.from_row(row) for row in rows]


async def claim(db: Database, announcement: Announcement, now: datetime) -> Post | None:
    """Mark the due occurrence as being posted, with its fixed nonce; None if it changed meanwhile.

    A claim left behind by a crash is returned again, with its nonce and original claim time.
    """
    assert announcement.due_at is not None
    due = announcement.due_at.isoformat()
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET state = 'posting'"
            " WHERE id = ? AND state IN ('scheduled', 'posting') AND due_at = ?",
            (announcement.id, due),
        )
        if cursor.rowcount != 1:
            return None
        await conn.execute(
            "INSERT INTO announcement_posts (announcement_id, due_at, nonce, channel_id,"
            " claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (announcement_id, due_at) DO NOTHING",
            (
                announcement.id, due, nonce_for(announcement.id, announcement.due_at),
                announcement.channel_id, now.isoformat(),
            ),
        )  # fmt: skip
    return await find_claim(db, announcement)


async def find_claim(db: Database, announcement: Announcement) -> Post | None:
    """The claim left by an earlier attempt at the due occurrence, if there was one."""
    if announcement.due_at is None:
        return None
    row = await db.fetch_one(
        "SELECT id, announcement_id, nonce, claimed_at, message_id FROM announcement_posts"
        " WHERE announcement_id = ? AND due_at = ?",
        (announcement.id, announcement.due_at.isoformat()),
    )
    if row is None:
        return None
    return Post(
        id=row["id"],
        announcement_id=row["announcement_id"],
        nonce=row["nonce"],
        claimed_at=datetime.fromisoformat(row["claimed_at"]),
        message_id=row["message_id"],
    )


async def record_sent(
    db: Database,
    announcement: Announcement,
    post: Post,
    message_id: int,
    now: datetime,
    next_due: tuple[int, datetime] | None,
) -> None:
    """The post went out: store its message, then finish or move on to the next occurrence."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE announcement_posts SET message_id = ?, posted_at = ? WHERE id = ?",
            (message_id, now.isoformat(), post.id),
        )
        state = "scheduled" if next_due else "posted"
        occurrence, due = next_due if next_due else (announcement.occurrence, None)
        await conn.execute(
            "UPDATE announcements SET state = ?, occurrence = ?, due_at = ?, attempt_at = ?,"
            " attempts = 0, failures = 0, last_error = NULL, message_id = ?, posted_at = ?"
            " WHERE id = ?",
            (state, occurrence, _iso(due), _iso(due), message_id, now.isoformat(), announcement.id),
        )
        await write_audit(
            conn, guild_id=announcement.guild_id, action="posted", at=now,
            announcement_id=announcement.id, detail=f"in <#{announcement.channel_id}>",
        )  # fmt: skip


async def record_failed(
    db: Database,
    announcement: Announcement,
    error: str,
    now: datetime,
    *,
    next_due: tuple[int, datetime] | None,
    pause_after: int,
) -> str:
    """Nothing was posted for this occurrence; return the new state.

    A one-off post fails. A repeat goes on to its next occurrence, and is paused once it has
    failed `pause_after` times in a row.
    """
    failures = announcement.failures + 1
    if announcement.repeat is None or next_due is None:
        state, occurrence, due = "failed", announcement.occurrence, announcement.due_at
    elif failures >= pause_after:
        state, occurrence, due = "paused", announcement.occurrence, announcement.due_at
    else:
        state, (occurrence, due) = "scheduled", next_due
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM announcement_posts WHERE announcement_id = ? AND message_id IS NULL",
            (announcement.id,),
        )
        await conn.execute(
            "UPDATE announcements SET state = ?, occurrence = ?, due_at = ?, attempt_at = ?,"
            " attempts = 0, failures = ?, last_error = ? WHERE id = ?",
            (state, occurrence, _iso(due), _iso(due), failures, error, announcement.id),
        )
        action = "paused" if state == "paused" else "failed"
        await write_audit(
            conn, guild_id=announcement.guild_id, action=action, at=now,
            announcement_id=announcement.id, detail=error,
        )  # fmt: skip
    return state


async def retry_later(
    db: Database, announcement: Announcement, error: str, attempt_at: datetime
) -> None:
    """A temporary error: keep the claim (and its nonce) and try the same occurrence later."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE announcements SET state = 'scheduled', attempt_at = ?, attempts = attempts + 1,"
            " last_error = ? WHERE id = ? AND state = 'posting'",
            (attempt_at.isoformat(), error, announcement.id),
        )


async def record_missed(
    db: Database, announcement: Announcement, now: datetime, next_due: tuple[int, datetime] | None
) -> None:
    """The bot was down past the grace period: that occurrence is skipped, never posted late."""
    state = "scheduled" if next_due else "missed"
    occurrence, due = next_due if next_due else (announcement.occurrence, announcement.due_at)
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM announcement_posts WHERE announcement_id = ? AND message_id IS NULL",
            (announcement.id,),
        )
        await conn.execute(
            "UPDATE announcements SET state = ?, occurrence = ?, due_at = ?, attempt_at = ?,"
            " attempts = 0 WHERE id = ?",
            (state, occurrence, _iso(due), _iso(due), announcement.id),
        )
        await write_audit(
            conn, guild_id=announcement.guild_id, action="missed", at=now,
            announcement_id=announcement.id,
            detail=f"was due {_iso(announcement.due_at)}; the bot was not running",
        )  # fmt: skip


async def update_content(
    db: Database, announcement: Announcement, title: str, body: str, actor_id: int, now: datetime
) -> bool:
    """A new title and body; False if the announcement changed state meanwhile (the scheduler
    took it to post, with the text it had)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET title = ?, body = ? WHERE id = ? AND state = ?",
            (title, body, announcement.id, announcement.state),
        )
        if cursor.rowcount != 1:
            return False
        await write_audit(
            conn, guild_id=announcement.guild_id, action="edited", at=now, actor_id=actor_id,
            announcement_id=announcement.id,
        )  # fmt: skip
    return True


async def set_state(
    db: Database, announcement: Announcement, state: str, action: str, actor_id: int, now: datetime
) -> bool:
    """Cancel, delete or resume; False if the announcement changed state meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET state = ? WHERE id = ? AND state = ?",
            (state, announcement.id, announcement.state),
        )
        if cursor.rowcount != 1:
            return False
        await write_audit(
            conn, guild_id=announcement.guild_id, action=action, at=now, actor_id=actor_id,
            announcement_id=announcement.id,
        )  # fmt: skip
    return True


async def resume_repeat(
    db: Database,
    announcement: Announcement,
    next_due: tuple[int, datetime],
    actor_id: int,
    now: datetime,
) -> bool:
    """Schedule a paused repeat again at its next occurrence, its failures forgotten; False if
    it changed state meanwhile."""
    occurrence, due = next_due
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE announcements SET state = 'scheduled', occurrence = ?, due_at = ?,"
            " attempt_at = ?, attempts = 0, failures = 0, last_error = NULL"
            " WHERE id = ? AND state = 'paused'",
            (occurrence, _iso(due), _iso(due), announcement.id),
        )
        if cursor.rowcount != 1:
            return False
        await write_audit(
            conn, guild_id=announcement.guild_id, action="resumed", at=now, actor_id=actor_id,
            announcement_id=announcement.id, detail=f"next {due.isoformat()}",
        )  # fmt: skip
    return True


async def repeats_in_other_zones(db: Database, guild_id: int, zone: str) -> list[Announcement]:
    """This server's repeats still to come (scheduled, or paused until resumed) whose clock
    times are read in a time zone other than `zone`, oldest first."""
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM announcements WHERE guild_id = ? AND repeat IS NOT NULL"
        " AND anchor_local IS NOT NULL AND state IN ('scheduled', 'paused')"
        " AND timezone <> ? ORDER BY id",
        (guild_id, zone),
    )
    return [Announcement.from_row(row) for row in rows]


async def move_to_zone(
    db: Database,
    announcement: Announcement,
    zone: str,
    next_due: tuple[int, datetime] | None,
    actor_id: int,
    now: datetime,
) -> bool:
    """Read a repeat's clock time in `zone` from now on. A scheduled one goes to `next_due`, its
    next occurrence there; a paused one (`next_due` None) keeps waiting for /announce resume,
    which reads the zone. False if it changed meanwhile (posted, edited, moved)."""
    async with db.transaction() as conn:
        if next_due is None:
            cursor = await conn.execute(
                "UPDATE announcements SET timezone = ?"
                " WHERE id = ? AND state = 'paused' AND timezone = ?",
                (zone, announcement.id, announcement.timezone),
            )
            detail = f"to {zone}"
        else:
            occurrence, due = next_due
            cursor = await conn.execute(
                "UPDATE announcements SET timezone = ?, occurrence = ?, due_at = ?,"
                " attempt_at = ?, attempts = 0"
                " WHERE id = ? AND state = 'scheduled' AND timezone = ? AND occurrence = ?",
                (
                    zone, occurrence, _iso(due), _iso(due),
                    announcement.id, announcement.timezone, announcement.occurrence,
                ),
            )  # fmt: skip
            detail = f"to {zone}, next {due.isoformat()}"
        if cursor.rowcount != 1:
            return False
        await write_audit(
            conn, guild_id=announcement.guild_id, action="moved", at=now, actor_id=actor_id,
            announcement_id=announcement.id, detail=detail,
        )  # fmt: skip
    return True


async def posted_message_ids(db: Database, announcement_id: int) -> list[tuple[int, int]]:
    """(channel id, message id) of every message this announcement posted, newest first."""
    rows = await db.fetch_all(
        "SELECT channel_id, message_id FROM announcement_posts"
        " WHERE announcement_id = ? AND message_id IS NOT NULL ORDER BY id DESC",
        (announcement_id,),
    )
    return [(row["channel_id"], row["message_id"]) for row in rows]
