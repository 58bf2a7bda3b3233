"""Checks against Discord, over REST only: the token, the commands, the servers, the channels.

The doctor logs in as the bot but never opens the gateway, so it can run beside the bot. The
bot it logs in is built on an empty in-memory database: only its command definitions are
needed, and nothing it starts may touch the real database or post anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

import aiohttp
import discord

from bot.client import KdramaBot, point_discord_at
from bot.db import Database, open_database
from bot.db.guild_settings import ConfiguredChannel, configured_channels
from bot.db.meta import get_meta
from bot.doctor.permissions import channel_permissions
from bot.doctor.report import Row, fail, ok, skipped
from bot.invite import invite_url
from bot.settings import REJECTED_TOKEN_HELP, Settings
from bot.sync import SYNC_HASH_KEY, command_payload, commands_hash

LOGIN = "Discord login"
COMMANDS = "Slash commands"
SERVERS = "Servers"
CHANNELS = "Channels"

LOGGED_IN = "the token is valid: {user}, of the application {app} (id {app_id})"
REJECTED = "Discord rejected the token"
UNREACHABLE = "could not reach {where}: {error}"
UNREACHABLE_FIX = "Check this machine's network connection{api_base}."
CHECK_API_BASE = ", and DISCORD_API_BASE in .env"
NOT_CHECKED = "not checked: the bot could not log in"
SYNC_FIX = (
    "Run kdrama-bot sync (or restart the bot: it syncs changed commands at start-up). Global "
    "commands can take a while to show in every server."
)
WHERE_GLOBAL = "all servers"
WHERE_GUILD = "server {guild}"
COMMANDS_CURRENT = "{count} commands synced to {where}, current"
COMMANDS_MISSING = "Discord has no commands for {where}"
COMMANDS_DIFFER = "Discord has {remote} for {where}; the bot defines {defined}"
COMMANDS_STALE = "the commands changed since they were last synced"
COMMANDS_NEVER = "this database has no record of a sync"
COMMANDS_UNREADABLE = "Discord refused the list of commands: {error}"
IN_SERVERS = "the bot is in {count} server(s)"
IN_NO_SERVER = "the bot is in no server yet"
ADD_IT_FIX = "Add the bot to your server with {url}"
NOT_IN_GUILD = "DISCORD_GUILD_ID is {guild}, but the bot is not in that server"
NOT_IN_GUILD_FIX = "Add the bot to that server with {url}, or correct DISCORD_GUILD_ID."
GUILD_NAMED = "the bot is in {name} (DISCORD_GUILD_ID)"
NO_CHANNELS = "no channel to check yet: nothing is scheduled and the quote of the day is off"
CHANNELS_UNREADABLE = "the channel settings can't be read from the database: {error}"
CHANNELS_UNREADABLE_FIX = "Start the bot once, so that it upgrades the database, then check again."
NO_DATABASE = "not checked: there is no database to read the channel settings from"
CHANNEL = "#{name} ({purpose})"
UNKNOWN_CHANNEL = "channel {id} ({purpose})"
CHANNEL_OK = "the bot can see it, send and embed there"
PUBLISHES = "; auto-publish is on and it can publish there"
NOT_ANNOUNCEMENT = (
    "; auto-publish is on, but this is not an announcement channel, so nothing is published"
)
CANNOT = "the bot can't {verb} there: it lacks {permission}"
CANNOT_FIX = (
    "In Discord, open #{channel} → Edit Channel → Permissions, and allow {permission} for the "
    "{role} role (or choose another channel for the {purpose})."
)
CHANNEL_GONE = "this channel no longer exists"
CHANNEL_GONE_FIX = "Choose another channel for the {purpose} in Discord (see /announce list)."
GUILD_GONE = "the bot is not in server {guild} (any more)"
NEEDED = (
    ("see", "view_channel", "View Channel"),
    ("send", "send_messages", "Send Messages"),
    ("embed", "embed_links", "Embed Links"),
)
ANNOUNCEMENT_CHANNEL = 5
BOT_ROLE = "bot's"


async def discord_rows(settings: Settings, db: Database | None) -> list[Row]:
    point_discord_at(settings.api_base, settings.gateway_url)
    scratch = await open_database(":memory:")
    bot = KdramaBot(settings=settings, db=scratch, sync_on_start=False)
    try:
        try:
            await bot.login(settings.require_token())
        except discord.LoginFailure:
            return [fail(LOGIN, REJECTED, REJECTED_TOKEN_HELP), *_not_checked()]
        except (aiohttp.ClientConnectionError, OSError) as error:
            where = settings.api_base or "Discord"
            fix = UNREACHABLE_FIX.format(api_base=CHECK_API_BASE if settings.api_base else "")
            return [fail(LOGIN, UNREACHABLE.format(where=where, error=error), fix), *_not_checked()]
        app = await bot.application_info()
        user = bot.user
        rows = [ok(LOGIN, LOGGED_IN.format(user=user, app=app.name, app_id=app.id))]
        rows.append(await commands_row(bot, db))
        rows.append(await servers_row(bot, app))
        rows += await channel_rows(bot, db)
        return rows
    finally:
        await bot.close()
        await scratch.close()


def _not_checked() -> list[Row]:
    return [skipped(name, NOT_CHECKED) for name in (COMMANDS, SERVERS, CHANNELS)]


async def commands_row(bot: KdramaBot, db: Database | None) -> Row:
    guild_id = bot.settings.guild_id
    app_id = bot.application_id
    assert app_id is not None
    where = WHERE_GUILD.format(guild=guild_id) if guild_id else WHERE_GLOBAL
    try:
        if guild_id:
            remote = await bot.http.get_guild_commands(app_id, guild_id)
        else:
            remote = await bot.http.get_global_commands(app_id)
    except discord.HTTPException as error:
        return fail(
            COMMANDS, COMMANDS_UNREADABLE.format(error=error.text or error.status), SYNC_FIX
        )
    defined = sorted(command["name"] for command in command_payload(bot))
    synced = sorted(command["name"] for command in remote)
    if not synced:
        return fail(COMMANDS, COMMANDS_MISSING.format(where=where), SYNC_FIX)
    if synced != defined:
        detail = COMMANDS_DIFFER.format(
            remote=_slashed(synced), where=where, defined=_slashed(defined)
        )
        return fail(COMMANDS, detail, SYNC_FIX)
    stored = await _stored_hash(db)
    if stored is None:
        return fail(COMMANDS, COMMANDS_NEVER, SYNC_FIX)
    if stored != commands_hash(bot):
        return fail(COMMANDS, COMMANDS_STALE, SYNC_FIX)
    return ok(COMMANDS, COMMANDS_CURRENT.format(count=len(defined), where=where))


def _slashed(names: list[str]) -> str:
    return ", ".join(f"/{name}" for name in names)


async def _stored_hash(db: Database | None) -> str | None:
    if db is None:
        return None
    try:
        return await get_meta(db, SYNC_HASH_KEY)
    except sqlite3.Error:
        return None


async def servers_row(bot: KdramaBot, app: discord.AppInfo) -> Row:
    url = invite_url(app.id)
    guild_id = bot.settings.guild_id
    if guild_id:
        try:
            guild = await bot.http.get_guild(guild_id)
        except discord.HTTPException:
            return fail(
                SERVERS, NOT_IN_GUILD.format(guild=guild_id), NOT_IN_GUILD_FIX.format(url=url)
            )
        return ok(SERVERS, GUILD_NAMED.format(name=guild["name"]))
    count = app.approximate_guild_count
    if not count:
        return fail(SERVERS, IN_NO_SERVER, ADD_IT_FIX.format(url=url))
    return ok(SERVERS, IN_SERVERS.format(count=count))


async def channel_rows(bot: KdramaBot, db: Database | None) -> list[Row]:
    if db is None:
        return [skipped(CHANNELS, NO_DATABASE)]
    try:
        configured = await configured_channels(db)
    except sqlite3.Error as error:
        return [fail(CHANNELS, CHANNELS_UNREADABLE.format(error=error), CHANNELS_UNREADABLE_FIX)]
    if not configured:
        return [skipped(CHANNELS, NO_CHANNELS)]
    assert bot.user is not None and bot.application_id is not None
    url = invite_url(bot.application_id)
    servers: dict[int, Server | None] = {}
    rows = []
    for item in configured:
        if item.guild_id not in servers:
            servers[item.guild_id] = await Server.fetch(bot, item.guild_id)
        rows.append(channel_row(servers[item.guild_id], item, bot.user.id, url))
    return rows


class Server:
    """One server as the bot sees it over REST: roles, channels, and the bot's own member."""

    def __init__(self, guild: Mapping[str, Any], member: Mapping[str, Any], channels: list) -> None:
        self.guild = guild
        self.member = member
        self.channels = {int(channel["id"]): channel for channel in channels}

    @classmethod
    async def fetch(cls, bot: KdramaBot, guild_id: int) -> Server | None:
        assert bot.user is not None
        try:
            guild = await bot.http.get_guild(guild_id)
            member = await bot.http.get_member(guild_id, bot.user.id)
            channels = await bot.http.get_all_guild_channels(guild_id)
        except (discord.Forbidden, discord.NotFound):
            return None
        return cls(guild, member, channels)

    def bot_role(self, bot_id: int) -> str:
        for role in self.guild.get("roles", ()):
            if str((role.get("tags") or {}).get("bot_id")) == str(bot_id):
                return role["name"]
        return BOT_ROLE


