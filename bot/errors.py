"""The one error policy for interactions: expected errors become polite ephemeral replies,
everything else is logged with its traceback and answered with a short apology."""

from __future__ import annotations

import logging
import weakref
from typing import Any

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
FORGOTTEN_BUTTONS = (
    "These buttons no longer work: they timed out, or I restarted since. Run the command again."
)
FORGOTTEN_FORM = (
    "I couldn't take this form: it timed out, or I restarted since, and nothing was saved. "
    "Run the command again."
)


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


class InUse:
    """The views and forms a bot has sent and still answers. A press on any other button, or a
    submission of any other form, is one it forgot (it timed out, or the bot restarted since
    sending it): Discord would show the member only "This interaction failed"."""

    def __init__(self) -> None:
        # Weak: discord.py holds a view for as long as it listens, and no longer.
        self._views: weakref.WeakSet[discord.ui.View | discord.ui.Modal] = weakref.WeakSet()

    def add(self, view: discord.ui.View | discord.ui.Modal) -> None:
        self._views.add(view)

    def owns(self, custom_id: str) -> bool:
        """Whether a view or form still in use has a component (or is a form) with this id."""
        for view in list(self._views):
            if view.is_finished():
                continue
            if getattr(view, "custom_id", None) == custom_id:  # a form
                return True
            if any(getattr(item, "custom_id", None) == custom_id for item in view.children):
                return True
        return False


_FORGOTTEN = "kdrama-bot: forgotten"  # the key in Interaction.extras


def note_forgotten(interaction: discord.Interaction, in_use: InUse) -> None:
    """Note whether a button or form belongs to nothing the bot still has. Called as the
    interaction arrives, before any view's callback runs: a callback may finish its view (a
    preview's Cancel does) before it answers."""
    if interaction.type is discord.InteractionType.component:
        text = FORGOTTEN_BUTTONS
    elif interaction.type is discord.InteractionType.modal_submit:
        text = FORGOTTEN_FORM
    else:
        return
    if not in_use.owns((interaction.data or {}).get("custom_id", "")):
        interaction.extras[_FORGOTTEN] = text


async def answer_forgotten(interaction: discord.Interaction) -> None:
    """Tell the member, privately, when `note_forgotten` found their button or form forgotten."""
    text = interaction.extras.get(_FORGOTTEN)
    if text is not None:
        await send_ephemeral(interaction, text)


class View(discord.ui.View):
    """A view whose errors follow the same policy as commands, known to its bot while in use,
    and able to change its own message later, when it times out."""

    def __init__(self, in_use: InUse, *, timeout: float | None = 180.0) -> None:
        super().__init__(timeout=timeout)
        in_use.add(self)
        # The interaction that last showed the view: its token can edit the message for 15
        # minutes after it came, with no press to answer.
        self.shown_by: discord.Interaction | None = None

    async def show(self, interaction: discord.Interaction, **message: Any) -> None:
        """Answer the interaction with a message that carries this view."""
        await interaction.response.send_message(view=self, **message)
        self.shown_by = interaction

    async def update(self, interaction: discord.Interaction, **changes: Any) -> None:
        """Answer a press by changing the view's message. The press restarted the time-out, and
        its token, not the one that showed the view, still lasts until then."""
        await interaction.response.edit_message(view=self, **changes)
        self.shown_by = interaction

    async def edit_shown(self, **changes: Any) -> None:
        """Edit the view's message through `shown_by`. The message may be gone (dismissed,
        deleted) or the token expired: then there is nothing to change, and it is only logged."""
        if self.shown_by is None:
            return
        try:
            await self.shown_by.edit_original_response(**changes)
        except discord.HTTPException:
            log.info("Could not edit the message of a %s", type(self).__name__, exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await handle_interaction_error(interaction, error)


class Modal(discord.ui.Modal):
    """A form whose errors follow the same policy as commands, known to its bot while in use."""

    def __init__(self, in_use: InUse, *, title: str, timeout: float | None = None) -> None:
        super().__init__(title=title, timeout=timeout)
        in_use.add(self)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_interaction_error(interaction, error)
