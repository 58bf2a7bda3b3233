"""Run-time checks for admin commands. `default_permissions` only hides a command in the client;
these refuse anyone else when the command runs."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.db.guild_settings import get_settings
from bot.errors import UserFacingError

NOT_ANNOUNCER = (
    "You need the **Manage Server** permission, or the announcer role {role}, to use this command."
)
NOT_ANNOUNCER_NO_ROLE = "You need the **Manage Server** permission to use this command."


def has_role(interaction: discord.Interaction, role_id: int | None) -> bool:
    roles = getattr(interaction.user, "roles", [])
    return role_id is not None and any(role.id == role_id for role in roles)


async def is_announcer(interaction: discord.Interaction) -> bool:
    """Manage Server, or the server's announcer role (set with /settings announcer-role)."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if interaction.permissions.manage_guild:
        return True
    role_id = (await get_settings(interaction.client.db, interaction.guild.id)).announcer_role_id
    if has_role(interaction, role_id):
        return True
    if role_id is None:
        raise UserFacingError(NOT_ANNOUNCER_NO_ROLE)
    raise UserFacingError(NOT_ANNOUNCER.format(role=f"<@&{role_id}>"))


NOT_MODERATOR = (
    "You need the **Manage Messages** or **Manage Server** permission, or the announcer role, "
    "to moderate quotes."
)


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Messages, or the server's announcer role; and the admins above them."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    permissions = interaction.permissions
    if permissions.manage_messages or permissions.manage_guild:
        return True
    settings = await get_settings(interaction.client.db, interaction.guild.id)
    if has_role(interaction, settings.announcer_role_id):
        return True
    raise UserFacingError(NOT_MODERATOR)


def announcer_only():
    return app_commands.check(is_announcer)
