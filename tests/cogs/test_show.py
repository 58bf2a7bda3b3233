"""/show info and /show cast, through the emulator, as a member sees them."""

import sqlite3

import pytest

from bot.content import seed_database
from tests.content import (
    CROWD_PLACES,
    CROWD_WRITERS,
    SAGA_TITLE,
    shown_and_hidden,
    write_saga_shows,
)
from tests.harness import start_bot, stop_bot


def fields(message) -> dict[str, str]:
    return {field["name"]: field["value"] for field in message.embeds[0].get("fields", [])}


async def test_show_info_defaults_to_the_only_show(emu, bot):
    reply = await (await emu.slash(emu.member, "show info", channel="general")).message()
    assert not reply.ephemeral
    embed = reply.embeds[0]
    assert embed["title"] == "Soul Mate"
    assert "10-year-long love story between two young men" in embed["description"]
    shown = fields(reply)
    assert shown["Platform"] == "Netflix · Live-action drama series"
    assert shown["Written by"] == shown["Directed by"] == "Shunki Hashizume"
    assert shown["Executive producer"] == "Dai Ota"
    assert "**Ok Taec-yeon** (옥택연) as **Johan Hwang**" in shown["Starring"]
    assert shown["Set in"] == "Berlin, Seoul, Tokyo"
    assert reply in emu.channel_messages("general")


async def test_show_info_by_title_from_autocomplete(emu, bot):
    choices = await emu.autocomplete(emu.member, "show info", {"title": "so"}, focused="title")
    assert choices == [{"name": "Soul Mate", "value": "Soul Mate"}]
    handle = await emu.slash(emu.member, "show info", {"title": choices[0]["value"]})
    assert (await handle.message()).embeds[0]["title"] == "Soul Mate"


async def test_unknown_title_gets_a_private_friendly_answer(emu, bot):
    reply = await (await emu.slash(emu.member, "show info", {"title": "Goblin"})).message()
    assert reply.ephemeral
    assert reply.content == "I don't know a show called **Goblin**. I know: *Soul Mate*."
    assert emu.channel_messages("general") == []


async def test_a_misspelled_title_gets_a_did_you_mean(emu, bot):
    reply = await (await emu.slash(emu.member, "show cast", {"title": "Sole Mate"})).message()
    assert reply.ephemeral
    assert reply.content == "I don't know a show called **Sole Mate**. Did you mean *Soul Mate*?"


async def test_show_cast_lists_each_actor_and_role(emu, bot):
    reply = await (await emu.slash(emu.member, "show cast")).message()
    assert reply.embeds[0]["title"] == "Soul Mate: cast"
    assert reply.embeds[0]["description"].splitlines() == [
        "**Hayato Isomura** (磯村勇斗) as **Ryu Narutaki**",
        "**Ok Taec-yeon** (옥택연) as **Johan Hwang**",
    ]


@pytest.fixture
async def two_show_bot(emu, two_show_db, clock):
    running, task = await start_bot(emu, two_show_db, clock)
    await emu.wait_for_commands(["show"])
    yield running
    await stop_bot(running, task)


async def test_with_two_shows_the_member_is_asked_which(emu, two_show_bot):
    reply = await (await emu.slash(emu.member, "show info")).message()
    assert reply.ephemeral
    assert "which one?" in reply.content and "*The Fictional Bakery*" in reply.content
    choices = await emu.autocomplete(emu.member, "show cast", {"title": ""}, focused="title")
    assert [c["name"] for c in choices] == ["Soul Mate", "The Fictional Bakery"]
    reply = await (await emu.slash(emu.member, "show cast", {"title": "fictional"})).message()
    assert "**Yoon Ha-neul** (윤하늘) as **Baker Kang**" in reply.embeds[0]["description"]


async def test_show_list_names_every_show(emu, two_show_bot):
    reply = await (await emu.slash(emu.member, "show list")).message()
    assert reply.embeds[0]["title"] == "Shows"
    assert reply.embeds[0]["description"].splitlines() == [
        "**Soul Mate** · Netflix",
        "**The Fictional Bakery** · Nowhere TV",
    ]


async def test_the_featured_show_is_the_default(emu, two_show_bot):
    reply = await (
        await emu.slash(emu.admin, "settings featured-show", {"title": "The Fictional Bakery"})
    ).message()
    assert reply.content.startswith("*The Fictional Bakery* is now the show")
    info = await (await emu.slash(emu.member, "show info")).message()
    assert info.embeds[0]["title"] == "The Fictional Bakery"
    # 2 of the 11 quotes are the bakery's: drawn from every show, five would hardly all be.
    for _ in range(5):
        quote = await (await emu.slash(emu.member, "quote random")).message()
        assert quote.embeds[0]["footer"]["text"].startswith("The Fictional Bakery · quote #")
    # A person chosen decides the show: theirs, not the featured one.
    quote = await (await emu.slash(emu.member, "quote random", {"person": "Dai Ota"})).message()
    assert quote.embeds[0]["footer"]["text"].startswith("Soul Mate · quote #")
    await (await emu.slash(emu.admin, "settings featured-show")).message()
    info = await (await emu.slash(emu.member, "show info")).message()
    assert info.ephemeral and "which one?" in info.content


async def test_a_card_follows_a_change_made_by_another_process(emu, bot, db):
    first = await (await emu.slash(emu.member, "show info")).message()
    assert "10-year-long love story" in first.embeds[0]["description"]
    # As `kdrama-bot db seed` run beside the bot would, from its own connection.
    with sqlite3.connect(db.path) as other:
        other.execute("UPDATE shows SET premise = 'A premise from a newer data file.'")
    again = await (await emu.slash(emu.member, "show info")).message()
    assert again.embeds[0]["description"] == "A premise from a newer data file."
    cast = await (await emu.slash(emu.member, "show cast")).message()
    assert "Ok Taec-yeon" in cast.embeds[0]["description"]


async def test_a_long_list_shows_whole_names_and_how_many_more(emu, crowded_bot):
    reply = await (await emu.slash(emu.member, "show info")).message()
    shown = fields(reply)
    for label, items in [
        ("Written by", CROWD_WRITERS),
        ("Set in", CROWD_PLACES),
        ("Filmed in", CROWD_PLACES),
    ]:
        assert len(shown[label]) <= 1024
        names, hidden = shown_and_hidden(shown[label])
        assert names == items[: len(names)]
        assert len(names) + hidden == len(items)


async def test_a_picked_long_title_is_the_show_offered(emu, empty_db, clock, tmp_path):
    """Two titles over 100 characters that differ only after their first 150."""
    await seed_database(empty_db, write_saga_shows(tmp_path))
    running, task = await start_bot(emu, empty_db, clock)
    try:
        await emu.wait_for_commands(["show"])
        choices = await emu.autocomplete(emu.member, "show info", {"title": "saga"}, "title")
        assert len(choices) == 2
        assert choices[0]["name"] == choices[1]["name"]  # both cut where they are still alike
        assert choices[0]["value"] != choices[1]["value"]
        titles = []
        for choice in choices:
            assert len(choice["value"]) <= 100
            handle = await emu.slash(emu.member, "show info", {"title": choice["value"]})
            titles.append((await handle.message()).embeds[0]["title"])
        assert sorted(titles) == [
            f"{SAGA_TITLE} Part One",
            f"{SAGA_TITLE} Part Two",
        ]
        # Typed by hand, a title still finds what it found before.
        typed = await emu.slash(emu.member, "show info", {"title": "part two"})
        assert (await typed.message()).embeds[0]["title"] == f"{SAGA_TITLE} Part Two"
    finally:
        await stop_bot(running, task)
