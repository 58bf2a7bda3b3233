"""/show info and /show cast: a show's card and its cast, from the seeded database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.cache import UntilChanged
from bot.db.shows import CastMember, Credit, Show, list_shows, show_cast, show_credits
from bot.formatting import bullet_lines, fit_embed, neutral
from cogs.utils.lookup import resolve_show, show_choices
from cogs.utils.paginator import Paginator, paginate_lines

if TYPE_CHECKING:
    from bot.client import KdramaBot

COLOUR = discord.Colour.from_rgb(229, 9, 20)
CREDIT_LABELS = {
    "creator": "Created by",
    "writer": "Written by",
    "director": "Directed by",
    "executive producer": "Executive producer",
    "producer": "Producer",
}
STARRING = "Starring"
SETTINGS = "Set in"
FILMED_IN = "Filmed in"
PLATFORM = "Platform"
SYNOPSIS = "Synopsis"
ABOUT = "Behind the scenes"
CAST_TITLE = "{title}: cast"
NO_CAST = "No cast is listed for this show yet."
AS = "**{person}**{native} as **{character}**"
FOOTER = "Try /show cast, /who and /quote random"
LIST_TITLE = "Shows"
LIST_LINE = "**{title}**{native}{platform}"
NO_SHOWS = "No shows are loaded yet. An admin can load them with `kdrama-bot db seed`."
CAST_PER_PAGE = 20
LIST_PER_PAGE = 15


def _actor_line(member: CastMember) -> str:
    native = f" ({neutral(member.person_native_name)})" if member.person_native_name else ""
    return AS.format(
        person=neutral(member.person_name), native=native, character=neutral(member.character_name)
    )


def show_card(show: Show, cast: list[CastMember], credits: list[Credit]) -> discord.Embed:
    embed = discord.Embed(
        title=neutral(show.title), description=neutral(show.premise), colour=COLOUR
    )
    platform = " · ".join(neutral(part) for part in (show.platform, show.format) if part)
    if platform:
        embed.add_field(name=PLATFORM, value=platform, inline=False)
    by_role: dict[str, list[str]] = {}
    for credit in credits:
        by_role.setdefault(credit.role, []).append(neutral(credit.person_name))
    for role, people in by_role.items():
        label = CREDIT_LABELS.get(role, role.capitalize())
        embed.add_field(name=label, value=bullet_lines(people, separator=", "), inline=True)
    if cast:
        embed.add_field(
            name=STARRING, value=bullet_lines([_actor_line(m) for m in cast]), inline=False
        )
    if show.settings:
        settings = bullet_lines([neutral(place) for place in show.settings], separator=", ")
        embed.add_field(name=SETTINGS, value=settings, inline=True)
    if show.filmed_in:
        filmed_in = bullet_lines([neutral(place) for place in show.filmed_in], separator=", ")
        embed.add_field(name=FILMED_IN, value=filmed_in, inline=True)
    if show.synopsis:
        embed.add_field(name=SYNOPSIS, value=neutral(show.synopsis), inline=False)
    behind = [line for line in (show.origin, *show.notes) if line]
    if behind:
        embed.add_field(name=ABOUT, value=bullet_lines([f"• {neutral(line)}" for line in behind]))
    embed.set_footer(text=FOOTER)
    return fit_embed(embed)


def cast_pages(show: Show, cast: list[CastMember]) -> list[discord.Embed]:
    """The cast, one line each; a large cast is split into pages."""
    texts = paginate_lines([_actor_line(member) for member in cast], per_page=CAST_PER_PAGE)
    return [
        fit_embed(
            discord.Embed(
                title=CAST_TITLE.format(title=neutral(show.title)), description=text, colour=COLOUR
            )
        )
        for text in texts or [NO_CAST]
    ]


def list_pages(shows: list[Show]) -> list[discord.Embed]:
    lines = []
    for show in shows:
        native = f" ({neutral(show.native_title)})" if show.native_title else ""
        platform = f" · {neutral(show.platform)}" if show.platform else ""
        lines.append(LIST_LINE.format(title=neutral(show.title), native=native, platform=platform))
    texts = paginate_lines(lines, per_page=LIST_PER_PAGE) or [NO_SHOWS]
    return [discord.Embed(title=LIST_TITLE, description=text, colour=COLOUR) for text in texts]


def _asked(title: str | None, guild_id: int | None) -> tuple[str | None, int | None]:
    """What a cached answer is kept under: the title, or the server when there is none."""
    if title is None or not title.strip():
        return None, guild_id
    return title, None


class ShowCog(commands.GroupCog, group_name="show", group_description="About a show"):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        # Keyed by what was asked; without a title, the answer depends on the server's
        # featured show, so the server is part of the key.
        self.cards: UntilChanged[discord.Embed] = UntilChanged(bot.db)
        self.casts: UntilChanged[list[discord.Embed]] = UntilChanged(bot.db)
        super().__init__()

    async def _card(self, title: str | None, guild_id: int | None) -> discord.Embed:
        show = await resolve_show(self.bot.db, title, guild_id)
        cast = await show_cast(self.bot.db, show.id)
        credits = await show_credits(self.bot.db, show.id)
        return show_card(show, cast, credits)

    async def _cast(self, title: str | None, guild_id: int | None) -> list[discord.Embed]:
        show = await resolve_show(self.bot.db, title, guild_id)
        return cast_pages(show, await show_cast(self.bot.db, show.id))

    @app_commands.command(name="info")
    @app_commands.describe(title="The show (the only one, if the server has just one)")
    async def info(
        self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        """A show's card: premise, platform, who made it, who stars in it, where it is set."""
        key = _asked(title, interaction.guild_id)
        card = await self.cards.get(key, lambda: self._card(*key))
        await interaction.response.send_message(embed=card)

    @app_commands.command(name="cast")
    @app_commands.describe(title="The show (the only one, if the server has just one)")
    async def cast(
        self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        """Each actor in a show and the character they play."""
        key = _asked(title, interaction.guild_id)
        pages = await self.casts.get(key, lambda: self._cast(*key))
        await Paginator.send(interaction, pages, ephemeral=False)

    @app_commands.command(name="list")
    async def list_command(self, interaction: discord.Interaction) -> None:
        """Every show I know."""
        shows = await list_shows(self.bot.db)
        await Paginator.send(interaction, list_pages(shows), ephemeral=False)

    @info.autocomplete("title")
    @cast.autocomplete("title")
    async def title_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await show_choices(self.bot.db, current)


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(ShowCog(bot))