def channel_row(server: Server | None, item: ConfiguredChannel, bot_id: int, url: str) -> Row:
    """`url`: the invite link, for a server the bot is no longer in."""
    if server is None:
        label = UNKNOWN_CHANNEL.format(id=item.channel_id, purpose=item.purpose)
        return fail(label, GUILD_GONE.format(guild=item.guild_id), ADD_IT_FIX.format(url=url))
    channel = server.channels.get(item.channel_id)
    if channel is None:
        label = UNKNOWN_CHANNEL.format(id=item.channel_id, purpose=item.purpose)
        return fail(label, CHANNEL_GONE, CHANNEL_GONE_FIX.format(purpose=item.purpose))
    label = CHANNEL.format(name=channel["name"], purpose=item.purpose)
    permissions = channel_permissions(server.guild, server.member, channel)
    for verb, flag, name in NEEDED:
        # The first missing one only: without it Discord denies the ones after it too.
        if not getattr(permissions, flag):
            fix = CANNOT_FIX.format(
                channel=channel["name"],
                permission=name,
                role=server.bot_role(bot_id),
                purpose=item.purpose,
            )
            return fail(label, CANNOT.format(verb=verb, permission=name), fix)
    detail = CHANNEL_OK
    if item.publish:
        # Publishing the bot's own messages needs only Send Messages (see bot/invite.py).
        detail += PUBLISHES if channel.get("type") == ANNOUNCEMENT_CHANNEL else NOT_ANNOUNCEMENT
    return ok(label, detail)
