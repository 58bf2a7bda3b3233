"""The line each field of a data file is on, which `tomllib` does not say.

`field_lines(text)` maps the field paths the loader reports (`show.title`, `quotes[3].speaker`,
`show.settings[1]`) to the line each one starts on. `line_of(field, lines)` looks a path up,
falling back to what encloses it: a field that is missing is reported on its table's header
(`[[quotes]]`), and a path with no line at all (`(file)`) gets None.

Only the structure of the text is read (table headers, keys, arrays, inline tables, and strings
and comments, so that nothing inside them is taken for a key), never the values. It is meant
for text `tomllib` has accepted; on anything else it keeps what it found before the first thing
it does not understand, and never raises.
"""

from __future__ import annotations

import contextlib
import re
import tomllib

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A number, boolean or date: everything up to what ends a value.
_SCALAR = re.compile(r"[^,\]}#\r\n]*")
# The last part of a path: `[3]` or `.speaker`.
_LAST_PART = re.compile(r"(?:\[\d+\]|\.[^.\[\]]*)$")
# Spaces, tabs and comments; the second also line ends.
_BLANK = re.compile(r"(?:[ \t]|#[^\n]*)*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
# TOML's four kinds of string. Up to two quotes may stand just inside a closing """ or '''.
_STRINGS = {
    '"""': re.compile(r'"""(?:[^"\\]|\\.|""?(?!"))*"{3,5}', re.DOTALL),
    "'''": re.compile(r"'''(?:[^']|''?(?!'))*'{3,5}"),
    '"': re.compile(r'"(?:[^"\\\n]|\\.)*"'),
    "'": re.compile(r"'[^'\n]*'"),
}


# The most common line, `key = "text"` (or a number, or a boolean), taken in one step: a file
# of 100,000 quotes has 300,000 of them.
_SIMPLE_ENTRY = re.compile(
    r"(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*"
    r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[\w.:+-]+)"""
    r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)"
)


class _Stop(Exception):
    """The text stops making sense here; keep the lines found so far."""


def field_lines(text: str) -> dict[str, int]:
    """Every field path the text defines -> its line, counted from 1."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop):
        scanner.document()
    return scanner.lines


def line_of(field: str, lines: dict[str, int]) -> int | None:
    """The line of `field`, or of the nearest table or array that holds it; None if neither."""
    while field not in lines:
        shorter = _LAST_PART.sub("", field, count=1)
        if shorter == field:
            return None
        field = shorter
    return lines[field]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[str, int] = {}

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def advance(self, count: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + count)
        self.pos += count

    def expect(self, token: str) -> None:
        if not self.at(token):
            raise _Stop
        self.advance(len(token))

    def mark(self, path: str, line: int) -> None:
        # The first line wins: `quotes` is where the first [[quotes]] is.
        self.lines.setdefault(path, line)

    def skip(self, pattern: re.Pattern[str]) -> str:
        """Skip what `pattern` matches here (raising _Stop if nothing does); return it."""
        match = pattern.match(self.text, self.pos)
        if match is None:
            raise _Stop
        self.advance(match.end() - self.pos)
        return match.group()

    def skip_blank(self, *, newlines: bool) -> None:
        """Skip spaces, tabs and comments; with `newlines`, line ends as well."""
        self.skip(_BLANK_LINES if newlines else _BLANK)

    def document(self) -> None:
        table = ""
        # Each array of tables (by its path, without the index) -> the index of its last table.
        arrays: dict[str, int] = {}
        while True:
            self.skip_blank(newlines=True)
            if self.done():
                return
            line = self.line
            simple = _SIMPLE_ENTRY.match(self.text, self.pos)
            if simple:
                self.mark(_join(table, simple["key"]), line)
                self.advance(simple.end() - self.pos)
                continue
            if self.at("["):
                array = self.at("[[")
                self.advance(2 if array else 1)
                keys = self.key()
                self.expect("]]" if array else "]")
                table = self.header(keys, arrays, line, array=array)
            else:
                self.assign(table, self.key(), line)
            self.skip_blank(newlines=False)
            if not (self.done() or self.at("\n") or self.at("\r\n")):
                raise _Stop

    def header(self, keys: list[str], arrays: dict[str, int], line: int, *, array: bool) -> str:
        """The path of the table a header opens: `[[quotes]]` -> `quotes[3]`."""
        path = ""
        for key in keys[:-1]:
            path = _join(path, key)
            if path in arrays:  # [quotes.extra] belongs to the last [[quotes]]
                path += f"[{arrays[path]}]"
        path = _join(path, keys[-1])
        if array:
            self.mark(path, line)
            arrays[path] = arrays.get(path, -1) + 1
            path += f"[{arrays[path]}]"
        self.mark(path, line)
        return path

    def key(self) -> list[str]:
        """A key, dotted or not, as its parts: `a."b.c"` -> ['a', 'b.c']."""
        parts = []
        while True:
            self.skip_blank(newlines=False)
            if self.at('"') or self.at("'"):
                try:
                    parts.append(tomllib.loads(f"k = {self.string()}")["k"])
                except tomllib.TOMLDecodeError:
                    raise _Stop from None
            else:
                parts.append(self.skip(_BARE_KEY))
            self.skip_blank(newlines=False)
            if not self.at("."):
                return parts
            self.advance()

    def assign(self, table: str, keys: list[str], line: int) -> None:
        """`key = value` in `table`: mark the key (and each dotted prefix) and skip the value."""
        path = table
        for key in keys:
            path = _join(path, key)
            self.mark(path, line)
        self.skip_blank(newlines=False)
        self.expect("=")
        self.skip_blank(newlines=False)
        self.value(path)

    def value(self, path: str) -> None:
        if self.at('"') or self.at("'"):
            self.string()
        elif self.at("["):
            self.array(path)
        elif self.at("{"):
            self.inline_table(path)
        elif not self.skip(_SCALAR).strip():
            raise _Stop

    def array(self, path: str) -> None:
        self.expect("[")
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.at("]"):
                self.advance()
                return
            self.mark(f"{path}[{index}]", self.line)
            self.value(f"{path}[{index}]")
            self.skip_blank(newlines=True)
            if self.at(","):
                self.advance()
                index += 1
            elif not self.at("]"):
                raise _Stop

    def inline_table(self, path: str) -> None:
        self.expect("{")
        while True:
            self.skip_blank(newlines=False)
            if self.at("}"):
                self.advance()
                return
            line = self.line
            self.assign(path, self.key(), line)
            self.skip_blank(newlines=False)
            if self.at(","):
                self.advance()
            elif not self.at("}"):
                raise _Stop

    def string(self) -> str:
        """Skip a string of any of TOML's four kinds; return its source text."""
        kind = next(kind for kind in _STRINGS if self.at(kind))
        return self.skip(_STRINGS[kind])
