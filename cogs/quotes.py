"""/quote: memorable lines with who said them and in what context — random, search, and the
quotes a server's members submit (add, withdraw, review, remove), shown only in that server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown

from bot.announcing import OutgoingPost
from bot.db import Database
from bot.db.announcements import Announcement
from bot.db.cache import UntilChanged
from bot.db.community import (
    CommunityQuote,
    DuplicateQuote,
    change_state,
    count_pending,
    get_community_quote,
    next_pending,
    submit_quote,
)
from bot.db.quotes import (
    Found,
    Quote,
    SpeakerRoles,
    find_quotes,
    random_quote,
    read_quotes,
    speaker_roles,
)
from bot.errors import UserFacingError, View
from bot.formatting import FIELD_VALUE, excerpt, fit_embed, is_blank, joined_names, neutral
from bot.scheduler import PermanentFailure
from bot.search import fold_text, highlight_span
from cogs.utils.checks import is_moderator
from cogs.utils.lookup import (
    default_show,
    featured_show,
    is_named,
    name_choices,
    resolve_name,
    resolve_show,
    show_choices,
)
from cogs.utils.paginator import Paginator

if TYPE_CHECKING:
    from bot.client import KdramaBot

COLOUR = discord.Colour.gold()
SAID_BY = "Said by"
PLAYS = "plays {names}"
PLAYED_BY = "played by {names}"
CONTEXT = "Context"
QUOTE_FOOTER = "{show} · quote #{id}"
COMMUNITY_FOOTER = "Community quote #{id}"
COMMUNITY_MARK = " · community quote"
NO_QUOTES = "There are no quotes yet."
NO_QUOTES_FOR = "I have no quotes from **{name}**{show} yet."
IN_SHOW = " in *{title}*"
NO_QUOTES_IN_SHOW = "I have no quotes from *{title}* yet."
SEARCH_TITLE = "Quotes matching “{query}”"
SEARCH_LINE = "“{text}”\n— {said_by}"
SEARCH_FOOTER = "{total} matches"
SEARCH_FOOTER_FIRST = "The first {count} of {total} matches"
SEARCH_FOOTER_MORE = "The first {count} matches; there are more: type more to narrow it down"
SEARCH_GONE = (
    "The quotes on this page were removed after the search. Search again to see what's left."
)
SEARCH_FOOTER_ONE = "1 match"
NOTHING_FOUND = "No quote contains “{query}”. Try a shorter fragment, or another spelling."
EMPTY_QUERY = "Type some letters or numbers to search for, like `soul` or `boxing`."
NO_WORDS = "A quote needs words: type it as it was said, in any script."
NO_SPEAKER = "Say who said it: type the speaker's name."
QUOTE_OF_THE_DAY = "Quote of the day"
NO_QUOTES_TO_POST = "There are no quotes to post yet."
SUBMITTED = (
    "Thanks! Your quote{source} is waiting for a moderator's review as community quote "
    "**#{id}**. You can take it back with `/quote withdraw id:{id}` until then."
)
FROM_SHOW = " from *{title}*"
DUPLICATE = "That quote is already here (or waiting for review), so I didn't add it again."
NOT_YOURS = "Community quote **#{id}** isn't one you submitted, so you can't withdraw it."
NOT_PENDING = "Community quote **#{id}** is {state}, so it can't be {action} now."
UNKNOWN_COMMUNITY = "There's no community quote **#{id}** in this server."
WITHDRAWN = "You withdrew community quote **#{id}**."
REMOVED = "Removed community quote **#{id}**: it no longer appears in `/quote` here."
NOTHING_TO_REVIEW = "There are no quotes waiting for review."
REVIEW_TITLE = "Community quote #{id} · {left} waiting"
REVIEW_SUBMITTED_BY = "Submitted by"
APPROVED = "Approved **#{id}**."
REJECTED = "Rejected **#{id}**."
ALREADY_REVIEWED = "**#{id}** was already reviewed by someone else."
# What happened to a quote while it was on the panel, when no review did it.
GONE_MEANWHILE = {
    "withdrawn": "**#{id}** was withdrawn by the member who submitted it.",
    "removed": "**#{id}** was removed with `/quote remove`.",
}
REVIEW_DONE = "That's all: no more quotes are waiting."
ONLY_REVIEWER = "Only the moderator who opened this review can use these buttons."
REVIEW_TIMED_OUT = "This review timed out. Run `/quote review` to go on where you left off."
REVIEW_TIMEOUT = 600
RESULTS = 50
PER_PAGE = 5
EXCERPT = 300


def said_by(speaker: str, roles: SpeakerRoles) -> str:
    """'Dai Ota, executive producer', 'Ok Taec-yeon, plays Johan Hwang', 'Johan Hwang, played
    by A and B': within a field, with '… and N more' for names that don't fit."""
    speaker = neutral(speaker)
    room = FIELD_VALUE - len(f"{speaker}, ")
    parts = [neutral(credit) for credit in roles.credits]
    for template, names in ((PLAYS, roles.plays), (PLAYED_BY, roles.played_by)):
        if names:
            fitting = joined_names([neutral(name) for name in names], room - len(template))
            parts.append(template.format(names=fitting))
    return f"{speaker}, {joined_names(parts, room)}" if parts else speaker


def quote_card(quote: Quote, roles: SpeakerRoles) -> discord.Embed:
    embed = discord.Embed(description=f"“{neutral(quote.text)}”", colour=COLOUR)
    embed.add_field(name=SAID_BY, value=said_by(quote.speaker_name, roles), inline=False)
    if quote.context:
        embed.add_field(name=CONTEXT, value=neutral(quote.context), inline=False)
    if quote.community:
        footer = COMMUNITY_FOOTER.format(id=quote.id)
        if quote.show_title:
            footer = f"{quote.show_title} · {footer}"
    else:
        footer = QUOTE_FOOTER.format(show=quote.show_title, id=quote.id)
    embed.set_footer(text=footer)
    return fit_embed(embed)


def review_card(quote: CommunityQuote, waiting: int) -> discord.Embed:
    embed = discord.Embed(
        title=REVIEW_TITLE.format(id=quote.id, left=waiting),
        description=f"“{neutral(quote.text)}”",
        colour=COLOUR,
    )
    embed.add_field(name=SAID_BY, value=neutral(quote.speaker), inline=True)
    if quote.show_title:
        embed.add_field(name="Show", value=neutral(quote.show_title), inline=True)
    if quote.context:
        embed.add_field(name=CONTEXT, value=neutral(quote.context), inline=False)
    embed.add_field(name=REVIEW_SUBMITTED_BY, value=f"<@{quote.submitter_id}>", inline=False)
    return fit_embed(embed)


def _search_line(query: str, quote: Quote) -> str:
    before, match, after = (
        neutral(part) for part in excerpt(quote.text, highlight_span(quote.text, query), EXCERPT)
    )
    text = f"{before}**{match}**{after}" if match else before
    said_by = ", ".join(
        part
        for part in (
            neutral(quote.speaker_name),
            quote.show_title and f"*{neutral(quote.show_title)}*",
        )
        if part
    )
    mark = COMMUNITY_MARK if quote.community else ""
    return SEARCH_LINE.format(text=text, said_by=said_by + mark)


def _search_footer(shown: int, found: Found) -> str:
    total = found.total
    if total == 1:
        return SEARCH_FOOTER_ONE
    if found.more:
        return SEARCH_FOOTER_MORE.format(count=shown)
    if total > shown:
        return SEARCH_FOOTER_FIRST.format(count=shown, total=total)
    return SEARCH_FOOTER.format(total=total)


class SearchPages:
    """The pages of a search, PER_PAGE quotes each. The first page's quotes come with the
    search; each other page is read and built when first shown: most members only read the
    first, and reading fifty quotes would delay it. A built page is kept only while the
    database is unchanged: the pages are shared by every member who ran the same search, and a
    quote removed since (`/quote remove`) must leave the pages they turn to."""

    def __init__(self, db: Database, query: str, found: Found, guild_id: int | None) -> None:
        self.db = db
        self.query = query
        self.guild_id = guild_id
        self.keys = found.keys
        self.title = SEARCH_TITLE.format(query=escape_markdown(query.strip()[:100]))
        self.footer = _search_footer(len(found.keys), found)
        self._version = db.data_version()
        self._built = {0: self._build(found.quotes)}

    def __len__(self) -> int:
        return -(-len(self.keys) // PER_PAGE)

    async def page(self, index: int) -> discord.Embed:
        version = self.db.data_version()
        if version is None or version != self._version:  # changed, or no way to tell
            self._built.clear()
            self._version = version
        if index not in self._built:
            chunk = self.keys[index * PER_PAGE : (index + 1) * PER_PAGE]
            self._built[index] = self._build(
                await read_quotes(self.db, chunk, guild_id=self.guild_id, containing=self.query)
            )
        return self._built[index]

    def _build(self, quotes: list[Quote]) -> discord.Embed:
        text = "\n\n".join(_search_line(self.query, quote) for quote in quotes)
        embed = discord.Embed(title=self.title, description=text or SEARCH_GONE, colour=COLOUR)
        embed.set_footer(text=self.footer)
        return fit_embed(embed)


class QuotesCog(commands.GroupCog, group_name="quote", group_description="Memorable quotes"):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        # Per server: each server's own community quotes are searched too.
        self.searches: UntilChanged[SearchPages] = UntilChanged(bot.db)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.renderers["quote_of_the_day"] = self.render_quote_of_the_day

    async def cog_unload(self) -> None:
        self.bot.scheduler.renderers.pop("quote_of_the_day", None)

    async def render_quote_of_the_day(self, announcement: Announcement) -> OutgoingPost:
        """The scheduler's daily post: a random quote, pinging nobody."""
        quote = await random_quote(self.bot.db)
        if quote is None:
            raise PermanentFailure(NO_QUOTES_TO_POST)
        embed = quote_card(quote, await speaker_roles(self.bot.db, quote))
        embed.title = QUOTE_OF_THE_DAY
        return OutgoingPost(None, embed, discord.AllowedMentions.none())

    @app_commands.command(name="random")
    @app_commands.describe(
        show="Only quotes from this show (by default the server's featured show, if it has one)",
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
        # A blank option is one left out.
        chosen_show = await resolve_show(db, show, interaction.guild_id) if is_named(show) else None
        match = await resolve_name(db, person) if is_named(person) else None
        if chosen_show is None and match is None:
            # Neither chosen: the server's featured show, if it has one; else every show.
            chosen_show = await featured_show(db, interaction.guild_id)
        quote = await random_quote(
            db,
            show_id=chosen_show.id if chosen_show else None,
            person_id=match.id if match and match.kind == "person" else None,
            character_id=match.id if match and match.kind == "character" else None,
            guild_id=interaction.guild_id,
        )
        if quote is None:
            if match is not None:
                in_show = IN_SHOW.format(title=neutral(chosen_show.title)) if chosen_show else ""
                raise UserFacingError(NO_QUOTES_FOR.format(name=neutral(match.name), show=in_show))
            if chosen_show is not None:
                raise UserFacingError(NO_QUOTES_IN_SHOW.format(title=neutral(chosen_show.title)))
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
        key = (text, interaction.guild_id)
        pages = await self.searches.get(key, lambda: self._search(*key))
        await Paginator.send(interaction, pages, ephemeral=False)

    async def _search(self, text: str, guild_id: int | None) -> SearchPages:
        db = self.bot.db
        found = await find_quotes(db, text, RESULTS, guild_id=guild_id, read=PER_PAGE)
        if not found.keys:
            raise UserFacingError(NOTHING_FOUND.format(query=escape_markdown(text.strip())))
        return SearchPages(db, text, found, guild_id)

    # -- community quotes -----------------------------------------------------------------------

    @app_commands.command(name="add")
    @app_commands.guild_only()
    @app_commands.describe(
        text="The quote, word for word",
        speaker="Who said it",
        show="The show it's from; by default the server's featured show, or the only show",
        context="When or where it was said",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 1000],
        speaker: app_commands.Range[str, 1, 100],
        show: app_commands.Range[str, 1, 100] | None = None,
        context: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Submit a favourite quote; a moderator reviews it before it appears here."""
        if not fold_text(text):
            raise UserFacingError(NO_WORDS)
        if is_blank(speaker):
            raise UserFacingError(NO_SPEAKER)
        db = self.bot.db
        if is_named(show):
            chosen = await resolve_show(db, show, interaction.guild_id)
        else:
            chosen = await default_show(db, interaction.guild_id)
        try:
            quote = await submit_quote(
                db, guild_id=interaction.guild_id, show_id=chosen.id if chosen else None,
                text=text.strip(), speaker=speaker.strip(),
                context=None if context is None or is_blank(context) else context.strip(),
                submitter_id=interaction.user.id, now=self.bot.clock.now(),
            )  # fmt: skip
        except DuplicateQuote:
            raise UserFacingError(DUPLICATE) from None
        source = FROM_SHOW.format(title=neutral(chosen.title)) if chosen else ""
        await interaction.response.send_message(
            SUBMITTED.format(id=quote.id, source=source), ephemeral=True
        )

    @app_commands.command(name="withdraw")
    @app_commands.guild_only()
    @app_commands.rename(quote_id="id")
    @app_commands.describe(quote_id="The number you got when you submitted it")
    async def withdraw(
        self, interaction: discord.Interaction, quote_id: app_commands.Range[int, 1]
    ) -> None:
        """Take back a quote you submitted, while it waits for review."""
        quote = await self._community(interaction, quote_id)
        if quote.submitter_id != interaction.user.id:
            raise UserFacingError(NOT_YOURS.format(id=quote_id))
        changed = await change_state(
            self.bot.db, quote, from_states=("pending",), to_state="withdrawn",
            actor_id=interaction.user.id, now=self.bot.clock.now(),
        )  # fmt: skip
        if not changed:
            raise UserFacingError(
                NOT_PENDING.format(id=quote_id, state=quote.state, action="withdrawn")
            )
        await interaction.response.send_message(WITHDRAWN.format(id=quote_id), ephemeral=True)

    @app_commands.command(name="review")
    @app_commands.guild_only()
    @app_commands.check(is_moderator)
    async def review(self, interaction: discord.Interaction) -> None:
        """Moderators: approve or reject the quotes members submitted, one at a time."""
        quote = await next_pending(self.bot.db, interaction.guild_id)
        if quote is None:
            raise UserFacingError(NOTHING_TO_REVIEW)
        waiting = await count_pending(self.bot.db, interaction.guild_id)
        view = ReviewView(self, interaction.user.id, quote)
        await view.show(interaction, embed=review_card(quote, waiting), ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.guild_only()
    @app_commands.check(is_moderator)
    @app_commands.rename(quote_id="id")
    @app_commands.describe(quote_id="The community quote's number (its footer shows it)")
    async def remove(
        self, interaction: discord.Interaction, quote_id: app_commands.Range[int, 1]
    ) -> None:
        """Moderators: remove a community quote from this server."""
        quote = await self._community(interaction, quote_id)
        changed = await change_state(
            self.bot.db, quote, from_states=("pending", "approved"), to_state="removed",
            actor_id=interaction.user.id, now=self.bot.clock.now(),
        )  # fmt: skip
        if not changed:
            raise UserFacingError(
                NOT_PENDING.format(id=quote_id, state=quote.state, action="removed")
            )
        await interaction.response.send_message(REMOVED.format(id=quote_id), ephemeral=True)

    async def _community(self, interaction: discord.Interaction, quote_id: int) -> CommunityQuote:
        quote = await get_community_quote(self.bot.db, interaction.guild_id, quote_id)
        if quote is None:
            raise UserFacingError(UNKNOWN_COMMUNITY.format(id=quote_id))
        return quote

    async def decide(
        self, interaction: discord.Interaction, quote: CommunityQuote, approve: bool
    ) -> tuple[str, CommunityQuote | None]:
        """Record a review; return what to say and the next quote waiting, if any."""
        changed = await change_state(
            self.bot.db, quote, from_states=("pending",),
            to_state="approved" if approve else "rejected",
            actor_id=interaction.user.id, now=self.bot.clock.now(),
        )  # fmt: skip
        if not changed:
            now = await get_community_quote(self.bot.db, quote.guild_id, quote.id)
            state = now.state if now is not None else "removed"
            said = GONE_MEANWHILE.get(state, ALREADY_REVIEWED).format(id=quote.id)
        else:
            said = (APPROVED if approve else REJECTED).format(id=quote.id)
        return said, await next_pending(self.bot.db, quote.guild_id, after_id=quote.id)

    @add.autocomplete("show")
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


class ReviewView(View):
    """Approve and Reject under one pending quote; then the next one, until none are left."""

    def __init__(self, cog: QuotesCog, moderator_id: int, quote: CommunityQuote) -> None:
        super().__init__(cog.bot.in_use, timeout=REVIEW_TIMEOUT)
        self.cog = cog
        self.moderator_id = moderator_id
        self.quote = quote
        # While a decision is being recorded and shown, the panel still shows its quote: a
        # second press (a double click) would decide the next quote, which nobody has seen.
        self.deciding = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.moderator_id:
            await interaction.response.send_message(ONLY_REVIEWER, ephemeral=True)
            return False
        # The moderator may have lost the right since the panel opened (a role taken away).
        return await is_moderator(interaction)

    async def _decide(self, interaction: discord.Interaction, approve: bool) -> None:
        if self.deciding:
            await interaction.response.defer()
            return
        self.deciding = True
        try:
            await self._record(interaction, approve)
        finally:
            self.deciding = False

    async def _record(self, interaction: discord.Interaction, approve: bool) -> None:
        said, following = await self.cog.decide(interaction, self.quote, approve)
        if following is None:
            await interaction.response.edit_message(
                content=f"{said} {REVIEW_DONE}", embed=None, view=None
            )
            self.stop()
            return
        self.quote = following
        waiting = await count_pending(self.cog.bot.db, following.guild_id)
        await self.update(interaction, content=said, embed=review_card(following, waiting))

    async def on_timeout(self) -> None:
        await self.edit_shown(content=REVIEW_TIMED_OUT, embed=None, view=None)

    @discord.ui.button(label="Approve", style=discord.ButtonStyle.success)
    async def approve(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._decide(interaction, approve=True)

    @discord.ui.button(label="Reject", style=discord.ButtonStyle.danger)
    async def reject(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._decide(interaction, approve=False)


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(QuotesCog(bot))
