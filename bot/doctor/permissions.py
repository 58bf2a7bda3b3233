"""The bot's permissions in a channel, computed from REST data the way Discord documents it.

Base: the @everyone role, OR the member's roles (Administrator, or owning the server, means
everything). Then the channel's overwrites: @everyone's, the member's roles' together (deny,
then allow), the member's own. Without View Channel nothing else applies, and in a text
channel without Send Messages neither do the permissions that only matter when sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

ROLE, MEMBER = 0, 1
TEXT_LIKE = (0, 5)  # text and announcement channels
ADMINISTRATOR = discord.Permissions(administrator=True).value
VIEW_CHANNEL = discord.Permissions(view_channel=True).value
SEND_MESSAGES = discord.Permissions(send_messages=True).value
SEND_DEPENDENT = discord.Permissions(
    send_tts_messages=True, embed_links=True, attach_files=True, mention_everyone=True
).value


def channel_permissions(
    guild: Mapping[str, Any], member: Mapping[str, Any], channel: Mapping[str, Any]
) -> discord.Permissions:
    """`guild` as GET /guilds/{id} returns it (with roles), `member` as GET …/members/{id}."""
    user_id = int(member["user"]["id"])
    if int(guild["owner_id"]) == user_id:
        return discord.Permissions.all()
    guild_id = int(guild["id"])
    roles = {int(role["id"]): int(role["permissions"]) for role in guild["roles"]}
    member_roles = [int(role_id) for role_id in member.get("roles", ())]
    perms = roles.get(guild_id, 0)
    for role_id in member_roles:
        perms |= roles.get(role_id, 0)
    if perms & ADMINISTRATOR:
        return discord.Permissions.all()

    overwrites = {int(o["id"]): o for o in channel.get("permission_overwrites") or ()}
    perms = _apply(perms, [overwrites.get(guild_id)])
    perms = _apply(perms, [overwrites.get(r) for r in member_roles], kind=ROLE)
    perms = _apply(perms, [overwrites.get(user_id)], kind=MEMBER)

    if not perms & VIEW_CHANNEL:
        return discord.Permissions.none()
    if channel.get("type") in TEXT_LIKE and not perms & SEND_MESSAGES:
        perms &= ~SEND_DEPENDENT
    return discord.Permissions(perms)


def _apply(perms: int, overwrites: list[Mapping[str, Any] | None], kind: int | None = None) -> int:
    """Deny, then allow, the combined overwrites (of `kind`, when given)."""
    allow = deny = 0
    for overwrite in overwrites:
        if overwrite is None or (kind is not None and int(overwrite["type"]) != kind):
            continue
        allow |= int(overwrite["allow"])
        deny |= int(overwrite["deny"])
    return (perms & ~deny) | allow
