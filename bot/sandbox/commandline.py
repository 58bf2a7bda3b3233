"""What a line typed at the sandbox prompt means: a slash command, a button press, or a verb.

A slash command is typed as in Discord, with each option as `name:value`:

    /who name:Ok Taec-yeon
    /announce post channel:#announcements ping:@Watch Party

A value runs until the next ` word:` whose word is an option of that command, so it may hold
spaces (and colons that are not option names). Quote it, "like this" or 'like this', to keep
` option:` inside it; `\\"` is a quote inside a quoted value. A `?` at the end of an option
that has suggestions asks for them (`/who name:tae?`) instead of running the command.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn

from bot.emulator import commands as kinds
from bot.emulator.limits import INTEGER_MAX, NUMBER_MAX
from bot.sandbox.catalog import Catalog, CommandSpec, OptionSpec

PEOPLE = ("member", "admin")
VERBS = ("help", "as", "press", "channels", "log", "quit", "exit")
TRUE = ("true", "yes", "y", "1", "on")
FALSE = ("false", "no", "n", "0", "off")

EMPTY_SLASH = "Type a command after the slash. The commands: {commands}."
UNKNOWN_COMMAND = "There is no /{name} command.{hint} The commands: {commands}."
NEEDS_SUBCOMMAND = "/{path} needs one more word: {choices}. For example: /{path} {first}"
UNKNOWN_SUBCOMMAND = "/{path} has no {word!r}. Choose one of: {choices}."
DID_YOU_MEAN = " Did you mean /{name}?"
NOT_AN_OPTION = (
    "I can't tell which option {text!r} is for. Write options as name:value, for example {example}"
)
NO_OPTIONS = "/{path} takes no options, so {text!r} can't go anywhere."
UNKNOWN_OPTION = "/{path} has no option {name!r}. {options}"
OPTIONS_ARE = "Its options: {names}."
TWICE = "You gave {name}: twice; give it once."
NO_VALUE = "{name}: needs a value after the colon."
UNCLOSED_QUOTE = "The quoted value of {name}: has no closing {quote}."
AFTER_QUOTE = "Leave a space after the quoted value of {name}:."
MISSING = "/{path} needs {name}: ({description}). For example: {example}"
TOO_SHORT = "{name}: needs at least {limit} characters."
TOO_LONG = "{name}: can be at most {limit} characters; that was {length}."
NOT_A_NUMBER = "{name}: needs a {kind}, not {value!r}."
TOO_SMALL = "{name}: must be at least {limit}."
TOO_BIG = "{name}: must be at most {limit}."
NOT_A_CHOICE = "{name}: must be one of {choices}."
NO_SUGGESTIONS = "{name}: has no suggestions to show; type a value instead."
UNKNOWN_VERB = (
    "I don't know {word!r}. Type a slash command such as /show info, or help to see what you "
    "can do here."
)
AS_WHO = "Type as admin or as member: those are the two people in this server."
PRESS_WHAT = "Type press and a button's label, for example: press Post"
TAKES_NOTHING = "{verb} takes nothing after it."
NOT_UTF8 = (
    "Part of that line is not UTF-8 text, so Discord could not send it. Type it again, or save "
    "the file as UTF-8."
)

_OPTION_START = re.compile(r"([A-Za-z0-9_-]+):")
# Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape): nothing can send them.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")


class InputError(Exception):
    """The line can't be sent as it is; the message says why, politely, and how to fix it."""


@dataclass(frozen=True, slots=True)
class Slash:
    spec: CommandSpec
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suggest:
    """`/who name:tae?`: show the bot's suggestions for `focused` as typed so far."""

    spec: CommandSpec
    options: dict[str, Any]
    focused: OptionSpec
    typed: str


@dataclass(frozen=True, slots=True)
class Press:
    label: str


@dataclass(frozen=True, slots=True)
class SwitchUser:
    name: str


@dataclass(frozen=True, slots=True)
class Verb:
    """help, channels, log [#channel], quit."""

    name: str
    argument: str = ""


Action = Slash | Suggest | Press | SwitchUser | Verb


def runs_nothing(line: str) -> bool:
    """A blank line, or a # comment."""
    text = line.strip()
    return not text or text.startswith("#")


def parse_line(line: str, catalog: Catalog) -> Action | None:
    """The action a typed line asks for; None for a blank line or a # comment."""
    if runs_nothing(line):
        return None
    text = line.strip()
    if not_utf8(text):
        raise InputError(NOT_UTF8)
    if text.startswith("/"):
        return parse_slash(text[1:], catalog)
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if word in ("help", "?"):
        return Verb("help")
    if word in ("quit", "exit", "q"):
        return Verb("quit") if not rest else _takes_nothing(word)
    if word == "channels":
        return Verb("channels") if not rest else _takes_nothing(word)
    if word == "log":
        return Verb("log", rest.lstrip("#"))
    if word == "as":
        name = rest.lower().lstrip("@")
        if name not in PEOPLE:
            raise InputError(AS_WHO)
        return SwitchUser(name)
    if word == "press":
        if not rest:
            raise InputError(PRESS_WHAT)
        return Press(_unquote(rest))
    raise InputError(UNKNOWN_VERB.format(word=word))


