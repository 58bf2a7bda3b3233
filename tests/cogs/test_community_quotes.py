"""Member-submitted quotes end to end: submit, withdraw, review, remove, and where they show."""

from __future__ import annotations

import asyncio
import sys

import pytest

from bot.emulator import Emulator, default_world
from bot.emulator.discordpy import pointed_at
from tests.harness import ALL_COMMANDS, start_bot, stop_bot

LINE = "Bread is just toast that hasn't met its destiny."


async def run(emu, user, command, options=None):
    return await (await emu.slash(user, command, options or {})).message()


async def submit(emu, text=LINE, speaker="A fan", **options):
    return await run(emu, emu.member, "quote add", {"text": text, "speaker": speaker, **options})


async def review(emu, decision: str):
    panel = await run(emu, emu.admin, "quote review")
    await emu.press_button(emu.admin, panel, decision)
    await emu.wait_until(lambda: bool(panel.content), timeout=5, what="the review to be recorded")
    return panel


async def test_a_submitted_quote_waits_for_review_and_is_not_shown_yet(emu, bot):
    reply = await submit(emu, context="Overheard at a watch party")
    assert reply.ephemeral
    assert reply.content.startswith(
        "Thanks! Your quote from *Soul Mate* is waiting for a moderator's review"
    )
    search = await run(emu, emu.member, "quote search", {"text": "toast"})
    assert search.ephemeral and search.content.startswith("No quote contains")


class LastOfTheDraw:
    """Stands in for `random` in bot.db.quotes: always the last of the quotes drawn from, where
    a server's community quotes come, after the curated ones."""

    @staticmethod
    def randrange(stop: int) -> int:
        return stop - 1


async def test_approved_quotes_join_search_and_random_marked_as_community(emu, bot, monkeypatch):
    await submit(emu)
    panel = await review(emu, "Approve")
    assert panel.content == "Approved **#1**. That's all: no more quotes are waiting."
    search = await run(emu, emu.member, "quote search", {"text": "toast"})
    assert "**toast**" in search.embeds[0]["description"]
    assert "community quote" in search.embeds[0]["description"]
    # Drawn for certain, not by chance: 40 random draws from 10 quotes miss it 1.5% of the time.
    monkeypatch.setattr(sys.modules["bot.db.quotes"], "random", LastOfTheDraw)
    quote = await run(emu, emu.member, "quote random")
    assert "Community quote #1" in quote.embeds[0]["footer"]["text"]


async def test_rejected_quotes_never_show(emu, bot):
    await submit(emu)
    panel = await review(emu, "Reject")
    assert panel.content.startswith("Rejected **#1**.")
    search = await run(emu, emu.member, "quote search", {"text": "toast"})
    assert search.ephemeral


async def test_review_goes_through_the_queue_one_at_a_time(emu, bot):
    await submit(emu, text="First fan line.")
    await submit(emu, text="Second fan line.")
    panel = await run(emu, emu.admin, "quote review")
    assert panel.embeds[0]["title"] == "Community quote #1 · 2 waiting"
    await emu.press_button(emu.admin, panel, "Approve")
    await emu.wait_until(lambda: panel.content == "Approved **#1**.", timeout=5)
    assert panel.embeds[0]["title"] == "Community quote #2 · 1 waiting"
    await emu.press_button(emu.admin, panel, "Reject")
    await emu.wait_until(lambda: panel.content.startswith("Rejected **#2**."), timeout=5)
    assert panel.buttons() == []


