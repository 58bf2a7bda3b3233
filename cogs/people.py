"""/who: one person or character, found by any of their names, in any script or alias."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.cache import UntilChanged
from bot.db.people import Character, NameMatch, Person, count_named, get_character, get_person
from bot.errors import UserFacingError
from bot.formatting import FIELD_VALUE, bullet_lines, fit_embed, inline_code, neutral, plural
from bot.search import fold_name
from cogs.utils.lookup import Kind, choice_value, name_choices, resolve_name
from cogs.utils.paginator import Paginator, paginate_lines

if TYPE_CHECKING:
    from bot.client import KdramaBot

PERSON_COLOUR = discord.Colour.blurple()
CHARACTER_COLOUR = discord.Colour.teal()
NATIVE_NAME = "Native name"
ALSO_KNOWN_AS = "Also known as"
KNOWN_FOR = "Known for"
ROLES = "Roles"
ROLE_LINE = "**{character}** in *{show}*"
CREDITS = "Credits"
CREDIT_LINE = "{role} of *{show}*"
QUOTES = "Quotes"
NO_QUOTES = "None yet"
QUOTE_HINT = " · try {command}"
PLAYED_BY = "Played by"
SHOW = "Show"
PERSON_FOOTER = "Person"
CHARACTER_FOOTER = "Character"
NAMESAKES = "{kind} · {others} also called {name}: pick the one you mean as you type"
GONE = "That entry has just been removed from the database. Try again."
MORE = "continued"
MORE_TITLE = "{name} (continued)"
LINES_PER_FIELD = 10
FIELDS_PER_PAGE = 6


def _quote_count(count: int, person: str) -> str:
    if not count:
        return NO_QUOTES
    return plural(count, "quote", "quotes") + QUOTE_HINT.format(
        command=inline_code(f"/quote random person:{person}")
    )


@dataclass(frozen=True, slots=True)
class Namesakes:
    """Whom a card's person or character shares a name with: `others` more are `called` the
    name the card was found by; `name_shared`: their own name is another's too, so /quote
    random needs their key to find them."""

    called: str = ""
    others: int = 0
    name_shared: bool = False


def _footer(kind: str, namesakes: Namesakes) -> str:
    if not namesakes.others:
        return kind
    others = plural(namesakes.others, "other is", "others are")
    # Footers show text as it is: no markdown, no mentions.
    return NAMESAKES.format(kind=kind, others=others, name=namesakes.called)


def _person_option(name: str, kind: Kind, entity_id: int, namesakes: Namesakes) -> str:
    """What /quote random's person option takes to find this one."""
    return choice_value(name, kind, entity_id, keyed=namesakes.name_shared)


def person_pages(person: Person, namesakes: Namesakes = Namesakes()) -> list[discord.Embed]:
    """The person's card; a long list of roles and credits goes on to further pages."""
    embed = discord.Embed(title=neutral(person.name), colour=PERSON_COLOUR)
    if person.native_name:
        embed.add_field(name=NATIVE_NAME, value=neutral(person.native_name), inline=True)
    if person.aliases:
        aliases = bullet_lines([neutral(alias) for alias in person.aliases], separator=", ")
        embed.add_field(name=ALSO_KNOWN_AS, value=aliases, inline=True)
    if person.known_for:
        embed.add_field(
            name=KNOWN_FOR,
            value=bullet_lines([f"• {neutral(item)}" for item in person.known_for]),
            inline=False,
        )
    option = _person_option(person.name, "person", person.id, namesakes)
    embed.add_field(name=QUOTES, value=_quote_count(person.quote_count, option), inline=False)
    roles = [
        ROLE_LINE.format(character=neutral(r.character_name), show=neutral(r.show_title))
        for r in person.roles
    ]
    credits = [
        CREDIT_LINE.format(role=c.role.capitalize(), show=neutral(c.show_title))
        for c in person.credits
    ]
    lists = [(ROLES, roles), (CREDITS, credits)]
    pages = [embed]
    for name, lines in lists:
        chunks = paginate_lines(lines, per_page=LINES_PER_FIELD, limit=FIELD_VALUE)
        for number, chunk in enumerate(chunks):
            page = pages[-1]
            if len(page.fields) >= FIELDS_PER_PAGE:
                page = discord.Embed(
                    title=MORE_TITLE.format(name=neutral(person.name)), colour=PERSON_COLOUR
                )
                pages.append(page)
            page.add_field(
                name=name if number == 0 else f"{name} ({MORE})", value=chunk, inline=False
            )
    for page in pages:
        page.set_footer(text=_footer(PERSON_FOOTER, namesakes))
    return [fit_embed(page) for page in pages]


def character_card(character: Character, namesakes: Namesakes = Namesakes()) -> discord.Embed:
    embed = discord.Embed(
        title=neutral(character.name),
        description=neutral(character.description) if character.description else None,
        colour=CHARACTER_COLOUR,
    )
    if character.native_name:
        embed.add_field(name=NATIVE_NAME, value=neutral(character.native_name), inline=True)
    if character.aliases:
        aliases = bullet_lines([neutral(alias) for alias in character.aliases], separator=", ")
        embed.add_field(name=ALSO_KNOWN_AS, value=aliases, inline=True)
    if character.played_by:
        actors = bullet_lines([neutral(actor) for actor in character.played_by], separator=", ")
        embed.add_field(name=PLAYED_BY, value=actors, inline=True)
    embed.add_field(name=SHOW, value=f"*{neutral(character.show_title)}*", inline=True)
    if character.quote_count:
        option = _person_option(character.name, "character", character.id, namesakes)
        embed.add_field(
            name=QUOTES, value=_quote_count(character.quote_count, option), inline=False
        )
    embed.set_footer(text=_footer(CHARACTER_FOOTER, namesakes))
    return fit_embed(embed)


class PeopleCog(commands.Cog):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        # Keyed by the name as typed: the same name always finds the same card.
        self.cards: UntilChanged[list[discord.Embed]] = UntilChanged(bot.db)

    @app_commands.command(name="who")
    @app_commands.describe(name="A person or character, by any name: 'Taecyeon', '옥택연', 'Ryu'")
    async def who(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]):
        """Who someone is: an actor, a director, or a character, by any of their names."""
        pages = await self.cards.get(name, lambda: self._pages(name))
        await Paginator.send(interaction, pages, ephemeral=False)

    async def _pages(self, name: str) -> list[discord.Embed]:
        match = await resolve_name(self.bot.db, name)
        namesakes = await self._namesakes(match)
        if match.kind == "person":
            person = await get_person(self.bot.db, match.id)
            pages = person_pages(person, namesakes) if person else None
        else:
            character = await get_character(self.bot.db, match.id)
            pages = [character_card(character, namesakes)] if character else None
        if pages is None:
            raise UserFacingError(GONE)
        return pages

    async def _namesakes(self, match: NameMatch) -> Namesakes:
        others = await count_named(self.bot.db, match.matched) - 1
        if fold_name(match.matched) == fold_name(match.name):
            return Namesakes(match.matched, others, others > 0)
        return Namesakes(match.matched, others, await count_named(self.bot.db, match.name) > 1)

    @who.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await name_choices(self.bot.db, current)


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(PeopleCog(bot))