def not_utf8(text: str) -> bool:
    """Whether `text` holds bytes that were not UTF-8 (read with errors="surrogateescape")."""
    return _NOT_UTF8.search(text) is not None


def _takes_nothing(verb: str) -> NoReturn:
    raise InputError(TAKES_NOTHING.format(verb=verb))


def parse_slash(text: str, catalog: Catalog) -> Slash | Suggest:
    spec, rest = find_command(text, catalog)
    pairs = split_options(rest, spec)
    suggest = _suggestion_request(pairs, spec)
    options: dict[str, Any] = {}
    for name, raw, _quoted in pairs:
        if suggest is not None and name == suggest[0].name:
            continue
        options[name] = convert(spec.option(name), raw)  # type: ignore[arg-type]
    if suggest is not None:
        return Suggest(spec, options, suggest[0], suggest[1])
    for option in spec.options:
        if option.required and option.name not in options:
            raise InputError(
                MISSING.format(
                    path=spec.path,
                    name=option.name,
                    description=option.description or option.kind,
                    example=example(spec),
                )
            )
    return Slash(spec, options)


def find_command(text: str, catalog: Catalog) -> tuple[CommandSpec, str]:
    """The command named at the start of `text` (after the slash), and the rest of the text."""
    words = text.split(None, 3)
    if not words:
        raise InputError(EMPTY_SLASH.format(commands=_list_commands(catalog)))
    path = ""
    for index, word in enumerate(words):
        candidate = f"{path} {word.lower()}".strip()
        spec = catalog.get(candidate)
        if spec is not None:
            rest = text.split(None, index + 1)[index + 1] if len(words) > index + 1 else ""
            return spec, rest
        children = catalog.children(candidate)
        if children:
            path = candidate
            continue
        if not path:
            close = difflib.get_close_matches(word.lower(), catalog.top_level, n=1)
            hint = DID_YOU_MEAN.format(name=close[0]) if close else ""
            raise InputError(
                UNKNOWN_COMMAND.format(name=word, hint=hint, commands=_list_commands(catalog))
            )
        raise InputError(
            UNKNOWN_SUBCOMMAND.format(
                path=path, word=word, choices=", ".join(catalog.children(path))
            )
        )
    children = catalog.children(path)
    raise InputError(
        NEEDS_SUBCOMMAND.format(path=path, choices=", ".join(children), first=children[0])
    )


def split_options(text: str, spec: CommandSpec) -> list[tuple[str, str, bool]]:
    """`name:value` pairs as (name, raw value, whether it was quoted), in the order typed."""
    names = [o.name for o in spec.options]
    if not names:
        if text.strip():
            raise InputError(NO_OPTIONS.format(path=spec.path, text=text.strip()))
        return []
    next_option = re.compile(r"\s+(?:" + "|".join(map(re.escape, names)) + r"):")
    pairs: list[tuple[str, str, bool]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return pairs
        match = _OPTION_START.match(text, position)
        if match is None:
            loose = text[position:].strip()
            raise InputError(NOT_AN_OPTION.format(text=loose, example=example(spec, loose)))
        name = match.group(1).lower()
        if name not in names:
            raise InputError(
                UNKNOWN_OPTION.format(
                    path=spec.path, name=name, options=OPTIONS_ARE.format(names=", ".join(names))
                )
            )
        if any(seen == name for seen, _, _ in pairs):
            raise InputError(TWICE.format(name=name))
        position = match.end()
        if position < len(text) and text[position] in "\"'":
            value, position = _read_quoted(text, position, name)
            pairs.append((name, value, True))
            continue
        following = next_option.search(text, position)
        end = following.start() if following else len(text)
        value = text[position:end].strip()
        if not value:
            raise InputError(NO_VALUE.format(name=name))
        pairs.append((name, value, False))
        position = end


def _read_quoted(text: str, start: int, name: str) -> tuple[str, int]:
    quote = text[start]
    chars: list[str] = []
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text) and text[position + 1] in (quote, "\\"):
            chars.append(text[position + 1])
            position += 2
            continue
        if char == quote:
            position += 1
            if position < len(text) and not text[position].isspace():
                raise InputError(AFTER_QUOTE.format(name=name))
            return "".join(chars), position
        chars.append(char)
        position += 1
    raise InputError(UNCLOSED_QUOTE.format(name=name, quote=quote))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _suggestion_request(
    pairs: list[tuple[str, str, bool]], spec: CommandSpec
) -> tuple[OptionSpec, str] | None:
    """The option whose unquoted value ends with `?`, if it has suggestions to ask for."""
    if not pairs:
        return None
    name, raw, quoted = pairs[-1]
    option = spec.option(name)
    if quoted or not raw.endswith("?") or option is None:
        return None
    if not (option.autocomplete or option.choices):
        if raw == "?":
            raise InputError(NO_SUGGESTIONS.format(name=name))
        return None  # a question mark that belongs to the value, as in text:why?
    return option, raw[:-1].rstrip()


