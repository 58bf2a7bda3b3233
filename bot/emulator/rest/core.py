"""REST: users, gateway discovery, the application, application commands, guild/channel reads."""

from __future__ import annotations

from typing import Any

from ..commands import Command
from ..errors import (
    ApiError,
    FormErrors,
    missing_access,
    unknown_channel,
    unknown_command,
    unknown_member,
    unknown_user,
)
from ..limits import check_command_counts, validate_commands
from ..permissions import Perm
from ..server import Ctx, Reply, RouteDef
from ..world import Channel, Guild, Intents


def _me(ctx: Ctx) -> dict[str, Any]:
    bot = ctx.emu.bot_user
    return {
        **bot.to_dict(),
        "verified": True,
        "mfa_enabled": False,
        "email": None,
        "locale": "en-US",
        "premium_type": 0,
        "bio": "",
    }


async def get_me(ctx: Ctx) -> Reply:
    return 200, _me(ctx)


async def get_user(ctx: Ctx) -> Reply:
    user = ctx.emu.world.get_user(ctx.snowflake("user_id"))
    if user is None:
        raise unknown_user()
    return 200, user.to_dict()


async def get_gateway(ctx: Ctx) -> Reply:
    return 200, {"url": ctx.emu.gateway_url}


async def get_gateway_bot(ctx: Ctx) -> Reply:
    return 200, {
        "url": ctx.emu.gateway_url,
        "shards": 1,
        "session_start_limit": {
            "total": 1000,
            "remaining": 1000 - ctx.emu.gateway.ready_count,
            "reset_after": 14_400_000,
            "max_concurrency": 1,
        },
    }


async def get_application(ctx: Ctx) -> Reply:
    return 200, ctx.emu.world.application.to_dict()


def _bot_guild(ctx: Ctx) -> Guild:
    """The guild in the path; 403 / 50001 unless the bot is in it."""
    guild = ctx.emu.world.get_guild(ctx.snowflake("guild_id"))
    if guild is None or ctx.emu.bot_user.id not in guild.members:
        raise missing_access()
    return guild


# -- application commands -----------------------------------------------------------------


def _app_scope(ctx: Ctx) -> int | None:
    """Checks the application id (and guild) in the path; returns the guild id or None."""
    if ctx.params["application_id"] != str(ctx.emu.application_id):
        raise missing_access()
    if "guild_id" not in ctx.params:
        return None
    return _bot_guild(ctx).id


def _command(ctx: Ctx, scope: int | None) -> Command:
    cmd = ctx.emu.commands.get(scope, ctx.snowflake("command_id"))
    if cmd is None:
        raise unknown_command()
    return cmd


def _validate_one_command(data: dict[str, Any]) -> None:
    errors = FormErrors()
    validate_commands([data], errors)
    if errors:
        # Single-command endpoints report errors without the list index.
        raise ApiError(400, 50035, "Invalid Form Body", errors=errors.tree.get("0", errors.tree))


async def list_commands(ctx: Ctx) -> Reply:
    scope = _app_scope(ctx)
    return 200, [c.to_dict() for c in ctx.emu.commands.scope(scope)]


async def bulk_overwrite_commands(ctx: Ctx) -> Reply:
    scope = _app_scope(ctx)
    errors = FormErrors()
    validate_commands(ctx.json, errors)
    errors.raise_if_any()
    check_command_counts(ctx.json)
    commands = ctx.emu.commands.bulk_overwrite(scope, ctx.json)
    return 200, [c.to_dict() for c in commands]


async def create_command(ctx: Ctx) -> Reply:
    scope = _app_scope(ctx)
    _validate_one_command(ctx.json)
    kept = [c.data for c in ctx.emu.commands.scope(scope)]
    new = {"type": 1, **ctx.json}
    check_command_counts(
        [d for d in kept if (d.get("type", 1), d["name"]) != (new["type"], new["name"])] + [new]
    )
    cmd, created = ctx.emu.commands.upsert(scope, ctx.json)
    return (201 if created else 200), cmd.to_dict()


async def get_command(ctx: Ctx) -> Reply:
    cmd = _command(ctx, _app_scope(ctx))
    return 200, cmd.to_dict()


