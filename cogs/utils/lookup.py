"""Resolving what a member typed into a show or a person, and the autocomplete that helps them.

Shared by /show, /who and /quote, so every command finds things the same way.
"""

from __future__ import annotations

import re
from typing import Literal

import discord
from discord import app_commands

from bot.db import Database
from bot.db.guild_settings import get_settings
from bot.db.people import (
    NameMatch,
    character_shows,
    entity_names,
    nearest_names,
    search_names,
)
from bot.db.shows import (
    Show,
    find_show,
    get_show,
    list_shows,
    nearest_titles,
    search_show_titles,
)
from bot.errors import UserFacingError
from bot.formatting import CHOICE_TEXT, CHOICES, choice_text, neutral, truncate
from bot.search import fold_name

NO_SHOWS = "No shows are loaded yet. An admin can load them with `kdrama-bot db seed`."
WHICH_SHOW = (
    "I know several shows: which one? Pick it with the `title` option: {titles}. An admin can "
    "set a default with `/settings featured-show`."
)
UNKNOWN_SHOW = "I don't know a show called **{title}**. I know: {titles}."
UNKNOWN_SHOW_NEAR = "I don't know a show called **{title}**. Did you mean {names}?"
UNKNOWN_NAME = "I couldn't find anyone called **{name}**."
DID_YOU_MEAN = " Did you mean {names}?"
EMPTY_NAME = "Type a name to look up, in any script: a person, a character or an alias."
# After a name that other choices share: whose it is.
A_PERSON = "person"
IN_SHOW = "character in {show}"
# Titles are up to 200 characters: ten of them in full would not fit in one message.
TITLES_LISTED = 10
TITLE_LENGTH = 60
# A picked choice sends its value, at most 100 characters: the title or name itself when it fits.
# A longer one is sent as its start and the key of what it names ("The long title… #show-12"),
# since its start alone may begin another title too; so is a name that another choice offered
# with it shares ("Johan Hwang #character-7"). Ids survive a re-seed (bot/content/seed.py).
KEY = " #{kind}-{id}"
_KEY = re.compile(r" #(show|person|character)-([0-9]+)\Z")

Kind = Literal["show", "person", "character"]


def is_named(text: str | None) -> bool:
    """Whether a typed title or name holds a letter or digit: only spaces, punctuation or
    invisible characters name nothing, the same as leaving the option out."""
    return text is not None and bool(fold_name(text))


def _titles(shows: list[Show]) -> str:
    # Cut before escaping, which can double a title's length.
    return ", ".join(
        f"*{neutral(truncate(show.title, TITLE_LENGTH))}*" for show in shows[:TITLES_LISTED]
    )


async def resolve_show(db: Database, title: str | None, guild_id: int | None = None) -> Show:
    """The show the member means; when they gave none, the server's featured show, or the only
    show. Raises UserFacingError."""
    if not is_named(title):
        show = await default_show(db, guild_id)
        if show is not None:
            return show
        shows = await list_shows(db)
        if not shows:
            raise UserFacingError(NO_SHOWS)
        raise UserFacingError(WHICH_SHOW.format(titles=_titles(shows)))
    show = await _picked_show(db, title)
    if show is not None:
        return show
    show = await find_show(db, title)
    if show is not None:
        return show
    candidates = await search_show_titles(db, title, limit=2)
    if len(candidates) == 1:
        return candidates[0]
    shows = await list_shows(db, limit=TITLES_LISTED + 1)
    if not shows:
        raise UserFacingError(NO_SHOWS)
    unknown = discord.utils.escape_markdown(title)
    suggestions = await nearest_titles(db, title)
    if suggestions:
        names = " or ".join(f"*{neutral(truncate(s, TITLE_LENGTH))}*" for s in suggestions)
        raise UserFacingError(UNKNOWN_SHOW_NEAR.format(title=unknown, names=names))
    raise UserFacingError(UNKNOWN_SHOW.format(title=unknown, titles=_titles(shows)))


async def default_show(db: Database, guild_id: int | None) -> Show | None:
    """The show meant when a member names none: the server's featured show, or the only show;
    None when there are several and none is featured, or none at all."""
    show = await featured_show(db, guild_id)
    if show is not None:
        return show
    shows = await list_shows(db, limit=2)
    return shows[0] if len(shows) == 1 else None


