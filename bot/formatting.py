"""Keeping text and embeds within Discord's documented limits, cutting cleanly when needed."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotations: the `db` command line uses this module without discord.py
    import discord

# Discord's limits for embeds and messages (see the Message and Embed reference).
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
MESSAGE_CONTENT = 2000
CHOICES = 25
CHOICE_TEXT = 100

ELLIPSIS = "…"
AND_MORE = "… and {count} more"
AND = " and "


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary where one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def bullet_lines(lines: list[str], limit: int = FIELD_VALUE, separator: str = "\n") -> str:
    """Lines, or with separator=", " a list of names, joined within `limit`; the ones that do not
    fit become '… and N more', so none is shown cut."""
    shown: list[str] = []
    for index, line in enumerate(lines):
        remaining = len(lines) - index - 1
        more = separator + AND_MORE.format(count=remaining) if remaining else ""
        candidate = separator.join([*shown, truncate(line, limit)])
        if len(candidate) + len(more) > limit:
            return separator.join([*shown, AND_MORE.format(count=len(lines) - index)])
        shown.append(truncate(line, limit))
    return separator.join(shown)


def joined_names(names: list[str], limit: int = FIELD_VALUE) -> str:
    """'A', 'A and B', 'A, B and C'; when that is longer than `limit`, as many as fit and
    '… and N more' (see bullet_lines)."""
    if len(names) < 2:
        return truncate(names[0], limit) if names else ""
    natural = f"{', '.join(names[:-1])}{AND}{names[-1]}"
    return natural if len(natural) <= limit else bullet_lines(names, limit, separator=", ")


def excerpt(text: str, span: tuple[int, int] | None, width: int) -> tuple[str, str, str]:
    """The text around a match as (before, match, after), cut to about `width` characters."""
    if span is None:
        return truncate(text, width), "", ""
    start, end = span
    room = max(width - (end - start), 0)
    before, match, after = text[:start], text[start:end], text[end:]
    if len(before) > room // 2:
        before = ELLIPSIS + before[len(before) - room // 2 :].lstrip()
    if len(after) > room - len(before):
        after = after[: max(room - len(before), 0)].rstrip() + ELLIPSIS
    return before, match, after


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim an embed so every part, and the total, is within Discord's limits."""
    if embed.title:
        embed.title = truncate(embed.title, EMBED_TITLE)
    if embed.description:
        embed.description = truncate(embed.description, EMBED_DESCRIPTION)
    while len(embed.fields) > EMBED_FIELDS:
        embed.remove_field(-1)
    for index, field in enumerate(embed.fields):
        embed.set_field_at(
            index,
            name=truncate(field.name or "\u200b", FIELD_NAME),
            value=truncate(field.value or "\u200b", FIELD_VALUE),
            inline=field.inline,
        )
    if embed.footer.text:
        footer = embed.footer
        embed.set_footer(text=truncate(footer.text, FOOTER_TEXT), icon_url=footer.icon_url)
    # Over the total: drop fields from the end first, then shorten the description.
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)
    if len(embed) > EMBED_TOTAL and embed.description:
        excess = len(embed) - EMBED_TOTAL
        embed.description = truncate(embed.description, len(embed.description) - excess)
    return embed


# Everything discord.py's two escapes act on: markdown characters, a line starting with >, # or -,
# and @ (a link is left as it is). Most texts have none of them, and skip both passes.
_NEEDS_ESCAPING = re.compile(r"[_\\~|*`>\[#@]|^\s*-", re.MULTILINE)


def neutral(text: str) -> str:
    """Text from the data or a member shown as plain text: no markdown, and no mention that
    could ping or render."""
    if _NEEDS_ESCAPING.search(text) is None:
        return text
    from discord.utils import escape_markdown, escape_mentions  # here: see the imports above

    return escape_mentions(escape_markdown(text))


def is_blank(text: str) -> bool:
    """Whether the text shows nothing: only spaces and invisible characters (zero-width spaces,
    direction marks), which Discord's client lets a member send."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def inline_code(text: str) -> str:
    """User input shown verbatim in a code span; a backtick would end the span, so it is swapped."""
    return "`" + (text.replace("`", "ˋ") or " ") + "`"


def plural(count: int, one: str, many: str) -> str:
    """'1 show', '4 shows'; the caller gives both forms ('person', 'people')."""
    return f"{count} {one if count == 1 else many}"


_COUNTED = (
    ("shows", "show", "shows"),
    ("people", "person", "people"),
    ("characters", "character", "characters"),
    ("quotes", "quote", "quotes"),
)


def content_summary(counts: object, separator: str = ", ") -> str:
    """'1 show, 4 people, 2 characters, 9 quotes' from anything with those four counts."""
    return separator.join(plural(getattr(counts, key), one, many) for key, one, many in _COUNTED)


def choice_text(text: str) -> str:
    """An autocomplete choice's name or value, within 1 to 100 characters."""
    return truncate(text, CHOICE_TEXT) or "?"
