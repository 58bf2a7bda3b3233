"""Discord messages as terminal text: markdown, mentions, embeds with their colour bar, buttons.

Everything here is pure: a message is the JSON Discord would send, and `Names` says what the
ids in mentions are called. In a terminal the styles show; piped, the same text reads plainly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import StringIO
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

BAR = "▌ "
DEFAULT_BAR_COLOUR = "grey50"
PRIVATE = "only you can see this"
EDITED = "edited"
IMAGE = "Image: {url}"
THUMBNAIL = "Thumbnail: {url}"
ATTACHMENT = "Attached: {name}"
DISABLED = " (disabled)"
SUGGESTIONS = "Suggestions for {name}:"
NO_SUGGESTIONS = "No suggestions for {name}:{typed}."

BUTTON_STYLES = {
    1: "bold white on blue",
    2: "bold",
    3: "bold white on green",
    4: "bold white on red",
}

_MENTION = re.compile(r"<(#|@&|@!?)(\d+)>|<t:(-?\d+)(?::[tTdDfFR])?>|<a?(:\w+:)\d+>")
_INLINE = re.compile(
    r"\\(?P<escaped>[*_~`|>\\\[\]()])"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url><?https?://[^)\s>]+>?)\)"
    r"|\*\*(?P<bold>.+?)\*\*"
    r"|__(?P<underline>.+?)__"
    r"|\*(?P<italic>[^*\s](?:.*?[^*\s])?)\*"
    r"|(?<![\w])_(?P<italic2>[^_\s](?:.*?[^_\s])?)_(?![\w])"
    r"|~~(?P<strike>.+?)~~"
    r"|\|\|(?P<spoiler>.+?)\|\|",
    re.DOTALL,
)
_STYLES = {
    "bold": "bold",
    "underline": "underline",
    "italic": "italic",
    "italic2": "italic",
    "strike": "strike",
    "spoiler": "reverse",
}


@dataclass(frozen=True, slots=True)
class Names:
    """What the ids in mentions are called in this server."""

    channels: Mapping[int, str] = field(default_factory=dict)
    roles: Mapping[int, str] = field(default_factory=dict)
    users: Mapping[int, str] = field(default_factory=dict)

    def mention(self, kind: str, id_: int) -> str:
        if kind == "#":
            return f"#{self.channels.get(id_, 'unknown-channel')}"
        if kind == "@&":
            return f"@{self.roles.get(id_, 'unknown role')}"
        return f"@{self.users.get(id_, 'unknown user')}"


def resolve_mentions(text: str, names: Names) -> str:
    def replace(match: re.Match[str]) -> str:
        kind, id_, timestamp, emoji = match.groups()
        if timestamp is not None:
            moment = datetime.fromtimestamp(int(timestamp), UTC)
            return moment.strftime("%Y-%m-%d %H:%M UTC")
        if emoji is not None:
            return emoji
        return names.mention(kind, int(id_))

    return _MENTION.sub(replace, text)


def markdown(text: str, names: Names, style: str = "") -> Text:
    """Discord's markdown as styled text: bold, italics, code, links, quotes and headings."""
    out = Text(style=style)
    for index, line in enumerate(resolve_mentions(text, names).split("\n")):
        if index:
            out.append("\n")
        heading = re.match(r"#{1,3} (.*)", line)
        if heading:
            out.append_text(_inline(heading.group(1), "bold"))
        elif line.startswith(("> ", ">>> ")):
            out.append("│ ", style="dim")
            out.append_text(_inline(line.partition(" ")[2], "italic"))
        else:
            out.append_text(_inline(line, ""))
    return out


def _inline(text: str, style: str) -> Text:
    out = Text(style=style)
    position = 0
    for match in _INLINE.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind) if kind else ""
        if kind == "escaped":
            out.append(value)
        elif kind == "code":
            out.append(value, style="cyan")
        elif kind == "url":
            url = value.strip("<>")
            out.append(match.group("label"), style=Style(underline=True, link=url))
            out.append(f" ({url})", style="dim")
        elif kind in _STYLES:
            out.append_text(_inline(value, _STYLES[kind]))
    out.append(text[position:])
    return out


class ColourBar:
    """A renderable with Discord's coloured bar down its left side, wrapped to fit beside it."""

    def __init__(self, body: RenderableType, colour: str) -> None:
        self.body = body
        self.colour = colour

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - len(BAR), 10)
        lines = console.render_lines(self.body, options.update(width=width), pad=False)
        bar = Segment(BAR, Style(color=self.colour))
        for line in lines:
            yield bar
            yield from line
            yield Segment.line()


