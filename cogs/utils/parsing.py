"""Parsing what admins type into options: colours and image URLs. No Discord I/O here."""

from __future__ import annotations

from urllib.parse import urlsplit

import discord

NAMED_COLOURS = {
    "red": discord.Colour.red,
    "orange": discord.Colour.orange,
    "gold": discord.Colour.gold,
    "yellow": discord.Colour.yellow,
    "green": discord.Colour.green,
    "teal": discord.Colour.teal,
    "blue": discord.Colour.blue,
    "blurple": discord.Colour.blurple,
    "purple": discord.Colour.purple,
    "magenta": discord.Colour.magenta,
    "pink": discord.Colour.pink,
}
MAX_URL = 2048


def parse_colour(text: str) -> discord.Colour:
    """'#ff8800', 'ff8800', '0xff8800', '#f80', 'rgb(255, 136, 0)' or a name like 'pink'.

    Raises ValueError when the text is none of these.
    """
    value = text.strip().lower()
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]()
    if len(value) in (3, 6) and all(char in "0123456789abcdef" for char in value):
        value = "#" + value
    try:
        return discord.Colour.from_str(value)
    except (ValueError, IndexError):
        raise ValueError(text) from None


def parse_image_url(text: str) -> str:
    """An http(s) URL with a host, as Discord accepts for embed images. Raises ValueError."""
    value = text.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError(text) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(value) > MAX_URL
        or any(char.isspace() for char in value)
    ):
        raise ValueError(text)
    return value
