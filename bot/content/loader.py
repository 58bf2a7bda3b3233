"""Reading and validating show data files (TOML). Every error is collected, not only the first.

The format is documented in `data/README.md`. A file is turned into plain frozen dataclasses, or
into a `DataFileError` listing each problem with its file, line and field; nothing is half-loaded.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.content.locate import field_lines, line_of
from bot.search import fold_name

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Lengths chosen so every value fits Discord's limits where it is shown (autocomplete choices are
# 100 characters; embed field values 1,024).
MAX_NAME = 100
MAX_SHORT = 200
MAX_LONG = 1000
MAX_LIST = 25
CREDIT_ROLES = ("writer", "director", "executive producer", "producer", "creator")


# tomllib ends its messages with where the problem is.
_TOML_POSITION = re.compile(r" \(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class DataError:
    """One problem: `data/shows/x.toml:42 quotes[3].speaker: no person or character named …`.

    `field` is a path into the file (`show.title`, `people[0].aliases[2]`), or `(file)` and
    `(syntax)` for a file that cannot be read at all; `line` is None where no line applies.
    """

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} {self.field}: {self.message}"


class DataFileError(Exception):
    """One or more data files are invalid; `errors` lists every problem found."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass(frozen=True, slots=True)
class PersonData:
    slug: str
    name: str
    native_name: str | None = None
    aliases: tuple[str, ...] = ()
    known_for: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CharacterData:
    slug: str
    name: str
    native_name: str | None = None
    aliases: tuple[str, ...] = ()
    description: str | None = None
    played_by: tuple[str, ...] = ()  # person slugs


@dataclass(frozen=True, slots=True)
class QuoteData:
    text: str
    context: str
    speaker_name: str
    person: str | None = None  # person slug, when a person said it
    character: str | None = None  # character slug, when a character said it


@dataclass(frozen=True, slots=True)
class ShowData:
    file: str
    slug: str
    title: str
    premise: str
    native_title: str | None = None
    aliases: tuple[str, ...] = ()
    platform: str | None = None
    format: str | None = None
    synopsis: str | None = None
    origin: str | None = None
    settings: tuple[str, ...] = ()
    filmed_in: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    people: tuple[PersonData, ...] = ()
    characters: tuple[CharacterData, ...] = ()
    quotes: tuple[QuoteData, ...] = ()


def slugify(name: str) -> str:
    """A stable key from a name: 'Ok Taec-yeon' -> 'ok-taec-yeon'. Other scripts are kept."""
    words = re.findall(r"\w+", name.casefold())
    return "-".join(word.replace("_", "-") for word in words)


# Characters no show's text needs, which would reach Discord and terminals as they are: control
# characters (NUL, escape sequences; new lines and tabs are text) and the bidirectional overrides
# and isolates, which reverse how the text around them is shown.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _unwanted(value: str) -> str | None:
    """Why `value` is refused for a character it holds, or None."""
    found = _UNWANTED.search(value)
    if found is None:
        return None
    return f"holds the invisible control character U+{ord(found.group()):04X}; remove it"