async def test_a_double_click_decides_only_the_quote_on_screen(emu, bot):
    await submit(emu, text="First fan line.")
    await submit(emu, text="Second fan line.")
    panel = await run(emu, emu.admin, "quote review")
    # The first click's answer (the panel turning to #2) is still on its way when the second
    # click, on the panel that still shows #1, reaches the bot.
    hold = emu.hold("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
    await emu.press_button(emu.admin, panel, "Approve")
    await asyncio.wait_for(hold.arrived, 5)
    second = await emu.press_button(emu.admin, panel, "Approve")
    await second.response()
    hold.release()
    await emu.wait_until(lambda: panel.content == "Approved **#1**.", timeout=5)
    assert panel.embeds[0]["title"] == "Community quote #2 · 1 waiting"
    rows = await bot.db.fetch_all("SELECT id, state FROM community_quotes ORDER BY id")
    assert [tuple(row) for row in rows] == [(1, "approved"), (2, "pending")]


async def test_a_review_panel_refuses_a_moderator_who_lost_the_role(emu, bot):
    await submit(emu)
    await run(emu, emu.admin, "settings announcer-role", {"role": "Watch Party"})
    panel = await run(emu, emu.member, "quote review")  # the member has Watch Party
    await run(emu, emu.admin, "settings announcer-role")  # cleared while the panel is open
    press = await emu.press_button(emu.member, panel, "Approve")
    reply = await press.message()
    assert reply.ephemeral and reply.content.startswith("You need the **Manage Messages**")
    row = await bot.db.fetch_one("SELECT state FROM community_quotes WHERE id = 1")
    assert row["state"] == "pending"


@pytest.mark.parametrize("pressed_first", [False, True])
async def test_an_idle_review_panel_closes_itself(emu, bot, monkeypatch, pressed_first):
    monkeypatch.setattr(sys.modules["cogs.quotes"], "REVIEW_TIMEOUT", 0.3)
    await submit(emu, text="First fan line.")
    await submit(emu, text="Second fan line.")
    panel = await run(emu, emu.admin, "quote review")
    if pressed_first:  # the panel was last edited by a button, not by the command
        await emu.press_button(emu.admin, panel, "Approve")
        await emu.wait_until(lambda: panel.content == "Approved **#1**.", timeout=5)
    await emu.wait_until(lambda: panel.content.startswith("This review timed out"), timeout=5)
    assert panel.buttons() == [] and panel.embeds == []


async def test_duplicates_are_refused_politely(emu, bot):
    await submit(emu)
    again = await submit(emu, text=LINE.upper())
    assert again.content.startswith("That quote is already here")
    curated = await submit(emu, text="Everyone involved in this project is a soulmate.")
    assert curated.content.startswith("That quote is already here")


async def test_mentions_and_markdown_are_neutralised(emu, bot):
    role = emu.role("Watch Party").id
    text = f"**Bold** @everyone <@&{role}> ||spoiler||"
    await submit(emu, text=text, speaker="@here")
    await review(emu, "Approve")
    quote = await run(emu, emu.member, "quote search", {"text": "spoiler"})
    description = quote.embeds[0]["description"]
    assert description == (
        f"“\\*\\*Bold\\*\\* @\u200beveryone <@\u200b&{role}> \\|\\|**spoiler**\\|\\|”\n"
        "— @\u200bhere, *Soul Mate* · community quote"
    )
    assert not quote.mention_everyone and quote.mention_roles == []


async def test_the_submitter_may_withdraw_a_pending_quote(emu, bot):
    await submit(emu)
    reply = await run(emu, emu.member, "quote withdraw", {"id": 1})
    assert reply.content == "You withdrew community quote **#1**."
    assert (await run(emu, emu.admin, "quote review")).content == (
        "There are no quotes waiting for review."
    )
    again = await run(emu, emu.member, "quote withdraw", {"id": 1})
    assert again.content == "Community quote **#1** is withdrawn, so it can't be withdrawn now."


async def test_a_quote_withdrawn_while_on_the_review_panel_is_said_to_be(emu, bot):
    await submit(emu)
    panel = await run(emu, emu.admin, "quote review")
    await run(emu, emu.member, "quote withdraw", {"id": 1})
    await emu.press_button(emu.admin, panel, "Approve")
    await emu.wait_until(lambda: bool(panel.content), timeout=5, what="the panel to answer")
    assert panel.content.startswith("**#1** was withdrawn by the member who submitted it.")
    row = await bot.db.fetch_one("SELECT state FROM community_quotes WHERE id = 1")
    assert row["state"] == "withdrawn"


async def test_only_the_submitter_may_withdraw(emu, bot):
    await submit(emu)
    reply = await run(emu, emu.admin, "quote withdraw", {"id": 1})
    assert (
        reply.content == "Community quote **#1** isn't one you submitted, so you can't withdraw it."
    )


async def test_members_cannot_review_or_remove(emu, bot):
    await submit(emu)
    for command, options in (("quote review", {}), ("quote remove", {"id": 1})):
        reply = await run(emu, emu.member, command, options)
        assert reply.ephemeral
        assert "Manage Messages" in reply.content


async def test_a_moderator_removes_an_approved_quote(emu, bot):
    await submit(emu)
    await review(emu, "Approve")
    reply = await run(emu, emu.admin, "quote remove", {"id": 1})
    assert reply.content.startswith("Removed community quote **#1**")
    search = await run(emu, emu.member, "quote search", {"text": "toast"})
    assert search.ephemeral


async def test_quotes_from_one_server_never_show_in_another(db, clock):
    world = default_world()
    other = world.add_guild("Other Server", owner=world.user("owner"))
    world.add_bot_to(other)
    other.add_member(world.user("member"))
    other.add_channel("lobby")
    async with Emulator(world) as emu:
        with pointed_at(emu):
            bot, task = await start_bot(emu, db, clock)
            try:
                await emu.wait_for_commands(ALL_COMMANDS)
                await submit(emu)
                await review(emu, "Approve")
                handle = await emu.slash(
                    emu.member, "quote search", {"text": "toast"}, guild=other, channel="lobby"
                )
                reply = await handle.message()
                assert reply.ephemeral and reply.content.startswith("No quote contains")
                handle = await emu.slash(emu.member, "quote review", guild=other, channel="lobby")
                assert "Manage Messages" in (await handle.message()).content
            finally:
                await stop_bot(bot, task)


@pytest.mark.parametrize("text", ["   ", "!!!"])
async def test_empty_quotes_are_refused(emu, bot, text):
    reply = await submit(emu, text=text)
    assert reply.ephemeral and reply.content.startswith("A quote needs words")


async def test_a_two_character_hangul_fragment_finds_an_approved_quote(emu, bot):
    await submit(emu, text="택연 오빠 최고", speaker="A fan")
    await review(emu, "Approve")
    search = await run(emu, emu.member, "quote search", {"text": "오빠"})
    assert "**오빠**" in search.embeds[0]["description"]


async def approved(emu, bot, texts):
    """Quotes submitted by the member and approved, as a moderator's review leaves them."""
    from bot.db.community import change_state, submit_quote

    for text in texts:
        quote = await submit_quote(
            bot.db, guild_id=emu.guild.id, show_id=None, text=text, speaker="A fan",
            context=None, submitter_id=emu.member.id, now=bot.clock.now(),
        )  # fmt: skip
        await change_state(
            bot.db, quote, from_states=("pending",), to_state="approved",
            actor_id=emu.admin.id, now=bot.clock.now(),
        )  # fmt: skip


async def turn_to(emu, user, reply, button, page):
    await emu.press_button(user, reply, button)
    await emu.wait_until(lambda: reply.buttons()[1]["label"].startswith(f"Page {page} "), timeout=5)


async def test_removed_quotes_leave_pages_already_seen_and_shared(emu, bot):
    await approved(emu, bot, [f"Toast number {n}" for n in range(8)])  # #1 to #8
    mine = await run(emu, emu.member, "quote search", {"text": "toast"})
    theirs = await run(emu, emu.owner, "quote search", {"text": "toast"})  # the same search
    await turn_to(emu, emu.member, mine, "▶", 2)
    assert "Toast** number 7" in mine.embeds[0]["description"]
    # A moderator removes one quote from each page, while both members have them open.
    for quote_id in (1, 8):
        removed = await run(emu, emu.admin, "quote remove", {"id": quote_id})
        assert removed.content.startswith(f"Removed community quote **#{quote_id}**")
    await turn_to(emu, emu.owner, theirs, "▶", 2)
    assert theirs.embeds[0]["description"].count("Toast**") == 2
    assert "number 7" not in theirs.embeds[0]["description"]
    await turn_to(emu, emu.member, mine, "◀", 1)
    assert mine.embeds[0]["description"].count("Toast**") == 4
    assert "number 0" not in mine.embeds[0]["description"]


def show_field(panel) -> str | None:
    shown = {field["name"]: field["value"] for field in panel.embeds[0].get("fields", [])}
    return shown.get("Show")


async def test_a_quote_given_no_show_is_from_the_only_show(emu, bot):
    await submit(emu)
    assert show_field(await run(emu, emu.admin, "quote review")) == "Soul Mate"


@pytest.fixture
async def two_show_bot(emu, two_show_db, clock):
    running, task = await start_bot(emu, two_show_db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    yield running
    await stop_bot(running, task)


async def test_with_several_shows_a_quote_given_none_is_from_the_featured_show(emu, two_show_bot):
    unfiled = await submit(emu, text="A line from somewhere.")
    assert unfiled.content.startswith("Thanks! Your quote is waiting")
    await run(emu, emu.admin, "settings featured-show", {"title": "The Fictional Bakery"})
    featured = await submit(emu, text="A line from the bakery.")
    assert featured.content.startswith("Thanks! Your quote from *The Fictional Bakery* is")
    chosen = await submit(emu, text="A line from the other show.", show="Soul Mate")
    assert chosen.content.startswith("Thanks! Your quote from *Soul Mate* is")
    rows = await two_show_bot.db.fetch_all(
        "SELECT c.text, s.title FROM community_quotes c LEFT JOIN shows s ON s.id = c.show_id"
        " ORDER BY c.id"
    )
    assert [tuple(row) for row in rows] == [
        ("A line from somewhere.", None),
        ("A line from the bakery.", "The Fictional Bakery"),
        ("A line from the other show.", "Soul Mate"),
    ]
