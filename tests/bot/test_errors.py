"""The one error policy, end to end: expected errors are polite and private, the rest logged."""

import logging
import sys

import pytest

from bot.errors import APOLOGY


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
