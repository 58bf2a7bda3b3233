"""Every read command against valid but hostile show data: Markdown and mentions in names and
titles, every text at its maximum length, and more shows than autocomplete can list. The data is
invented for these tests and written to the test's own folder."""

from __future__ import annotations

import json
from pathlib import Path

import discord
import pytest

from bot.content import seed_database
from tests.harness import ALL_COMMANDS, start_bot, stop_bot

MARKDOWN = "**b** _u_ ~~s~~ `c` ||sp|| [x](http://example.invalid) @everyone <@123> <#1>"
EXTRA_SHOWS = 12
PREMISE = "# Heading\n> quoted\n" + MARKDOWN


def toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def padded(text: str, length: int, fill: str = "x") -> str:
    """The text made exactly `length` characters long."""
    return (text + " " + fill * length)[:length]


def plain(text: str) -> str:
    """What the member must see for data shown as plain text."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def write_shows(folder: Path) -> list[Path]:
    """One invented show full of Markdown, and invented shows with titles at the maximum."""
    hostile = folder / "hostile.toml"
    hostile.write_text(
        f"""
[show]
slug = "hostile"
title = {toml("*Hostile* " + MARKDOWN)}
native_title = "적대적 쇼 敵対的 🎭 e\\u0301"
premise = {toml(PREMISE)}
platform = {toml("__Platform__")}
synopsis = {toml(padded("### Synopsis " + MARKDOWN, 1000))}
settings = [{toml("*Set* here")}]
notes = [{toml("A **note**")}]

[[people]]
name = {toml("Ima **Bold** @everyone")}
native_name = "가짜 🙂"
aliases = ["Imabold"]
known_for = [{toml("Being `invented`")}]
credits = ["writer"]

[[characters]]
name = {toml("Char _Under_ <@123>")}
aliases = ["Charunder"]
description = {toml("> Quoted description " + MARKDOWN)}
played_by = ["Imabold"]

[[quotes]]
speaker = "Charunder"
context = "An invented line"
text = "An invented needle line."
""",
        encoding="utf-8",
    )
    files = [hostile]
    for number in range(EXTRA_SHOWS):
        extra = folder / f"long-{number}.toml"
        title = padded(f"Long Invented Show {number:02d}", 200)
        extra.write_text(
            f'[show]\nslug = "long-{number}"\ntitle = {toml(title)}\npremise = "Invented."\n',
            encoding="utf-8",
        )
        files.append(extra)
    return files


@pytest.fixture
async def hostile_bot(emu, empty_db, clock, tmp_path):
    await seed_database(empty_db, write_shows(tmp_path))
    running, task = await start_bot(emu, empty_db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    yield running
    await stop_bot(running, task)


async def test_which_show_answer_fits_with_long_titles(emu, hostile_bot):
    reply = await (await emu.slash(emu.member, "show info")).message()
    assert reply.ephemeral
    assert reply.content.startswith("I know several shows: which one?")
    assert "Long Invented Show 00" in reply.content
    reply = await (await emu.slash(emu.member, "show cast", {"title": "Nothing Like It"})).message()
    assert reply.ephemeral
    assert reply.content.startswith("I don't know a show called **Nothing Like It**.")


async def test_show_cards_show_markdown_in_the_data_as_typed(emu, hostile_bot):
    title = "*Hostile* " + MARKDOWN
    reply = await (await emu.slash(emu.member, "show info", {"title": title[:100]})).message()
    embed = reply.embeds[0]
    assert embed["title"] == plain(title)
    assert embed["description"] == plain(PREMISE)
    shown = {field["name"]: field["value"] for field in embed["fields"]}
    assert shown["Platform"] == plain("__Platform__")
    assert shown["Written by"] == plain("Ima **Bold** @everyone")
    assert shown["Synopsis"].startswith(plain("### Synopsis " + MARKDOWN))
    assert (
        shown["Starring"]
        == f"**{plain('Ima **Bold** @everyone')}** (가짜 🙂) as **{plain('Char _Under_ <@123>')}**"
    )
    assert shown["Set in"] == plain("*Set* here")
    assert shown["Behind the scenes"] == "• " + plain("A **note**")
    cast = await (await emu.slash(emu.member, "show cast", {"title": "적대적 쇼"})).message()
    assert cast.embeds[0]["title"] == plain(title) + ": cast"
    assert shown["Starring"] == cast.embeds[0]["description"]
    listed = await (await emu.slash(emu.member, "show list")).message()
    assert listed.embeds[0]["description"].splitlines()[0] == (
        f"**{plain(title)}** (적대적 쇼 敵対的 🎭 e\u0301) · {plain('__Platform__')}"
    )


async def test_people_quotes_and_lookups_show_markdown_in_the_data_as_typed(emu, hostile_bot):
    title, person, character = (
        "*Hostile* " + MARKDOWN,
        "Ima **Bold** @everyone",
        "Char _Under_ <@123>",
    )
    who = (await (await emu.slash(emu.member, "who", {"name": "Imabold"})).message()).embeds[0]
    assert who["title"] == plain(person)
    shown = {field["name"]: field["value"] for field in who["fields"]}
    assert shown["Known for"] == "• " + plain("Being `invented`")
    assert f"**{plain(character)}** in *{plain(title)}*" in shown["Roles"]
    role = (await (await emu.slash(emu.member, "who", {"name": "Charunder"})).message()).embeds[0]
    assert role["title"] == plain(character)
    assert role["description"] == plain("> Quoted description " + MARKDOWN)
    shown = {field["name"]: field["value"] for field in role["fields"]}
    assert shown["Played by"] == plain(person)
    assert shown["Show"] == f"*{plain(title)}*"
    quote = await (await emu.slash(emu.member, "quote random", {"person": "Charunder"})).message()
    said = {field["name"]: field["value"] for field in quote.embeds[0]["fields"]}["Said by"]
    assert said == f"{plain(character)}, played by {plain(person)}"
    found = await (await emu.slash(emu.member, "quote search", {"text": "needle"})).message()
    assert f"*{plain(title)}*" in found.embeds[0]["description"]
