"""The curated content, read back out of the database and written as data files.

`read_shows` turns the database into the same `ShowData` the loader makes from the files, and
`show_toml` writes one as a data file in the documented format. Seeding what they write changes
nothing in the database: every order the seed stores (characters, quotes, credits, aliases) is
kept, and people come in an order that gives their credits the same positions.

The writer is a few lines rather than a dependency: a data file holds only tables of strings and
lists of strings. Output is deterministic: the same database always gives the same bytes.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from bot.content.loader import (
    SHOW_FIELDS,
    SLUG,
    CharacterData,
    PersonData,
    QuoteData,
    ShowData,
    slugify,
)
from bot.db import Database

HEADER = "# Written by `kdrama-bot db export`. data/README.md describes the format.\n"
LINE_LENGTH = 100  # a list longer than this is written one item a line


class ExportError(Exception):
    """The files cannot be written; the message says why and what to do."""


async def read_shows(db: Database) -> list[ShowData]:
    """Every show in the database, by slug, with its people, characters and quotes."""
    people = {row["id"]: row for row in await db.fetch_all("SELECT * FROM people")}
    aliases: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for row in await db.fetch_all(
        "SELECT person_id, character_id, name FROM names WHERE kind = 'alias' ORDER BY id"
    ):
        if row["person_id"] is not None:
            aliases["person", row["person_id"]].append(row["name"])
        else:
            aliases["character", row["character_id"]].append(row["name"])
    credits: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in await db.fetch_all("SELECT * FROM credits ORDER BY show_id, position"):
        credits[row["show_id"]].append((row["person_id"], row["role"]))
    characters: defaultdict[int, list] = defaultdict(list)
    for row in await db.fetch_all("SELECT * FROM characters ORDER BY show_id, position"):
        characters[row["show_id"]].append(row)
    played_by: defaultdict[int, set[int]] = defaultdict(set)
    for row in await db.fetch_all("SELECT character_id, person_id FROM portrayals"):
        played_by[row["character_id"]].add(row["person_id"])

    shows = []
    for show in await db.fetch_all("SELECT * FROM shows ORDER BY slug"):
        quotes = await db.fetch_all(
            "SELECT text, context, speaker_name, person_id, character_id FROM quotes"
            " WHERE show_id = ? ORDER BY position",
            (show["id"],),
        )
        cast = {p for c in characters[show["id"]] for p in played_by[c["id"]]}
        speakers = {q["person_id"] for q in quotes if q["person_id"] is not None}
        order = _people_order(cast | speakers, credits[show["id"]])
        rank = {person_id: index for index, person_id in enumerate(order)}
        character_slugs = {c["id"]: c["slug"] for c in characters[show["id"]]}
        shows.append(
            ShowData(
                file=f"{show['slug']}.toml",
                slug=show["slug"],
                title=show["title"],
                premise=show["premise"],
                native_title=show["native_title"],
                aliases=_list(show["aliases"]),
                platform=show["platform"],
                format=show["format"],
                synopsis=show["synopsis"],
                origin=show["origin"],
                settings=_list(show["settings"]),
                filmed_in=_list(show["filmed_in"]),
                notes=_list(show["notes"]),
                people=tuple(
                    PersonData(
                        slug=people[person_id]["slug"],
                        name=people[person_id]["name"],
                        native_name=people[person_id]["native_name"],
                        aliases=tuple(aliases["person", person_id]),
                        known_for=_list(people[person_id]["known_for"]),
                        credits=tuple(r for p, r in credits[show["id"]] if p == person_id),
                    )
                    for person_id in order
                ),
                characters=tuple(
                    CharacterData(
                        slug=row["slug"],
                        name=row["name"],
                        native_name=row["native_name"],
                        aliases=tuple(aliases["character", row["id"]]),
                        description=row["description"],
                        played_by=tuple(
                            people[p]["slug"] for p in sorted(played_by[row["id"]], key=rank.get)
                        ),
                    )
                    for row in characters[show["id"]]
                ),
                quotes=tuple(
                    QuoteData(
                        text=row["text"],
                        context=row["context"],
                        speaker_name=row["speaker_name"],
                        person=people[row["person_id"]]["slug"] if row["person_id"] else None,
                        character=character_slugs.get(row["character_id"]),
                    )
                    for row in quotes
                ),
            )
        )
    return shows


def _people_order(others: set[int], credits: list[tuple[int, str]]) -> list[int]:
    """A show's people, by id (the order a first seed inserts them in), except that the
    credited ones, in the places the id order gives them, come in the order of their credits,
    so that seeding the exported file gives every credit its position again."""
    credited = list(dict.fromkeys(person_id for person_id, _ in credits))
    in_credits = set(credited)
    next_credited = iter(credited)
    return [
        next(next_credited) if person_id in in_credits else person_id
        for person_id in sorted(others | in_credits)
    ]


def _list(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


def show_toml(show: ShowData) -> str:
    """One show as a data file, in the documented format and field order."""
    person_names = {person.slug: person.name for person in show.people}
    character_names = {character.slug: character.name for character in show.characters}
    blocks = [_table("[show]", **{field: getattr(show, field) for field in SHOW_FIELDS})]
    blocks += [
        _named("[[people]]", person, known_for=person.known_for, credits=person.credits)
        for person in show.people
    ]
    blocks += [
        _named(
            "[[characters]]",
            character,
            description=character.description,
            played_by=tuple(person_names[slug] for slug in character.played_by),
        )
        for character in show.characters
    ]
    blocks += [
        _table(
            "[[quotes]]",
            speaker=person_names.get(quote.person) or character_names.get(quote.character),
            source=None if quote.person or quote.character else quote.speaker_name,
            context=quote.context,
            text=quote.text,
        )
        for quote in show.quotes
    ]
    return HEADER + "\n" + "\n".join(blocks)


def _named(header: str, entry: PersonData | CharacterData, **fields) -> str:
    """A person's or character's table: the names they share, then their own `fields`."""
    return _table(
        header,
        name=entry.name,
        slug=None if entry.slug == slugify(entry.name) else entry.slug,  # unless the name makes it
        native_name=entry.native_name,
        aliases=entry.aliases,
        **fields,
    )


def _table(header: str, **fields: str | tuple[str, ...] | None) -> str:
    lines = [header]
    for key, value in fields.items():
        if isinstance(value, str):
            lines.append(f"{key} = {toml_string(value)}")
        elif value:
            items = [toml_string(item) for item in value]
            one_line = f"{key} = [{', '.join(items)}]"
            if len(one_line) <= LINE_LENGTH:
                lines.append(one_line)
            else:
                lines += [f"{key} = [", *(f"    {item}," for item in items), "]"]
    return "\n".join(lines) + "\n"


# TOML's basic-string escapes, and \uXXXX for the other control characters.
_ESCAPES = str.maketrans(
    {chr(code): f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
    | {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
)


def toml_string(value: str) -> str:
    """A TOML basic string on one line: any text, other scripts kept as they are."""
    return '"' + value.translate(_ESCAPES) + '"'


def write_show_files(shows: list[ShowData], folder: Path, *, force: bool) -> list[Path]:
    """Write `<slug>.toml` for each show into `folder`; unless `force`, write nothing if any
    of them is there already. Each file is written whole or not at all."""
    for show in shows:
        if not SLUG.match(show.slug):
            raise ExportError(
                f"The show {show.title!r} has the slug {show.slug!r}, which cannot be a file "
                "name. Give it a slug of lower-case letters, digits and hyphens, and seed again."
            )
    targets = [folder / f"{show.slug}.toml" for show in shows]
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder. Choose a folder to export to.")
    there = [str(target) for target in targets if target.exists()]
    if there and not force:
        raise ExportError(
            f"Nothing was written: {', '.join(there)} already "
            f"{'exists' if len(there) == 1 else 'exist'}. Use --force to replace "
            f"{'it' if len(there) == 1 else 'them'}, or choose another folder."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for show, target in zip(shows, targets, strict=True):
            _write_whole(target, show_toml(show))
    except OSError as error:
        raise ExportError(f"Cannot write to {folder}: {error.strerror or error}.") from error
    return targets


def _write_whole(target: Path, text: str) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