def _toml_kind(value: Any) -> str:
    """What a TOML value is, in TOML's words: 'a number', 'a table', not Python's 'int', 'dict'."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return "a date or time"  # the only other kinds TOML has


class _Checker:
    """Collects errors while reading one table of a data file."""

    def __init__(self, file: str, errors: list[DataError]) -> None:
        self.file = file
        self.errors = errors

    def error(self, where: str, message: str) -> None:
        self.errors.append(DataError(self.file, where, message))

    def table(self, value: Any, where: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(where, "must be a table")
            return {}
        for key in value:
            if key not in allowed:
                self.error(
                    f"{where}.{key}" if where else key,
                    f"unknown field (expected one of: {', '.join(allowed)})",
                )
        return value

    def text(
        self, table: dict[str, Any], key: str, where: str, *, required: bool, limit: int
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.error(f"{where}.{key}", "is required")
            return None
        if not isinstance(value, str):
            self.error(f"{where}.{key}", f"must be text, not {_toml_kind(value)}")
            return None
        value = value.strip()
        if not value:
            self.error(f"{where}.{key}", "must not be empty")
            return None
        if len(value) > limit:
            self.error(f"{where}.{key}", f"is {len(value)} characters; the limit is {limit}")
            return None
        if unwanted := _unwanted(value):
            self.error(f"{where}.{key}", unwanted)
            return None
        return value

    def texts(self, table: dict[str, Any], key: str, where: str, *, limit: int) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.error(f"{where}.{key}", "must be a list of text")
            return ()
        if len(value) > MAX_LIST:
            self.error(f"{where}.{key}", f"has {len(value)} entries; the limit is {MAX_LIST}")
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{where}.{key}[{index}]", "must be non-empty text")
            elif len(item.strip()) > limit:
                self.error(f"{where}.{key}[{index}]", f"is longer than {limit} characters")
            elif unwanted := _unwanted(item):
                self.error(f"{where}.{key}[{index}]", unwanted)
            else:
                result.append(item.strip())
        return tuple(result)

    def array(self, data: dict[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(key, f"must be an array of tables ([[{key}]])")
            return []
        return value


SHOW_FIELDS = (
    "slug", "title", "native_title", "aliases", "platform", "format", "premise", "synopsis",
    "origin", "settings", "filmed_in", "notes",
)  # fmt: skip
PERSON_FIELDS = ("name", "slug", "native_name", "aliases", "known_for", "credits")
CHARACTER_FIELDS = ("name", "slug", "native_name", "aliases", "description", "played_by")
QUOTE_FIELDS = ("text", "context", "speaker", "source")


def parse_show(data: dict[str, Any], file: str) -> ShowData:
    """Validate one parsed TOML document; raise DataFileError with every problem in it."""
    errors: list[DataError] = []
    check = _Checker(file, errors)
    check.table(data, "", ("show", "people", "characters", "quotes"))
    # Without a [show] table (an empty file, say), that is the one thing to say about the show.
    has_show = "show" in data
    if has_show:
        show = check.table(data["show"], "show", SHOW_FIELDS)
    else:
        check.error("show", "is missing: a data file starts with a [show] table (data/README.md)")
        show = {}
    title = check.text(show, "title", "show", required=has_show, limit=MAX_SHORT)
    slug = check.text(show, "slug", "show", required=False, limit=MAX_NAME)
    if slug is None and title:
        slug = slugify(title)
    if slug is not None and not SLUG.match(slug):
        check.error("show.slug", "must be lower-case letters, digits and hyphens, like 'soul-mate'")

    names: dict[str, tuple[str, str]] = {}  # folded name -> (kind, slug), for speakers
    named_at: dict[str, str] = {}  # folded name -> the field that first gave it
    first_with_slug: dict[tuple[str, str], str] = {}  # (kind, slug) -> where it was first used

    def unique_slug(kind: str, key: str, entry: dict[str, Any], where: str) -> None:
        first = first_with_slug.setdefault((kind, key), where)
        if first != where:
            check.error(
                f"{where}.slug" if "slug" in entry else f"{where}.name",
                f"has the slug {key!r}, as {first} does; give one of them another 'slug'",
            )

    def claim(name: str, kind: str, key: str, where: str) -> None:
        folded = fold_name(name)
        if not folded:
            check.error(where, "must contain letters or digits")
        elif folded in names and names[folded] != (kind, key):
            check.error(
                where,
                f"the name {name!r} is also {named_at[folded]}; a speaker is found by name, so "
                "a name may belong to one person or character only",
            )
        else:
            names[folded] = (kind, key)
            named_at.setdefault(folded, where)

    people: list[PersonData] = []
    for index, raw in enumerate(check.array(data, "people")):
        where = f"people[{index}]"
        entry = check.table(raw, where, PERSON_FIELDS)
        name = check.text(entry, "name", where, required=True, limit=MAX_NAME)
        if name is None:
            continue
        person_slug = check.text(entry, "slug", where, required=False, limit=MAX_NAME)
        person_slug = person_slug or slugify(name)
        unique_slug("people", person_slug, entry, where)
        native = check.text(entry, "native_name", where, required=False, limit=MAX_NAME)
        aliases = check.texts(entry, "aliases", where, limit=MAX_NAME)
        credits = check.texts(entry, "credits", where, limit=MAX_NAME)
        for position, role in enumerate(credits):
            if role not in CREDIT_ROLES:
                check.error(
                    f"{where}.credits[{position}]",
                    f"unknown role {role!r} (expected one of: {', '.join(CREDIT_ROLES)})",
                )
        for alias_where, alias in [(f"{where}.name", name), (f"{where}.native_name", native)] + [
            (f"{where}.aliases[{i}]", alias) for i, alias in enumerate(aliases)
        ]:
            if alias:
                claim(alias, "person", person_slug, alias_where)
        people.append(
            PersonData(
                slug=person_slug,
                name=name,
                native_name=native,
                aliases=aliases,
                known_for=check.texts(entry, "known_for", where, limit=MAX_SHORT),
                credits=credits,
            )
        )

    person_by_name = {
        fold_name(alias): person.slug
        for person in people
        for alias in (person.name, person.native_name, *person.aliases)
        if alias
    }

    characters: list[CharacterData] = []
    for index, raw in enumerate(check.array(data, "characters")):
        where = f"characters[{index}]"
        entry = check.table(raw, where, CHARACTER_FIELDS)
        name = check.text(entry, "name", where, required=True, limit=MAX_NAME)
        if name is None:
            continue
        character_slug = check.text(entry, "slug", where, required=False, limit=MAX_NAME)
        character_slug = character_slug or slugify(name)
        unique_slug("characters", character_slug, entry, where)
        native = check.text(entry, "native_name", where, required=False, limit=MAX_NAME)
        aliases = check.texts(entry, "aliases", where, limit=MAX_NAME)
        for alias_where, alias in [(f"{where}.name", name), (f"{where}.native_name", native)] + [
            (f"{where}.aliases[{i}]", alias) for i, alias in enumerate(aliases)
        ]:
            if alias:
                claim(alias, "character", character_slug, alias_where)
        played_by = []
        for position, actor in enumerate(check.texts(entry, "played_by", where, limit=MAX_NAME)):
            actor_slug = person_by_name.get(fold_name(actor))
            if actor_slug is None:
                check.error(f"{where}.played_by[{position}]", f"no person named {actor!r}")
            else:
                played_by.append(actor_slug)
        characters.append(
            CharacterData(
                slug=character_slug,
                name=name,
                native_name=native,
                aliases=aliases,
                description=check.text(entry, "description", where, required=False, limit=MAX_LONG),
                played_by=tuple(played_by),
            )
        )

    display_names = {("person", p.slug): p.name for p in people}
    display_names.update({("character", c.slug): c.name for c in characters})
    quotes: list[QuoteData] = []
    seen_texts: set[str] = set()
    for index, raw in enumerate(check.array(data, "quotes")):
        where = f"quotes[{index}]"
        entry = check.table(raw, where, QUOTE_FIELDS)
        text = check.text(entry, "text", where, required=True, limit=MAX_LONG)
        context = check.text(entry, "context", where, required=True, limit=MAX_SHORT)
        speaker = check.text(entry, "speaker", where, required=False, limit=MAX_NAME)
        source = check.text(entry, "source", where, required=False, limit=MAX_NAME)
        if "speaker" in entry and "source" in entry:
            check.error(f"{where}.source", "give 'speaker' or 'source', not both")
        elif "speaker" not in entry and "source" not in entry:
            check.error(
                f"{where}.speaker", "is required (or 'source', for a speaker who is not a person)"
            )
        if text is not None:
            if fold_name(text) in seen_texts:
                check.error(f"{where}.text", "repeats an earlier quote")
            seen_texts.add(fold_name(text))
        owner = names.get(fold_name(speaker)) if speaker else None
        if speaker is not None and owner is None:
            check.error(f"{where}.speaker", f"no person or character named {speaker!r}")
        if text is None or context is None or (speaker is None) == (source is None):
            continue
        if source is not None:
            quotes.append(QuoteData(text=text, context=context, speaker_name=source))
        elif owner is not None:
            kind, key = owner
            quotes.append(
                QuoteData(
                    text=text,
                    context=context,
                    speaker_name=display_names[owner],
                    person=key if kind == "person" else None,
                    character=key if kind == "character" else None,
                )
            )

    premise = check.text(show, "premise", "show", required=has_show, limit=MAX_LONG)
    optional = {
        key: check.text(show, key, "show", required=False, limit=MAX_LONG)
        for key in ("platform", "format", "synopsis", "origin")
    }
    optional["native_title"] = check.text(
        show, "native_title", "show", required=False, limit=MAX_NAME
    )
    lists = {
        key: check.texts(show, key, "show", limit=MAX_SHORT)
        for key in ("settings", "filmed_in", "notes")
    }
    lists["aliases"] = check.texts(show, "aliases", "show", limit=MAX_NAME)

    if errors:
        raise DataFileError(errors)
    assert slug is not None and title is not None and premise is not None
    return ShowData(
        file=file,
        slug=slug,
        title=title,
        premise=premise,
        **optional,
        **lists,
        people=tuple(people),
        characters=tuple(characters),
        quotes=tuple(quotes),
    )


def load_show_file(path: Path) -> ShowData:
    """Read and validate one data file."""
    return load_show_files([path])[0]


def load_show_files(paths: Iterable[Path]) -> list[ShowData]:
    """Validate every file; raise one DataFileError with all their errors if any is invalid.

    The errors come file by file, in the order given, and by line within a file.
    """
    shows: list[ShowData] = []
    errors: dict[str, list[DataError]] = {}
    texts: dict[str, str] = {}
    for path in dict.fromkeys(paths):  # a file named twice is read once
        file = str(path)
        show, errors[file], texts[file] = _read(path)
        if show is not None:
            shows.append(show)
    for error in _across_files(shows):
        errors[error.file].append(error)
    found: list[DataError] = []
    for file, in_file in errors.items():
        if in_file:  # only then are lines looked for: that takes as long as parsing the file
            found += _located(in_file, texts[file])
    if found:
        raise DataFileError(found)
    return shows


def _located(errors: list[DataError], text: str) -> list[DataError]:
    """One file's errors with the line of each field, in the order of their lines."""
    lines = field_lines(text)
    located = [replace(e, line=e.line or line_of(e.field, lines)) for e in errors]
    return sorted(located, key=lambda error: error.line or 0)


