"""Changing the world while a bot is connected, with the gateway events Discord sends.

Each change updates the world first and then dispatches the documented event (GUILDS
intent), so discord.py's cache follows and later REST calls see the new state: a deleted
channel answers 404 / 10003, new overwrites and role permissions are what the permission
checks use, a role's `mentionable` decides whether the bot's mentions of it ping.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import EmulatorError
from .world import Channel, Guild, Intents, Overwrite, Role

if TYPE_CHECKING:
    from .emulator import Emulator


def _guild_of(emu: Emulator, channel: Channel) -> Guild:
    found = emu.world.find_channel(channel.id)
    if found is None:
        raise EmulatorError(f"{channel!r} does not exist (any more)")
    return found[0]


async def _channel_event(emu: Emulator, event: str, guild: Guild, channel: Channel) -> None:
    await emu.gateway.dispatch(event, channel.to_dict(), guild_id=guild.id, intent=Intents.GUILDS)
    emu._bump()


async def delete_channel(emu: Emulator, channel: Channel) -> Channel:
    guild = _guild_of(emu, channel)
    guild.channels.remove(channel)
    await _channel_event(emu, "CHANNEL_DELETE", guild, channel)
    # Deleting a category leaves its channels without a parent, as on Discord.
    for child in [c for c in guild.channels if c.parent_id == channel.id]:
        child.parent_id = None
        await _channel_event(emu, "CHANNEL_UPDATE", guild, child)
    return channel


async def set_overwrites(
    emu: Emulator, channel: Channel, overwrites: Iterable[Overwrite]
) -> Channel:
    guild = _guild_of(emu, channel)
    channel.overwrites = list(overwrites)
    await _channel_event(emu, "CHANNEL_UPDATE", guild, channel)
    return channel


async def update_role(
    emu: Emulator,
    role: Role,
    *,
    name: str | None = None,
    permissions: int | None = None,
    mentionable: bool | None = None,
) -> Role:
    guild = _role_guild(emu, role)
    if name is not None:
        role.name = name
    if permissions is not None:
        role.permissions = int(permissions)
    if mentionable is not None:
        role.mentionable = mentionable
    await emu.gateway.dispatch(
        "GUILD_ROLE_UPDATE",
        {"guild_id": str(guild.id), "role": role.to_dict()},
        guild_id=guild.id,
        intent=Intents.GUILDS,
    )
    emu._bump()
    return role


async def delete_role(emu: Emulator, role: Role) -> Role:
    guild = _role_guild(emu, role)
    if role.id == guild.id or role.managed:
        raise EmulatorError(f"{role!r} cannot be deleted (@everyone or a managed role)")
    guild.roles.remove(role)
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    # Overwrites for the role may stay behind (CHANNEL_UPDATE "may reference roles that no
    # longer exist"); nobody has the role, so they no longer change any permission.
    await emu.gateway.dispatch(
        "GUILD_ROLE_DELETE",
        {"guild_id": str(guild.id), "role_id": str(role.id)},
        guild_id=guild.id,
        intent=Intents.GUILDS,
    )
    emu._bump()
    return role


def _role_guild(emu: Emulator, role: Role) -> Guild:
    guild = emu.world.get_guild(role.guild_id)
    if guild is None or guild.get_role(role.id) is None:
        raise EmulatorError(f"{role!r} does not exist (any more)")
    return guild