def convert(option: OptionSpec, raw: str) -> Any:
    """The typed text as the value Discord would send for this option."""
    name = option.name
    if option.choices:
        for choice in option.choices:
            if raw.lower() in (choice.name.lower(), str(choice.value).lower()):
                return choice.value
        names = ", ".join(choice.name for choice in option.choices)
        raise InputError(NOT_A_CHOICE.format(name=name, choices=names))
    if option.type == kinds.STRING:
        if option.min_length is not None and len(raw) < option.min_length:
            raise InputError(TOO_SHORT.format(name=name, limit=option.min_length))
        if option.max_length is not None and len(raw) > option.max_length:
            raise InputError(TOO_LONG.format(name=name, limit=option.max_length, length=len(raw)))
        return raw
    if option.type in (kinds.INTEGER, kinds.NUMBER):
        return _number(option, raw)
    if option.type == kinds.BOOLEAN:
        if raw.lower() in TRUE:
            return True
        if raw.lower() in FALSE:
            return False
        raise InputError(NOT_A_NUMBER.format(name=name, kind=option.kind, value=raw))
    if option.type == kinds.CHANNEL:
        return raw.lstrip("#")
    if option.type in (kinds.ROLE, kinds.USER, kinds.MENTIONABLE):
        return raw.lstrip("@")
    return raw


# What Discord's number boxes take: plain digits, a sign, and for a number a decimal point.
# Python's int and float read more ("1_0", Arabic-Indic digits, "nan", "inf").
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _number(option: OptionSpec, raw: str) -> int | float:
    whole = option.type == kinds.INTEGER
    if not (_WHOLE_NUMBER if whole else _NUMBER).fullmatch(raw):
        raise InputError(NOT_A_NUMBER.format(name=option.name, kind=option.kind, value=raw))
    value: int | float = int(raw) if whole else float(raw)
    # Discord sends no number beyond its own range, whatever the option's limits.
    widest = INTEGER_MAX if option.type == kinds.INTEGER else NUMBER_MAX
    low = -widest if option.min_value is None else option.min_value
    high = widest if option.max_value is None else option.max_value
    if value < low:
        raise InputError(TOO_SMALL.format(name=option.name, limit=low))
    if value > high:
        raise InputError(TOO_BIG.format(name=option.name, limit=high))
    return value


def example(spec: CommandSpec, value: str = "…") -> str:
    """`/who name:…`, or `/who name:Taecyeon` with the value someone typed without its name."""
    wanted = [o for o in spec.options if o.required] or list(spec.options[:1])
    return " ".join([f"/{spec.path}", *(f"{o.name}:{value}" for o in wanted[:1])])


def _list_commands(catalog: Catalog) -> str:
    return ", ".join(f"/{name}" for name in catalog.top_level)


def completions(before_cursor: str, catalog: Catalog, values: dict[str, list[str]]) -> list[str]:
    """What Tab may complete the last word of `before_cursor` to.

    `values` offers words for some option types and verbs: "channel", "role", "press".
    """
    words = before_cursor.split(" ")
    current = words[-1]
    typed = [w for w in words[:-1] if w]
    if not typed:
        starts = [f"/{name}" for name in catalog.top_level] + list(VERBS)
        return [s + " " for s in starts if s.startswith(current)]
    first = typed[0].lower()
    if first == "as" and len(typed) == 1:
        return [p for p in PEOPLE if p.startswith(current)]
    if first == "press" and len(typed) == 1:
        return [label for label in values.get("press", []) if label.startswith(current)]
    if first == "log" and len(typed) == 1:
        return [f"#{c}" for c in values.get("channel", []) if f"#{c}".startswith(current)]
    if not first.startswith("/"):
        return []
    path = first[1:]
    for word in typed[1:]:
        if catalog.get(path) is not None:
            break
        path = f"{path} {word.lower()}"
    spec = catalog.get(path)
    if spec is None:
        return [w + " " for w in catalog.children(path) if w.startswith(current)]
    name, colon, value = current.partition(":")
    if colon:
        option = spec.option(name)
        kind = {kinds.CHANNEL: "channel", kinds.ROLE: "role"}.get(option.type) if option else None
        prefix = "#" if kind == "channel" else "@" if kind == "role" else ""
        pool = [c.name for c in option.choices] if option and option.choices else []
        pool += [prefix + v for v in values.get(kind or "", [])]
        return [f"{name}:{v}" for v in pool if v.lower().startswith(value.lower())]
    used = {w.partition(":")[0] for w in typed if ":" in w}
    return [f"{o.name}:" for o in spec.options if o.name not in used and o.name.startswith(current)]
