"""The one error policy, end to end: expected errors are polite and private, the rest logged."""

import asyncio
import logging
import sys

import discord
import pytest

from bot.errors import APOLOGY, FORGOTTEN_BUTTONS, FORGOTTEN_FORM, InUse, Modal, View
from tests.harness import ALL_COMMANDS, start_bot, stop_bot


def loaded(module: str):
    # load_extension executes a fresh module object: patch that one, not a test-time import.
    return sys.modules[module]


@pytest.mark.unexpected_errors
async def test_unexpected_error_is_logged_with_traceback_and_answered_with_an_apology(
    emu, bot, monkeypatch, caplog
):
    async def broken(db):
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(loaded("cogs.about"), "content_counts", broken)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        reply = await (await emu.slash(emu.member, "about")).message()
    assert reply.ephemeral
    assert reply.content == APOLOGY
    [record] = [r for r in caplog.records if r.name == "bot.errors"]
    assert "Unexpected error in about" in record.getMessage()
    assert "the database caught fire" in str(record.exc_info[1])


@pytest.mark.unexpected_errors
async def test_a_button_failing_after_its_reply_gets_a_private_follow_up(
    emu, bot, monkeypatch, caplog
):
    async def broken(self, interaction, draft):
        raise RuntimeError("posting exploded")

    monkeypatch.setattr(loaded("cogs.announce").AnnounceCog, "publish", broken)
    handle = await emu.slash(emu.admin, "announce post", {"channel": "announcements"})
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": "T", "Message": "M"})
    preview = await submitted.message()
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        pressed = await emu.press_button(emu.admin, preview, "Post")
        follow_up = await pressed.followup(0)
    assert follow_up.ephemeral
    assert follow_up.content == APOLOGY
    assert any("posting exploded" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
    assert emu.channel_messages("announcements") == []


async def restarted(emu, db, clock, before):
    """Run `before` against one bot, then stop it and start another, as a restart would."""
    bot, task = await start_bot(emu, db, clock)
    try:
        await emu.wait_for_commands(ALL_COMMANDS)
        kept = await before()
    finally:
        await stop_bot(bot, task)
    return kept, await start_bot(emu, db, clock)


async def test_buttons_from_before_a_restart_get_a_polite_answer(emu, db, clock):
    async def search():
        return await (await emu.slash(emu.member, "quote search", {"text": "in"})).message()

    reply, (bot, task) = await restarted(emu, db, clock, search)
    try:
        first_page = reply.embeds[0]["description"]
        answer = await (await emu.press_button(emu.member, reply, "▶")).message()
        assert answer.ephemeral
        assert answer.content == FORGOTTEN_BUTTONS
        assert reply.embeds[0]["description"] == first_page
    finally:
        await stop_bot(bot, task)


async def test_a_form_left_open_across_a_restart_gets_a_polite_answer(emu, db, clock):
    async def open_form():
        handle = await emu.slash(emu.admin, "announce post", {"channel": "announcements"})
        await handle.modal()  # shown, then the bot stops while the admin types
        return handle

    form, (bot, task) = await restarted(emu, db, clock, open_form)
    try:
        submitted = await emu.submit_modal(emu.admin, form, {"Title": "T", "Message": "M"})
        answer = await submitted.message()
        assert answer.ephemeral
        assert answer.content == FORGOTTEN_FORM
        assert emu.channel_messages("announcements") == []
    finally:
        await stop_bot(bot, task)


async def test_a_bot_owns_the_buttons_and_forms_of_its_views_until_they_finish():
    in_use, elsewhere = InUse(), InUse()
    view, other_bots = View(in_use), View(elsewhere)
    button, other_button = discord.ui.Button(label="Go"), discord.ui.Button(label="Go")
    view.add_item(button)
    other_bots.add_item(other_button)
    form = Modal(in_use, title="A form")
    assert in_use.owns(button.custom_id)
    assert in_use.owns(form.custom_id)
    assert not in_use.owns(other_button.custom_id)
    assert not in_use.owns("something else")
    view.stop()
    form.stop()
    assert not in_use.owns(button.custom_id)
    assert not in_use.owns(form.custom_id)


async def test_a_button_that_finishes_its_view_is_answered_once(emu, bot):
    handle = await emu.slash(emu.admin, "announce post", {"channel": "announcements"})
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": "T", "Message": "M"})
    preview = await submitted.message()
    # Cancel stops its view before it answers: that must not look like a forgotten button.
    pressed = await emu.press_button(emu.admin, preview, "Cancel")
    await emu.wait_until(lambda: preview.content.startswith("Cancelled"), timeout=5)
    await asyncio.sleep(0.2)  # room for a second answer, were one coming
    callbacks = [r for r in emu.requests if r.route.endswith("/callback")]
    assert len([r for r in callbacks if pressed.token in r.path]) == 1
    assert pressed.followups == []