def names_taken(shows: list[ShowData], taken: dict[str, tuple[str, str]]) -> list[DataError]:
    """The names of `shows` (already valid together) that other shows have, with their lines:
    `taken` maps a folded name to (that show's title, where it is, such as 'the database')."""
    show_names = {
        name: ShowData(file=where, slug="", title=title, premise="")
        for name, (title, where) in taken.items()
    }
    errors: list[DataError] = []
    for show in shows:
        in_file = _shared_show_names(show, show_names)
        if in_file:
            try:
                text = Path(show.file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):  # read a moment ago; without lines, then
                text = ""
            errors += _located(in_file, text)
    return errors


def _read(path: Path) -> tuple[ShowData | None, list[DataError], str]:
    """One file as (its show or None, its errors, its text)."""
    file = str(path)
    try:
        # utf-8-sig: a byte-order mark, which some Windows editors write, is not part of the text.
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return None, [DataError(file, "(file)", f"cannot be read: {error.strerror}")], ""
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        return None, [DataError(file, "(file)", "is not UTF-8 text", line)], ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, position = str(error), _TOML_POSITION.search(str(error))
        if position:
            message = f"{message[: position.start()]} (column {position[2]})"
        line = int(position[1]) if position else None
        return None, [DataError(file, "(syntax)", f"is not valid TOML: {message}", line)], text
    try:
        return parse_show(data, file), [], text
    except DataFileError as error:
        return None, error.errors, text


