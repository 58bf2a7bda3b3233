"""One paginator for every list: ◀ ▶ buttons and a page counter, for the member who asked."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

import discord

from bot.errors import InUse, View
from bot.formatting import EMBED_DESCRIPTION

NOT_YOURS = "Only the person who ran the command can turn these pages."
PAGE = "Page {page} of {pages}"
TIMEOUT = 300


def paginate_lines(
    lines: list[str], per_page: int = 10, limit: int = EMBED_DESCRIPTION, separator: str = "\n"
) -> list[str]:
    """Lines grouped into page texts of at most `per_page` lines and `limit` characters."""
    pages: list[str] = []
    current: list[str] = []
    for line in lines:
        line = line[:limit]
        if current and (len(current) >= per_page or len(separator.join([*current, line])) > limit):
            pages.append(separator.join(current))
            current = []
        current.append(line)
    if current:
        pages.append(separator.join(current))
    return pages


class PageSource(Protocol):
    """Pages made when first shown, such as those that need the database."""

    def __len__(self) -> int: ...

    async def page(self, index: int) -> discord.Embed: ...


Pages = Sequence[discord.Embed] | PageSource


async def page_at(pages: Pages, index: int) -> discord.Embed:
    if isinstance(pages, Sequence):
        return pages[index]
    return await pages.page(index)


class Paginator(View):
    def __init__(self, in_use: InUse, pages: Pages, author_id: int) -> None:
        super().__init__(in_use, timeout=TIMEOUT)
        self.pages = pages
        self.author_id = author_id
        self.index = 0
        self._turning = asyncio.Lock()
        self._refresh()

    @classmethod
    async def send(cls, interaction: discord.Interaction, pages: Pages, *, ephemeral: bool) -> None:
        """Send the first page, with buttons only when there is more than one."""
        first = await page_at(pages, 0)
        if len(pages) <= 1:
            await interaction.response.send_message(embed=first, ephemeral=ephemeral)
            return
        view = cls(interaction.client.in_use, pages, interaction.user.id)
        await view.show(interaction, embed=first, ephemeral=ephemeral)

    def _refresh(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.counter.label = PAGE.format(page=self.index + 1, pages=len(self.pages))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.author_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        # One turn at a time: a page read from the database takes a moment, and two quick
        # presses of ▶ must move two pages, each from where the other left off.
        async with self._turning:
            index = max(0, min(self.index + step, len(self.pages) - 1))
            embed = await page_at(self.pages, index)
            self.index = index
            self._refresh()
            await self.update(interaction, embed=embed)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Page", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        pass  # a label, never enabled

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        await self.edit_shown(view=self)
