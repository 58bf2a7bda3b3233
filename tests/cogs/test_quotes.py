"""/quote random and /quote search through the emulator, hostile input included."""

import asyncio
import sys

import pytest

from tests.conftest import SOUL_MATE

ALL_QUOTES = SOUL_MATE.read_text(encoding="utf-8")


def fields(message) -> dict[str, str]:
    return {field["name"]: field["value"] for field in message.embeds[0].get("fields", [])}


async def test_random_quote_has_speaker_role_and_context(emu, bot):
    reply = await (await emu.slash(emu.member, "quote random")).message()
    embed = reply.embeds[0]
    text = embed["description"].strip("“”").replace("\\", "")
    assert text in ALL_QUOTES
    assert fields(reply)["Said by"]
    assert fields(reply)["Context"]
    assert embed["footer"]["text"].startswith("Soul Mate · quote #")


async def test_random_quote_by_person(emu, bot):
    for _ in range(3):
        reply = await (await emu.slash(emu.member, "quote random", {"person": "Dai Ota"})).message()
        assert fields(reply)["Said by"] == "Dai Ota, executive producer"


async def test_random_quote_by_alias_shows_the_role_they_play(emu, bot):
    reply = await (await emu.slash(emu.member, "quote random", {"person": "옥택연"})).message()
    assert fields(reply)["Said by"] == "Ok Taec-yeon, plays Johan Hwang"


async def test_random_quote_from_someone_without_quotes(emu, bot):
    handle = await emu.slash(emu.member, "quote random", {"person": "Ryu Narutaki"})
    reply = await handle.message()
    assert reply.ephemeral
    assert reply.content == "I have no quotes from **Ryu Narutaki** yet."


async def test_quote_person_and_show_autocomplete(emu, bot):
    choices = await emu.autocomplete(
        emu.member, "quote random", {"person": "hay"}, focused="person"
    )
    assert choices[0]["value"] == "Hayato Isomura"
    choices = await emu.autocomplete(emu.member, "quote random", {"show": "mate"}, focused="show")
    assert choices == [{"name": "Soul Mate", "value": "Soul Mate"}]


@pytest.mark.parametrize("query", ["soulmate", "Soulmate", "soul"])
async def test_search_finds_hashizumes_soulmate_quote(emu, bot, query):
    reply = await (await emu.slash(emu.member, "quote search", {"text": query})).message()
    assert not reply.ephemeral
    description = reply.embeds[0]["description"]
    assert description.startswith("“Everyone involved in this project is a **soul")
    assert description.endswith("— Shunki Hashizume, *Soul Mate*")
    assert reply.embeds[0]["footer"]["text"] == "1 match"


@pytest.mark.parametrize("query", ["ryone INVOLVED in th", "involved in this project"])
async def test_search_finds_a_phrase_of_several_words_and_bolds_it(emu, bot, query):
    reply = await (await emu.slash(emu.member, "quote search", {"text": query})).message()
    description = reply.embeds[0]["description"]
    bold = description.split("**")[1]
    assert bold.lower() == query.lower()
    assert description.endswith("— Shunki Hashizume, *Soul Mate*")


async def test_search_with_many_matches_counts_them(emu, bot):
    reply = await (await emu.slash(emu.member, "quote search", {"text": "the"})).message()
    embed = reply.embeds[0]
    assert embed["footer"]["text"].endswith("matches")
    assert embed["description"].count("**") >= 4


HOSTILE = [
    '"', "'", "-", "*", "NEAR(", "NEAR(soul mate, 2)", "soul*", "-soul", "soul OR 1=1",
    '"; DROP TABLE quotes; --', "%", "_", "\\", "(((", "^", "text:soul", "**bold** @everyone",
]  # fmt: skip


@pytest.mark.parametrize("query", HOSTILE)
async def test_hostile_search_strings_get_results_or_a_polite_answer(emu, bot, query):
    reply = await (await emu.slash(emu.member, "quote search", {"text": query})).message()
    if reply.ephemeral:
        assert reply.content.startswith(("No quote contains", "Type some letters or numbers"))
    else:
        assert reply.embeds[0]["title"].startswith("Quotes matching")
    assert "Sorry, something went wrong" not in reply.content
    assert (await bot.db.fetch_one("SELECT count(*) FROM quotes"))[0] == 9
    assert not reply.mention_everyone


async def test_nothing_found(emu, bot):
    reply = await (await emu.slash(emu.member, "quote search", {"text": "zebra"})).message()
    assert reply.ephemeral
    assert reply.content == (
        "No quote contains “zebra”. Try a shorter fragment, or another spelling."
    )


