"""The one error policy for interactions: expected errors become polite ephemeral replies,
everything else is logged with its traceback and answered with a short apology."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. The error has been logged for the admins."
NEEDS_PERMISSION = "You need the **{permissions}** permission to use this command."
ONLY_IN_SERVERS = "This command only works in a server, not in direct messages."
BOT_NEEDS_PERMISSION = "I need the **{permissions}** permission here to do that."
OUT_OF_DATE = (
    "This command has changed since Discord last saw it. Try again in a minute; if it keeps "
    "happening, ask an admin to run `kdrama-bot sync`."
)
BAD_OPTION = "I couldn't use {value!r} as a {kind}. Pick one from the list Discord offers."
NOT_ALLOWED = "You can't use this command here."


class UserFacingError(app_commands.AppCommandError):
    """An expected problem whose message is shown to the user as it is."""


def _permission_names(permissions: list[str]) -> str:
    return ", ".join(
        name.replace("_", " ").replace("guild", "server").title() for name in permissions
    )


def describe_error(error: Exception) -> str | None:
    """The message for an expected error, or None when the error is unexpected."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    match error:
        case UserFacingError():
            return str(error)
        case app_commands.MissingPermissions():
            return NEEDS_PERMISSION.format(permissions=_permission_names(error.missing_permissions))
        case app_commands.BotMissingPermissions():
            return BOT_NEEDS_PERMISSION.format(
                permissions=_permission_names(error.missing_permissions)
            )
        case app_commands.NoPrivateMessage():
            return ONLY_IN_SERVERS
        case app_commands.CommandNotFound() | app_commands.CommandSignatureMismatch():
            return OUT_OF_DATE
        case app_commands.TransformerError():
            return BAD_OPTION.format(kind=error.type.name.lower(), value=error.value)
        case app_commands.CheckFailure():
            return NOT_ALLOWED
    return None


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer the interaction privately, whether or not it was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning(
            "Could not send an error reply to interaction %s", interaction.id, exc_info=True
        )


async def handle_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    text = describe_error(error)
    if text is None:
        command = interaction.command.qualified_name if interaction.command else "(component)"
        log.error(
            "Unexpected error in %s for interaction %s", command, interaction.id, exc_info=error
        )
        text = APOLOGY
    await send_ephemeral(interaction, text)


class CommandTree(app_commands.CommandTree):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_interaction_error(interaction, error)


class View(discord.ui.View):
    """A view whose errors follow the same policy as commands."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await handle_interaction_error(interaction, error)


class Modal(discord.ui.Modal):
    """A modal whose errors follow the same policy as commands."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_interaction_error(interaction, error)
