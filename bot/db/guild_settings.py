"""Per-server settings: time zone, announcer role, ping rules, auto-publish."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    timezone: str = "UTC"
    announcer_role_id: int | None = None
    allow_everyone: bool = False
    auto_publish: bool = False
    featured_show_id: int | None = None
    ping_role_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfiguredChannel:
    """A channel the bot is expected to post in, for checks such as `kdrama-bot doctor`."""

    guild_id: int
    channel_id: int
    purpose: str
    publish: bool


SETTING_COLUMNS = (
    "timezone", "announcer_role_id", "allow_everyone", "auto_publish", "featured_show_id",
)  # fmt: skip


async def get_settings(db: Database, guild_id: int) -> GuildSettings:
    row = await db.fetch_one(
        "SELECT timezone, announcer_role_id, allow_everyone, auto_publish, featured_show_id"
        " FROM guild_settings WHERE guild_id = ?",
        (guild_id,),
    )
    roles = await db.fetch_all(
        "SELECT role_id FROM guild_ping_roles WHERE guild_id = ? ORDER BY role_id", (guild_id,)
    )
    ping_roles = tuple(r["role_id"] for r in roles)
    if row is None:
        return GuildSettings(guild_id, ping_role_ids=ping_roles)
    return GuildSettings(
        guild_id=guild_id,
        timezone=row["timezone"],
        announcer_role_id=row["announcer_role_id"],
        allow_everyone=bool(row["allow_everyone"]),
        auto_publish=bool(row["auto_publish"]),
        featured_show_id=row["featured_show_id"],
        ping_role_ids=ping_roles,
    )


async def set_setting(db: Database, guild_id: int, column: str, value: object) -> None:
    """Set one setting; `column` must be one of SETTING_COLUMNS (never user input)."""
    if column not in SETTING_COLUMNS:
        raise ValueError(f"unknown setting {column!r}")
    async with db.transaction() as conn:
        await conn.execute(
            f"INSERT INTO guild_settings (guild_id, {column}) VALUES (?, ?)"
            f" ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}",
            (guild_id, value),
        )


async def add_ping_role(db: Database, guild_id: int, role_id: int) -> bool:
    """Add a role to the ping list; False if it was already there."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO guild_ping_roles (guild_id, role_id) VALUES (?, ?)",
            (guild_id, role_id),
        )
        return cursor.rowcount == 1


async def remove_ping_role(db: Database, guild_id: int, role_id: int) -> bool:
    """Remove a role from the ping list; False if it was not there."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "DELETE FROM guild_ping_roles WHERE guild_id = ? AND role_id = ?", (guild_id, role_id)
        )
        return cursor.rowcount == 1


async def configured_channels(db: Database) -> list[ConfiguredChannel]:
    """Every channel that scheduled posts and the quote of the day will post in."""
    rows = await db.fetch_all(
        """
        SELECT DISTINCT a.guild_id, a.channel_id, a.kind, COALESCE(s.auto_publish, 0) AS publish
        FROM announcements a LEFT JOIN guild_settings s ON s.guild_id = a.guild_id
        WHERE a.state IN ('scheduled', 'posting', 'paused')
        ORDER BY a.guild_id, a.channel_id
        """
    )
    purposes = {"announcement": "scheduled announcements", "quote_of_the_day": "quote of the day"}
    return [
        ConfiguredChannel(r["guild_id"], r["channel_id"], purposes[r["kind"]], bool(r["publish"]))
        for r in rows
    ]