async def featured_show(db: Database, guild_id: int | None) -> Show | None:
    """The server's featured show (`/settings featured-show`), if it has one."""
    if guild_id is None:
        return None
    featured = (await get_settings(db, guild_id)).featured_show_id
    return await get_show(db, featured) if featured is not None else None


async def resolve_name(db: Database, name: str) -> NameMatch:
    """The person or character the member means: an exact name or alias, else the best match."""
    if not is_named(name):
        raise UserFacingError(EMPTY_NAME)
    picked = await _picked_name(db, name)
    if picked is not None:
        return picked
    found = await search_names(db, name, limit=1)  # an exact name or alias comes first
    if found:
        return found[0]
    message = UNKNOWN_NAME.format(name=discord.utils.escape_markdown(name.strip()[:100]))
    suggestions = await nearest_names(db, name)
    if suggestions:
        message += DID_YOU_MEAN.format(names=" or ".join(f"**{neutral(s)}**" for s in suggestions))
    raise UserFacingError(message)


def choice_value(text: str, kind: Kind, entity_id: int, keyed: bool = False) -> str:
    """What picking the choice for `text` sends: the text, or its start and its key (see KEY),
    when it is too long or, `keyed`, another choice offered with it has the same text."""
    if len(text) <= CHOICE_TEXT and not keyed:
        return text
    key = KEY.format(kind=kind, id=entity_id)
    return truncate(text, CHOICE_TEXT - len(key)) + key


def _key(text: str) -> tuple[str, int] | None:
    found = _KEY.search(text)
    return None if found is None else (found[1], int(found[2]))


async def _picked_show(db: Database, text: str) -> Show | None:
    """The show whose keyed choice this is, if it is exactly the value offered for one."""
    key = _key(text)
    if key is None or key[0] != "show":
        return None
    show = await get_show(db, key[1])
    if show is None or choice_value(show.title, "show", show.id) != text:
        return None
    return show


async def _picked_name(db: Database, text: str) -> NameMatch | None:
    """The person or character whose keyed choice this is, if it is exactly the value offered
    for one of their names."""
    key = _key(text)
    if key is None or key[0] == "show":
        return None
    kind, entity_id = key
    for match in await entity_names(db, kind, entity_id):
        if text in (
            choice_value(match.matched, match.kind, match.id),
            choice_value(match.matched, match.kind, match.id, keyed=True),
        ):
            return match
    return None


def _choices(
    offered: list[tuple[str, str, Kind, int]], keyed: frozenset[int] = frozenset()
) -> list[app_commands.Choice[str]]:
    """Each (label, text, kind, id): the label is shown, cut to fit; the text is sent, with its
    key for the places in `keyed`."""
    return [
        app_commands.Choice(
            name=choice_text(label), value=choice_value(text, kind, entity_id, place in keyed)
        )
        for place, (label, text, kind, entity_id) in enumerate(offered[:CHOICES])
    ]


async def show_choices(db: Database, current: str) -> list[app_commands.Choice[str]]:
    shows = await search_show_titles(db, current, limit=CHOICES)
    return _choices([(show.title, show.title, "show", show.id) for show in shows])


async def name_choices(db: Database, current: str) -> list[app_commands.Choice[str]]:
    """People and characters matching `current`. Choices whose names are the same (characters
    of two shows, or a person and a character) say which is which, and send their keys: the name
    alone would find the first of them."""
    matches = await search_names(db, current, limit=CHOICES)
    by_name: dict[str, list[int]] = {}
    for place, match in enumerate(matches):
        by_name.setdefault(fold_name(match.matched), []).append(place)
    shared = frozenset(place for places in by_name.values() if len(places) > 1 for place in places)
    shows = await character_shows(
        db, [matches[place].id for place in shared if matches[place].kind == "character"]
    )
    offered: list[tuple[str, str, Kind, int]] = []
    for place, match in enumerate(matches):
        label = match.name if match.matched == match.name else f"{match.matched} ({match.name})"
        if place in shared:
            show = shows.get(match.id)  # None if it was removed a moment ago
            where = A_PERSON if match.kind == "person" else IN_SHOW.format(show=show or "?")
            label = f"{label} · {where}"
        offered.append((label, match.matched, match.kind, match.id))
    return _choices(offered, shared)