def render_embed(embed: Mapping[str, Any], names: Names) -> RenderableType:
    parts: list[RenderableType] = []
    author = (embed.get("author") or {}).get("name")
    if author:
        parts.append(Text(author, style="dim"))
    if embed.get("title"):
        parts.append(markdown(embed["title"], names, "bold"))
    if embed.get("description"):
        parts.append(markdown(embed["description"], names))
    for item in embed.get("fields") or ():
        parts.append(Text())
        parts.append(markdown(item.get("name", ""), names, "bold"))
        parts.append(markdown(item.get("value", ""), names))
    for key, label in (("image", IMAGE), ("thumbnail", THUMBNAIL)):
        url = (embed.get(key) or {}).get("url")
        if url:
            parts.append(Text(label.format(url=url), style="dim"))
    footer = [(embed.get("footer") or {}).get("text") or ""]
    if embed.get("timestamp"):
        footer.append(_timestamp(embed["timestamp"]))
    if any(footer):
        parts.append(Text())
        parts.append(Text(" • ".join(part for part in footer if part), style="dim"))
    colour = embed.get("color")
    return ColourBar(Group(*parts), f"#{colour:06x}" if colour is not None else DEFAULT_BAR_COLOUR)


def _timestamp(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def render_components(components: Iterable[Mapping[str, Any]]) -> Text | None:
    """Buttons as [ Label ] and select menus as [ placeholder ▾ ], on one line."""
    out = Text()
    for item in _walk(components):
        if item.get("type") == 2:
            label = item.get("label") or (item.get("emoji") or {}).get("name") or "button"
            style = "dim" if item.get("disabled") else BUTTON_STYLES.get(item.get("style"), "bold")
            if out:
                out.append("  ")
            out.append(f"[ {label} ]", style=style)
            if item.get("style") == 5 and item.get("url"):
                out.append(f" ({item['url']})", style="dim")
            if item.get("disabled"):
                out.append(DISABLED, style="dim")
        elif item.get("type") in (3, 5, 6, 7, 8):
            if out:
                out.append("  ")
            out.append(f"[ {item.get('placeholder') or 'choose'} ▾ ]", style="bold")
    return out or None


def _walk(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for item in components:
        yield item
        yield from _walk(item.get("components") or ())
        for key in ("component", "accessory"):
            if isinstance(item.get(key), Mapping):
                yield from _walk([item[key]])


def render_message(message: Mapping[str, Any], names: Names, heading: str) -> RenderableType:
    """One message under a heading such as "Test Bot" or "Test Bot in #announcements"."""
    top = Text(heading, style="bold")
    notes = []
    if int(message.get("flags") or 0) & 64:
        notes.append(PRIVATE)
    if message.get("edited_timestamp") and not notes:
        notes.append(EDITED)
    if notes:
        top.append(f" ({', '.join(notes)})", style="yellow")
    parts: list[RenderableType] = [top]
    if message.get("content"):
        parts.append(markdown(message["content"], names))
    for embed in message.get("embeds") or ():
        parts.append(render_embed(embed, names))
    for attachment in message.get("attachments") or ():
        parts.append(Text(ATTACHMENT.format(name=attachment.get("filename")), style="dim"))
    buttons = render_components(message.get("components") or ())
    if buttons is not None:
        parts.append(buttons)
    return Group(*parts)


def notice(text: str) -> Text:
    """A word from the sandbox itself, as opposed to the bot."""
    return Text(text, style="cyan")


def render_choices(option: str, typed: str, choices: list[Mapping[str, Any]]) -> RenderableType:
    if not choices:
        return Text(NO_SUGGESTIONS.format(name=option, typed=typed), style="yellow")
    lines = Text(SUGGESTIONS.format(name=option), style="bold")
    for choice in choices:
        lines.append(f"\n  {choice['name']}", style="")
        if str(choice["value"]) != choice["name"]:
            lines.append(f"  ({option}:{choice['value']})", style="dim")
    return lines


def plain_text(renderables: Iterable[RenderableType], width: int = 100) -> str:
    """What the renderables look like without colour, without the spaces that pad lines."""
    console = Console(file=StringIO(), width=width, color_system=None, emoji=False, highlight=False)
    for renderable in renderables:
        console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
