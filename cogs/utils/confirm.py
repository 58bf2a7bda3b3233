"""One confirmation for every admin action that asks first: a confirm and a cancel button, for
the admin who started it, pressed once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.errors import InUse, View

WORKING = "Working on it…"
EXPIRED = "This preview expired, and nothing was done. Run the command again to start over."
ONLY_AUTHOR = "Only the admin who started this can use these buttons."
TIMEOUT = 600


class ConfirmView(View):
    """Confirm and Cancel under a question or a preview; only its author may press them, and
    only while `may_press` still lets them (a role may be taken away meanwhile)."""

    def __init__(
        self,
        in_use: InUse,
        author_id: int,
        confirm_label: str,
        on_confirm: Callable[[discord.Interaction], Awaitable[str]],
        *,
        may_press: Callable[[discord.Interaction], Awaitable[bool]],
        cancel_label: str,
        cancelled_text: str,
        expired_text: str = EXPIRED,
        timeout: float | None = None,
    ) -> None:
        super().__init__(in_use, timeout=TIMEOUT if timeout is None else timeout)
        self.author_id = author_id
        self.on_confirm = on_confirm
        self.may_press = may_press
        self.cancelled_text = cancelled_text
        self.expired_text = expired_text
        self.finished = False
        self.confirm.label = confirm_label
        self.cancel.label = cancel_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.author_id:
            await interaction.response.send_message(ONLY_AUTHOR, ephemeral=True)
            return False
        return await self.may_press(interaction)

    def _finish(self) -> bool:
        """Claim the view; False if another press already did (double clicks act once)."""
        if self.finished:
            return False
        self.finished = True
        self.stop()
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if not self._finish():
            await interaction.response.defer()
            return
        await interaction.response.edit_message(content=WORKING, view=None)
        result = await self.on_confirm(interaction)
        await interaction.edit_original_response(content=result, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if not self._finish():
            await interaction.response.defer()
            return
        await interaction.response.edit_message(content=self.cancelled_text, embed=None, view=None)

    async def on_timeout(self) -> None:
        if self.shown_by is not None and self._finish():
            await self.edit_shown(content=self.expired_text, embed=None, view=None)

    async def send(self, interaction: discord.Interaction, text: str, embed=None) -> None:
        kwargs = {"embed": embed} if embed is not None else {}
        await self.show(interaction, content=text, ephemeral=True, **kwargs)