async def test_many_results_are_paginated_for_the_member_who_searched(emu, bot):
    reply = await (await emu.slash(emu.member, "quote search", {"text": "in"})).message()  # 8
    first_page = reply.embeds[0]["description"]
    assert first_page.count("\n— ") == 5
    assert [b["label"] for b in reply.buttons()] == ["◀", "Page 1 of 2", "▶"]
    not_theirs = await emu.press_button(emu.admin, reply, "▶")
    refusal = await not_theirs.message()
    assert refusal.ephemeral
    assert refusal.content == "Only the person who ran the command can turn these pages."
    assert reply.embeds[0]["description"] == first_page
    await emu.press_button(emu.member, reply, "▶")
    await emu.wait_until(lambda: reply.embeds[0]["description"] != first_page, timeout=5)
    assert [b.get("disabled", False) for b in reply.buttons()] == [False, True, True]
    second_page = reply.embeds[0]["description"]  # read from the database when turned to
    assert second_page.count("\n— ") == 3
    assert all(line.split("”")[0] not in first_page for line in second_page.split("\n\n"))
    assert reply.embeds[0]["footer"]["text"] == "8 matches"


@pytest.mark.parametrize("paged_for_long", [False, True])
async def test_idle_pages_disable_their_buttons(emu, bot, monkeypatch, paged_for_long):
    monkeypatch.setattr(sys.modules["cogs.utils.paginator"], "TIMEOUT", 0.5)
    reply = await (await emu.slash(emu.member, "quote search", {"text": "in"})).message()
    if paged_for_long:  # past the command's 15-minute token, but within the last press's
        emu.clock.advance(14 * 60)
        await emu.press_button(emu.member, reply, "▶")
        await emu.wait_until(lambda: reply.buttons()[0].get("disabled") is False, timeout=5)
        emu.clock.advance(2 * 60)
    await emu.wait_until(
        lambda: all(button.get("disabled") for button in reply.buttons()), timeout=5
    )
    assert [b["label"] for b in reply.buttons()] == ["◀", f"Page {1 + paged_for_long} of 2", "▶"]


async def test_a_later_page_shows_only_quotes_that_still_match(emu, empty_db, clock):
    from tests.content import insert_quotes
    from tests.harness import ALL_COMMANDS, start_bot, stop_bot

    await insert_quotes(empty_db, [f"Line {n} of the dune" for n in range(6)])  # ids 1 to 6
    bot, task = await start_bot(emu, empty_db, clock)
    try:
        await emu.wait_for_commands(ALL_COMMANDS)
        reply = await (await emu.slash(emu.member, "quote search", {"text": "dune"})).message()
        assert [b["label"] for b in reply.buttons()] == ["◀", "Page 1 of 2", "▶"]
        # `db seed` drops the last quote, #6; a later seed adds another, which takes its number.
        async with empty_db.transaction() as conn:
            await conn.execute("DELETE FROM quotes WHERE id = 6")
        await insert_more(empty_db, "Nothing alike at all")
        assert (await empty_db.fetch_one("SELECT text FROM quotes WHERE id = 6"))[0] == (
            "Nothing alike at all"
        )
        await emu.press_button(emu.member, reply, "▶")
        await emu.wait_until(lambda: reply.buttons()[1]["label"] == "Page 2 of 2", timeout=5)
        assert reply.embeds[0]["description"] == (
            "The quotes on this page were removed after the search. Search again to see what's "
            "left."
        )
    finally:
        await stop_bot(bot, task)


async def insert_more(db, text: str) -> None:
    from bot.search import fold_text

    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO quotes (show_id, position, text, speaker_name, context, search_text)"
            " VALUES (1, 100, ?, 'Test', 'A test', ?)",
            (text, fold_text(text)),
        )


async def test_two_quick_presses_turn_two_pages_while_a_page_is_read(
    emu, empty_db, clock, monkeypatch
):
    from tests.content import insert_quotes
    from tests.harness import ALL_COMMANDS, start_bot, stop_bot

    await insert_quotes(empty_db, [f"Line {n} of the dune" for n in range(12)])
    bot, task = await start_bot(emu, empty_db, clock)
    try:
        await emu.wait_for_commands(ALL_COMMANDS)
        # The cog as the bot loaded it (an extension is a module of its own).
        pages = sys.modules["cogs.quotes"].SearchPages
        read_page = pages.page

        async def slow_page(self, index):
            await asyncio.sleep(0.2)  # as when the database is busy and the read waits
            return await read_page(self, index)

        monkeypatch.setattr(pages, "page", slow_page)
        reply = await (await emu.slash(emu.member, "quote search", {"text": "dune"})).message()
        assert reply.buttons()[1]["label"] == "Page 1 of 3"
        # The second press comes while the first is still reading its page.
        await asyncio.gather(
            emu.press_button(emu.member, reply, "▶"), emu.press_button(emu.member, reply, "▶")
        )
        await emu.wait_until(lambda: reply.buttons()[1]["label"] == "Page 3 of 3", timeout=5)
        assert reply.embeds[0]["description"].startswith("“Line 10 of the **dune**”")
    finally:
        await stop_bot(bot, task)