def _shared_show_names(show: ShowData, show_names: dict[str, ShowData]) -> list[DataError]:
    """The names of `show` that an earlier show has (/show could never give it for them); its
    names are added to `show_names`, folded."""
    names = [("show.title", show.title), ("show.native_title", show.native_title)]
    names += [(f"show.aliases[{index}]", alias) for index, alias in enumerate(show.aliases)]
    errors = []
    for field, name in names:
        other = show_names.setdefault(fold_name(name), show) if name else show
        if other is not show:
            errors.append(
                DataError(
                    show.file,
                    field,
                    f"the name {name!r} is also a name of {other.title!r} in {other.file}; "
                    "two shows may not share a title, native title or alias",
                )
            )
    return errors


# One row of `people` holds these for every show the person is in; credits are per show.
_SHARED_PERSON_FIELDS = ("name", "native_name", "aliases", "known_for")


def _across_files(shows: list[ShowData]) -> list[DataError]:
    """What no one file shows: a slug or a name two shows share, a person described two ways."""
    errors = []
    first_show: dict[str, ShowData] = {}
    show_names: dict[str, ShowData] = {}  # folded title, native title or alias -> its show
    first_person: dict[str, tuple[ShowData, PersonData]] = {}
    for show in shows:
        other = first_show.setdefault(show.slug, show)
        if other is not show:
            errors.append(
                DataError(show.file, "show.slug", f"{show.slug!r} is used by {other.file} too")
            )
        else:  # (a show given twice gets the one error above)
            errors += _shared_show_names(show, show_names)
        for index, person in enumerate(show.people):
            other_show, other = first_person.setdefault(person.slug, (show, person))
            differ = [
                key for key in _SHARED_PERSON_FIELDS if getattr(person, key) != getattr(other, key)
            ]
            if differ:
                errors.append(
                    DataError(
                        show.file,
                        f"people[{index}].{differ[0]}",
                        f"{person.slug!r} is also in {other_show.file}, with a different "
                        f"{' and '.join(differ)}; a person's name, native_name, aliases and "
                        "known_for must be the same in every file",
                    )
                )
    return errors
