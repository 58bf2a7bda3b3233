"""/quote random and /quote search: memorable lines, with who said them and in what context."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.db.quotes import Quote, random_quote, search_quotes, speaker_roles
from bot.errors import UserFacingError
from bot.formatting import bullet_lines, excerpt, fit_embed
from bot.search import fold_text, highlight_span
from cogs.utils.lookup import name_choices, resolve_name, resolve_show, show_choices

if TYPE_CHECKING:
    from bot.client import KdramaBot

COLOUR = discord.Colour.gold()
SAID_BY = "Said by"
CONTEXT = "Context"
QUOTE_FOOTER = "{show} · quote #{id}"
NO_QUOTES = "There are no quotes yet."
NO_QUOTES_FOR = "I have no quotes from **{name}**{show} yet."
IN_SHOW = " in *{title}*"
NO_QUOTES_IN_SHOW = "I have no quotes from *{title}* yet."
SEARCH_TITLE = "Quotes matching “{query}”"
SEARCH_LINE = "“{text}”\n— {speaker}, *{show}*"
SEARCH_FOOTER = "{count} of {total} matches"
SEARCH_FOOTER_ONE = "1 match"
NOTHING_FOUND = "No quote contains “{query}”. Try a shorter fragment, or another spelling."
EMPTY_QUERY = "Type some letters or numbers to search for, like `soul` or `boxing`."
RESULTS = 10
EXCERPT = 300


def quote_card(quote: Quote, roles: list[str]) -> discord.Embed:
    embed = discord.Embed(description=f"“{escape_markdown(quote.text)}”", colour=COLOUR)
    speaker = quote.speaker_name + (f", {' and '.join(roles)}" if roles else "")
    embed.add_field(name=SAID_BY, value=speaker, inline=False)
    embed.add_field(name=CONTEXT, value=quote.context, inline=False)
    embed.set_footer(text=QUOTE_FOOTER.format(show=quote.show_title, id=quote.id))
    return fit_embed(embed)


def search_card(query: str, quotes: list[Quote], total: int) -> discord.Embed:
    lines = []
    for quote in quotes:
        before, match, after = (
            escape_markdown(part)
            for part in excerpt(quote.text, highlight_span(quote.text, query), EXCERPT)
        )
        text = f"{before}**{match}**{after}" if match else before
        lines.append(
            SEARCH_LINE.format(text=text, speaker=quote.speaker_name, show=quote.show_title)
        )
    shown_query = escape_markdown(query.strip()[:100])
    embed = discord.Embed(
        title=SEARCH_TITLE.format(query=shown_query),
        description=bullet_lines(lines, limit=4096, separator="\n\n"),
        colour=COLOUR,
    )
    footer = (
        SEARCH_FOOTER_ONE if total == 1 else SEARCH_FOOTER.format(count=len(quotes), total=total)
    )
    embed.set_footer(text=footer)
    return fit_embed(embed)


class QuotesCog(commands.GroupCog, group_name="quote", group_description="Memorable quotes"):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="random")
    @app_commands.describe(
        show="Only quotes from this show",
        person="Only quotes from this person or character",
    )
    async def random(
        self,
        interaction: discord.Interaction,
        show: app_commands.Range[str, 1, 100] | None = None,
        person: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """A random quote, with who said it, their role, and the context."""
        db = self.bot.db
        chosen_show = await resolve_show(db, show) if show else None
        match = await resolve_name(db, person) if person else None
        quote = await random_quote(
            db,
            show_id=chosen_show.id if chosen_show else None,
            person_id=match.id if match and match.kind == "person" else None,
            character_id=match.id if match and match.kind == "character" else None,
        )
        if quote is None:
            if match is not None:
                in_show = IN_SHOW.format(title=chosen_show.title) if chosen_show else ""
                raise UserFacingError(NO_QUOTES_FOR.format(name=match.name, show=in_show))
            if chosen_show is not None:
                raise UserFacingError(NO_QUOTES_IN_SHOW.format(title=chosen_show.title))
            raise UserFacingError(NO_QUOTES)
        embed = quote_card(quote, await speaker_roles(db, quote))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="search")
    @app_commands.describe(text="A fragment of the quote, in any script: 'soul', 'boxing'")
    async def search(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 100]
    ) -> None:
        """Find quotes containing a word or fragment."""
        if not fold_text(text):
            raise UserFacingError(EMPTY_QUERY)
        quotes, total = await search_quotes(self.bot.db, text, limit=RESULTS)
        if not quotes:
            raise UserFacingError(NOTHING_FOUND.format(query=escape_markdown(text.strip())))
        await interaction.response.send_message(embed=search_card(text, quotes, total))

    @random.autocomplete("show")
    async def show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await show_choices(self.bot.db, current)

    @random.autocomplete("person")
    async def person_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await name_choices(self.bot.db, current)


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(QuotesCog(bot))
