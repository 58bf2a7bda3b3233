"""/about: which version is running, what its database holds, and where its code lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.db.cache import UntilChanged
from bot.db.stats import ContentCounts, content_counts
from bot.formatting import content_summary, fit_embed

if TYPE_CHECKING:
    from bot.client import KdramaBot

TITLE = "kdrama-bot {version}"
DESCRIPTION = (
    "A self-hosted bot for K-drama fan communities: look up shows, cast and quotes, and let "
    "admins post announcements, all inside Discord."
)
DATABASE = "In the database"
CODE = "Code"
CODE_TEXT = (
    "Open source, run by this server's admins from their own copy of the kdrama-bot "
    "repository. Its README explains how to run it and how to add a show."
)
COMMANDS = "Commands"
COMMANDS_TEXT = "`/show info` · `/show cast` · `/who` · `/quote random` · `/quote search`"


def about_card(counts: ContentCounts) -> discord.Embed:
    embed = discord.Embed(
        title=TITLE.format(version=__version__),
        description=DESCRIPTION,
        colour=discord.Colour.og_blurple(),
    )
    embed.add_field(name=DATABASE, value=content_summary(counts, " · "), inline=False)
    embed.add_field(name=COMMANDS, value=COMMANDS_TEXT, inline=False)
    embed.add_field(name=CODE, value=CODE_TEXT, inline=False)
    return fit_embed(embed)


class AboutCog(commands.Cog):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        # Counting a million quotes takes milliseconds: counted again only after a change.
        self.cards: UntilChanged[discord.Embed] = UntilChanged(bot.db, size=1)

    async def _card(self) -> discord.Embed:
        return about_card(await content_counts(self.bot.db))

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """The bot's version, what its database holds, and where its code lives."""
        await interaction.response.send_message(embed=await self.cards.get("about", self._card))


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(AboutCog(bot))
