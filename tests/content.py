"""Test content the real data does not have: many quotes written straight into the schema, and
invented data files with lists longer than an embed field holds."""

from __future__ import annotations

import json
from pathlib import Path

from bot.db import Database
from bot.search import fold_text


async def insert_quotes(db: Database, texts: list[str]) -> None:
    """One show, 'Word Show' (id 1), with a quote of each text, ids from 1 in order."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO shows (id, slug, title, premise, search_text)"
            " VALUES (1, 's', 'Word Show', 'A test show.', '|wordshow|')"
        )
        for position, text in enumerate(texts):
            await conn.execute(
                "INSERT INTO quotes (show_id, position, text, speaker_name, context, search_text)"
                " VALUES (1, ?, ?, 'Test', 'A test', ?)",
                (position, text, fold_text(text)),
            )


# An invented show whose lists do not fit in a field (1,024 characters), every item whole.
CROWD_WRITERS = [f"Writer Number {n:02d} of the Fictional Crowd Show" for n in range(60)]
CROWD_PLACES = [f"Invented Town Number {n:02d} Beyond the Hills" for n in range(25)]
CROWD_ALIASES = [f"Crowd Alias {n:02d} Known Around the Invented Town" for n in range(25)]
CROWD_CHARACTER = "Crowd Character"
CROWD_CHARACTER_ALIASES = [f"Character Alias {n:02d} Known Around the Town" for n in range(25)]


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON strings and lists are TOML's too


def write_crowded_show(folder: Path) -> Path:
    """'The Fictional Crowd': 60 writers, set in and filmed in 25 places, its first writer with
    25 aliases, and a character with 25 aliases played by 25 of the writers."""
    lines = [
        "[show]",
        'slug = "fictional-crowd"',
        'title = "The Fictional Crowd"',
        'premise = "An invented show with long lists."',
        f"settings = {_toml(CROWD_PLACES)}",
        f"filmed_in = {_toml(CROWD_PLACES)}",
    ]
    for number, writer in enumerate(CROWD_WRITERS):
        lines += ["[[people]]", f"name = {_toml(writer)}", 'credits = ["writer"]']
        if number == 0:
            lines.append(f"aliases = {_toml(CROWD_ALIASES)}")
    lines += [
        "[[characters]]",
        f"name = {_toml(CROWD_CHARACTER)}",
        f"aliases = {_toml(CROWD_CHARACTER_ALIASES)}",
        f"played_by = {_toml(CROWD_WRITERS[:25])}",
    ]
    path = folder / "fictional-crowd.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shown_and_hidden(value: str) -> tuple[list[str], int]:
    """A comma-separated field's items as shown, and the N of its '… and N more'."""
    *shown, more = value.split(", ")
    assert more.startswith("… and ") and more.endswith(" more"), value
    return shown, int(more.removeprefix("… and ").removesuffix(" more"))


# Two invented shows whose titles (200 characters at most) are alike for longer than the 100
# characters of an autocomplete choice.
SAGA_TITLE = (
    "The Fictional Saga of the Baker Who Counted Every Loaf in the Invented Town Beyond the "
    "Hills, Told Slowly, Season by Season, Loaf by Loaf, Until the Ovens Went Cold:"
)


def write_saga_shows(folder: Path) -> list[Path]:
    paths = []
    for slug, part in [("fictional-saga-one", "Part One"), ("fictional-saga-two", "Part Two")]:
        path = folder / f"{slug}.toml"
        path.write_text(
            f'[show]\nslug = "{slug}"\ntitle = {_toml(f"{SAGA_TITLE} {part}")}\n'
            'premise = "Invented."\n',
            encoding="utf-8",
        )
        paths.append(path)
    return paths


# An invented show with namesakes from Soul Mate: a character called Johan Hwang, a person called
# Ryu Narutaki, who plays him, and a character called Ok Taec-yeon (a cameo as himself).
NAMESAKE_SHOW = "The Fictional Namesakes"


def write_namesake_show(folder: Path) -> Path:
    path = folder / "fictional-namesakes.toml"
    lines = [
        "[show]",
        'slug = "fictional-namesakes"',
        f"title = {_toml(NAMESAKE_SHOW)}",
        'premise = "Invented."',
        "[[people]]",
        'name = "Ryu Narutaki"',
        "[[characters]]",
        'name = "Johan Hwang"',
        'played_by = ["Ryu Narutaki"]',
        "[[characters]]",
        'name = "Ok Taec-yeon"',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
