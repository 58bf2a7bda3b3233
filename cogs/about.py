"""/about: which version is running, what its database holds, and where its code lives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
STAFF_COMMANDS = "For moderators and admins"
COMMAND_NAME = "`/{name}`"
SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class CommandLists:
    """The commands as typed: those every member may run, and those for moderators and admins."""

    everyone: list[str]
    staff: list[str]


def command_lists(commands: Iterable[app_commands.Command | app_commands.Group]) -> CommandLists:
    """Read from the command tree, so that a new command is listed without anyone remembering
    to. A group that Discord shows only to admins (default_permissions) counts as one command;
    a command with a run-time check (moderators only) is for staff."""
    everyone: list[str] = []
    staff: list[str] = []
    for command in commands:
        if command.default_permissions is not None:
            staff.append(command.name)
            continue
        leaves = command.walk_commands() if isinstance(command, app_commands.Group) else [command]
        for leaf in leaves:
            if isinstance(leaf, app_commands.Command):
                (staff if leaf.checks else everyone).append(leaf.qualified_name)
    return CommandLists(everyone, staff)


def about_card(counts: ContentCounts, commands: CommandLists) -> discord.Embed:
    embed = discord.Embed(
        title=TITLE.format(version=__version__),
        description=DESCRIPTION,
        colour=discord.Colour.og_blurple(),
    )
    embed.add_field(name=DATABASE, value=content_summary(counts, SEPARATOR), inline=False)
    for name, listed in ((COMMANDS, commands.everyone), (STAFF_COMMANDS, commands.staff)):
        if listed:
            value = SEPARATOR.join(COMMAND_NAME.format(name=command) for command in listed)
            embed.add_field(name=name, value=value, inline=False)
    embed.add_field(name=CODE, value=CODE_TEXT, inline=False)
    return fit_embed(embed)


class AboutCog(commands.Cog):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        # Counting a million quotes takes milliseconds: counted again only after a change.
        self.cards: UntilChanged[discord.Embed] = UntilChanged(bot.db, size=1)

    async def _card(self) -> discord.Embed:
        commands = command_lists(self.bot.tree.get_commands())
        return about_card(await content_counts(self.bot.db), commands)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """The bot's version, what its database holds, and where its code lives."""
        await interaction.response.send_message(embed=await self.cards.get("about", self._card))


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(AboutCog(bot))
