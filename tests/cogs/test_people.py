"""/who through the emulator: every name in every script, autocomplete, and not-found."""

import pytest

from bot.content import seed_database
from tests.content import (
    CROWD_ALIASES,
    CROWD_CHARACTER,
    CROWD_CHARACTER_ALIASES,
    CROWD_WRITERS,
    NAMESAKE_SHOW,
    shown_and_hidden,
    write_namesake_show,
)
from tests.harness import start_bot, stop_bot


def fields(message) -> dict[str, str]:
    return {field["name"]: field["value"] for field in message.embeds[0].get("fields", [])}


@pytest.mark.parametrize("name", ["Ok Taec-yeon", "Taecyeon", "옥택연", "taec-yeon", "택연"])
async def test_who_finds_taecyeon_by_any_name(emu, bot, name):
    reply = await (await emu.slash(emu.member, "who", {"name": name})).message()
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == "Ok Taec-yeon"
    shown = fields(reply)
    assert shown["Native name"] == "옥택연"
    assert "Member of the South Korean boy band 2PM" in shown["Known for"]
    assert shown["Roles"] == "**Johan Hwang** in *Soul Mate*"
    assert shown["Quotes"].startswith("2 quotes")


async def test_who_shows_a_character_and_who_plays_them(emu, bot):
    reply = await (await emu.slash(emu.member, "who", {"name": "Ryu Narutaki"})).message()
    assert reply.embeds[0]["title"] == "Ryu Narutaki"
    assert fields(reply)["Played by"] == "Hayato Isomura"
    assert reply.embeds[0]["footer"]["text"] == "Character"


async def test_who_shows_crew_credits(emu, bot):
    reply = await (await emu.slash(emu.member, "who", {"name": "Hashizume"})).message()
    assert reply.embeds[0]["title"] == "Shunki Hashizume"
    assert fields(reply)["Credits"] == "Writer of *Soul Mate*\nDirector of *Soul Mate*"


async def test_autocomplete_offers_the_best_match_first(emu, bot):
    choices = await emu.autocomplete(emu.member, "who", {"name": "tae"}, focused="name")
    assert choices[0] == {"name": "Taecyeon (Ok Taec-yeon)", "value": "Taecyeon"}
    assert len(choices) <= 25


@pytest.mark.parametrize("typed", ["", "磯", "ryu", "x" * 100, "'\"%_*"])
async def test_autocomplete_answers_any_input_within_limits(emu, bot, typed):
    choices = await emu.autocomplete(emu.member, "who", {"name": typed}, focused="name")
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100 and 1 <= len(choice["value"]) <= 100


async def test_autocomplete_on_empty_input_lists_everyone(emu, bot):
    choices = await emu.autocomplete(emu.member, "who", {"name": ""}, focused="name")
    assert [c["name"] for c in choices] == [
        "Dai Ota", "Hayato Isomura", "Johan Hwang", "Ok Taec-yeon", "Ryu Narutaki",
        "Shunki Hashizume",
    ]  # fmt: skip


async def test_unknown_name_is_a_friendly_private_not_found_with_suggestions(emu, bot):
    reply = await (await emu.slash(emu.member, "who", {"name": "Taecyoen"})).message()
    assert reply.ephemeral
    assert reply.content == (
        "I couldn't find anyone called **Taecyoen**. Did you mean **Ok Taec-yeon**?"
    )


async def test_a_hangul_typo_is_answered_with_the_name_meant(emu, bot):
    reply = await (await emu.slash(emu.member, "who", {"name": "옥태연"})).message()
    assert reply.ephemeral
    assert (
        reply.content == "I couldn't find anyone called **옥태연**. Did you mean **Ok Taec-yeon**?"
    )


async def test_long_lists_of_names_show_whole_names_and_how_many_more(emu, crowded_bot):
    person = await (await emu.slash(emu.member, "who", {"name": CROWD_WRITERS[0]})).message()
    character = await (await emu.slash(emu.member, "who", {"name": CROWD_CHARACTER})).message()
    for value, items in [
        (fields(person)["Also known as"], CROWD_ALIASES),
        (fields(character)["Also known as"], CROWD_CHARACTER_ALIASES),
        (fields(character)["Played by"], sorted(CROWD_WRITERS[:25])),
    ]:
        assert len(value) <= 1024
        names, hidden = shown_and_hidden(value)
        assert names == items[: len(names)]
        assert len(names) + hidden == len(items)


async def test_each_namesake_picked_in_autocomplete_shows_their_own_card(emu, db, clock, tmp_path):
    await seed_database(db, [write_namesake_show(tmp_path)])
    running, task = await start_bot(emu, db, clock)
    try:
        await emu.wait_for_commands(["who"])
        choices = await emu.autocomplete(emu.member, "who", {"name": "johan"}, focused="name")
        cards = {}
        for choice in choices:
            reply = await (await emu.slash(emu.member, "who", {"name": choice["value"]})).message()
            cards[choice["name"]] = (reply.embeds[0]["title"], fields(reply)["Show"])
    finally:
        await stop_bot(running, task)
    assert cards == {
        "Johan Hwang · character in Soul Mate": ("Johan Hwang", "*Soul Mate*"),
        f"Johan Hwang · character in {NAMESAKE_SHOW}": ("Johan Hwang", f"*{NAMESAKE_SHOW}*"),
    }


async def test_a_typed_name_others_share_says_so_and_its_hint_finds_this_one(
    emu, db, clock, tmp_path
):
    await seed_database(db, [write_namesake_show(tmp_path)])
    running, task = await start_bot(emu, db, clock)
    try:
        await emu.wait_for_commands(["who", "quote"])
        card = await (await emu.slash(emu.member, "who", {"name": "ok taec-yeon"})).message()
        footer = card.embeds[0]["footer"]["text"]
        person = await (await emu.slash(emu.member, "who", {"name": "Taecyeon"})).message()
        hint = fields(person)["Quotes"]
        option = hint.split("`/quote random person:")[1].removesuffix("`")
        quote = await (await emu.slash(emu.member, "quote random", {"person": option})).message()
    finally:
        await stop_bot(running, task)
    kind = "Person" if footer.startswith("Person") else "Character"
    assert footer == (
        f"{kind} · 1 other is also called Ok Taec-yeon: pick the one you mean as you type"
    )
    # Found by an alias no one else has, the person says nothing of namesakes; but the hint
    # carries the key, since his own name is the character's too.
    assert person.embeds[0]["footer"]["text"] == "Person"
    assert option.startswith("Ok Taec-yeon #person-")
    assert not quote.ephemeral
    assert fields(quote)["Said by"].startswith("Ok Taec-yeon")