async def edit_command(ctx: Ctx) -> Reply:
    cmd = _command(ctx, _app_scope(ctx))
    data = {**cmd.data, **(ctx.json or {})}
    _validate_one_command(data)
    cmd.data = data
    cmd.version = ctx.emu.snowflakes.next()
    return 200, cmd.to_dict()


async def delete_command(ctx: Ctx) -> Reply:
    scope = _app_scope(ctx)
    if not ctx.emu.commands.delete(scope, ctx.snowflake("command_id")):
        raise unknown_command()
    return 204, None


# -- guilds and channels ------------------------------------------------------------------


async def get_guild(ctx: Ctx) -> Reply:
    guild = _bot_guild(ctx)
    data = guild.to_dict()
    if ctx.flag("with_counts"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return 200, data


async def get_guild_channels(ctx: Ctx) -> Reply:
    guild = _bot_guild(ctx)
    return 200, [c.to_dict() for c in guild.channels]


async def get_guild_roles(ctx: Ctx) -> Reply:
    guild = _bot_guild(ctx)
    return 200, [r.to_dict() for r in guild.roles]


async def get_guild_member(ctx: Ctx) -> Reply:
    guild = _bot_guild(ctx)
    member = guild.member(ctx.snowflake("user_id"))
    if member is None:
        raise unknown_member()
    return 200, member.to_dict()


async def list_guild_members(ctx: Ctx) -> Reply:
    guild = _bot_guild(ctx)
    if not ctx.emu.world.application.privileged_intents & Intents.GUILD_MEMBERS:
        raise missing_access()
    errors = FormErrors()
    limit = ctx.query_int("limit", 1, 1, 1000, errors)
    errors.raise_if_any()
    after = ctx.query_snowflake("after") if "after" in ctx.query else 0
    members = sorted(guild.members.values(), key=lambda m: m.user.id)
    members = [m for m in members if m.user.id > after][:limit]
    return 200, [m.to_dict() for m in members]


def visible_channel(ctx: Ctx) -> tuple[Guild, Channel, int]:
    """The channel in the path, its guild and the bot's permissions in it.

    404 / 10003 if there is no such channel, 403 / 50001 if the bot cannot see it.
    """
    found = ctx.emu.world.find_channel(ctx.snowflake("channel_id"))
    if found is None:
        raise unknown_channel()
    guild, channel = found
    if ctx.emu.bot_user.id not in guild.members:
        raise missing_access()
    perms = guild.permissions_for(ctx.emu.bot_user, channel)
    if not perms & Perm.VIEW_CHANNEL:
        raise missing_access()
    return guild, channel, perms


async def get_channel(ctx: Ctx) -> Reply:
    _guild, channel, _perms = visible_channel(ctx)
    return 200, channel.to_dict()


def _command_routes(scope: str) -> list[RouteDef]:
    """The application command endpoints; global and guild commands differ only by `scope`."""
    commands = scope + "/commands"
    command = commands + "/{command_id}"
    return [
        RouteDef("GET", commands, list_commands),
        RouteDef("PUT", commands, bulk_overwrite_commands),
        RouteDef("POST", commands, create_command),
        RouteDef("GET", command, get_command),
        RouteDef("PATCH", command, edit_command),
        RouteDef("DELETE", command, delete_command),
    ]


ROUTES = [
    RouteDef("GET", "/users/@me", get_me),
    RouteDef("GET", "/users/{user_id}", get_user),
    RouteDef("GET", "/gateway", get_gateway, auth=False),
    RouteDef("GET", "/gateway/bot", get_gateway_bot),
    RouteDef("GET", "/oauth2/applications/@me", get_application),
    RouteDef("GET", "/applications/@me", get_application),
    *_command_routes("/applications/{application_id}"),
    *_command_routes("/applications/{application_id}/guilds/{guild_id}"),
    RouteDef("GET", "/guilds/{guild_id}", get_guild),
    RouteDef("GET", "/guilds/{guild_id}/channels", get_guild_channels),
    RouteDef("GET", "/guilds/{guild_id}/roles", get_guild_roles),
    RouteDef("GET", "/guilds/{guild_id}/members", list_guild_members),
    RouteDef("GET", "/guilds/{guild_id}/members/{user_id}", get_guild_member),
    RouteDef("GET", "/channels/{channel_id}", get_channel),
]
