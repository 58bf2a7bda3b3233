"""/announce schedule and the scheduler, end to end, with time moved by the test's clock."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.announcements import get_announcement
from bot.emulator import NONCE_WINDOW, Overwrite, Perm
from tests.harness import ALL_COMMANDS, start_bot, stop_bot


async def schedule(emu, when, *, title="Watch party", body="Episode night!", **options):
    handle = await emu.slash(
        emu.admin,
        "announce schedule",
        {"channel": "announcements", "when": when, **options},
        channel="general",
    )
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": title, "Message": body})
    return await submitted.message()


async def confirm(emu, preview, label="Schedule"):
    before = preview.content
    await emu.press_button(emu.admin, preview, label)
    await emu.wait_until(
        lambda: preview.content not in (before, "Working on it…"),
        timeout=5,
        what="the preview to show the result",
    )
    return preview.content


def posts(emu, channel="announcements"):
    return [m for m in emu.channel_messages(channel) if not m.deleted]


async def wait_for_posts(emu, bot, count, channel="announcements"):
    await emu.wait_until(
        lambda: len(posts(emu, channel)) >= count, timeout=5, what=f"{count} posts in #{channel}"
    )
    await settle(bot)  # and for the scheduler to record them
    return posts(emu, channel)


async def settle(bot):
    """Let the scheduler finish whatever is due now."""
    await bot.scheduler.run_due()


def ts(when: datetime, style: str) -> str:
    return f"<t:{int(when.timestamp())}:{style}>"


async def test_preview_states_the_time_as_discord_timestamps(emu, bot, clock):
    preview = await schedule(emu, "in 2h", ping="Watch Party")
    due = clock.now() + timedelta(hours=2)
    assert preview.ephemeral
    assert f"on {ts(due, 'F')} ({ts(due, 'R')})" in preview.content
    assert [b["label"] for b in preview.buttons()] == ["Schedule", "Cancel"]
    text = await confirm(emu, preview)
    assert text.startswith("**Scheduled** as announcement **#1**")
    assert posts(emu) == []


async def test_a_post_seconds_ahead_goes_out_exactly_once_on_time(emu, bot, clock):
    preview = await schedule(emu, "in 2s", ping="Watch Party")
    await confirm(emu, preview)
    clock.advance(timedelta(seconds=1))
    await settle(bot)
    assert posts(emu) == []
    clock.advance(timedelta(seconds=1))
    [post] = await wait_for_posts(emu, bot, 1)
    assert post.embeds[0]["title"] == "Watch party"
    assert post.content == f"<@&{emu.role('Watch Party').id}>"
    assert emu.pinged(post) == {emu.member.id}
    clock.advance(timedelta(hours=1))
    await settle(bot)
    assert len(posts(emu)) == 1
    [create] = emu.requests_to("POST", f"/channels/{emu.channel('announcements').id}/messages")
    assert create.json["nonce"] and create.json["enforce_nonce"] is True
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "posted" and announcement.message_id == post.id


async def test_iso_time_keeps_its_seconds(emu, bot, clock):
    due = clock.now() + timedelta(minutes=5, seconds=7)
    await confirm(emu, await schedule(emu, due.isoformat()))
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.due_at == due


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2020-01-01 10:00", "is in the past"),
        ("2026-02-30 10:00", "isn't a real date or time"),
        ("whenever", "I couldn't read `whenever` as a time"),
    ],
)
async def test_bad_times_are_refused_with_an_example(emu, bot, when, expected):
    handle = await emu.slash(
        emu.admin, "announce schedule", {"channel": "announcements", "when": when}
    )
    reply = await handle.message()
    assert reply.ephemeral
    assert expected in reply.content and "`in 2h`" in reply.content


async def test_restart_after_the_due_time_posts_once_at_start_up(emu, db, clock):
    bot, task = await start_bot(emu, db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    await confirm(emu, await schedule(emu, "in 10m"))
    await stop_bot(bot, task)
    clock.advance(timedelta(minutes=30))  # the bot was down when it came due
    bot, task = await start_bot(emu, db, clock)
    try:
        await wait_for_posts(emu, bot, 1)
        await settle(bot)
        assert len(posts(emu)) == 1
    finally:
        await stop_bot(bot, task)


async def test_past_the_grace_period_it_is_missed_not_posted(emu, db, clock):
    bot, task = await start_bot(emu, db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    await confirm(emu, await schedule(emu, "in 10m"))
    await stop_bot(bot, task)
    clock.advance(timedelta(hours=7))
    bot, task = await start_bot(emu, db, clock)
    try:
        await settle(bot)
        assert posts(emu) == []
        announcement = await get_announcement(db, emu.guild.id, 1)
        assert announcement.state == "missed"
        listing = await (await emu.slash(emu.admin, "announce list")).message()
        assert "**missed**" in listing.embeds[0]["description"]
    finally:
        await stop_bot(bot, task)


async def test_a_claimed_post_is_sent_again_with_the_same_nonce(emu, bot, clock):
    """What a crash right after the claim leaves behind: a 'posting' row and its nonce."""
    await confirm(emu, await schedule(emu, "in 1m"))
    channel = emu.channel("announcements")
    # The first attempt reaches Discord, but the bot never hears back (a crash or a timeout).
    emu.fail("POST", f"/channels/{channel.id}/messages", 503, 0)
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    first = emu.requests_to("POST", f"/channels/{channel.id}/messages")[-1].json["nonce"]
    clock.advance(timedelta(minutes=1))
    await wait_for_posts(emu, bot, 1)
    again = emu.requests_to("POST", f"/channels/{channel.id}/messages")[-1].json["nonce"]
    assert first == again
    assert len(posts(emu)) == 1


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [(403, 50013, "(Missing Permissions)"), (404, 10003, "(Unknown Channel)")],
)
async def test_permanent_failures_mark_it_failed_with_the_reason(
    emu, bot, clock, status, code, reason
):
    await confirm(emu, await schedule(emu, "in 1m"))
    emu.fail("POST", f"/channels/{emu.channel('announcements').id}/messages", status, code)
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "failed"
    assert reason in announcement.last_error
    listing = await (await emu.slash(emu.admin, "announce list")).message()
    assert f"**failed**: {announcement.last_error}" in listing.embeds[0]["description"]
    assert posts(emu) == []


async def test_temporary_errors_are_retried_later(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m"))
    emu.fail("POST", f"/channels/{emu.channel('announcements').id}/messages", 503, 0)
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "scheduled"
    assert announcement.attempt_at == clock.now() + timedelta(seconds=30)
    assert posts(emu) == []
    clock.advance(timedelta(seconds=30))
    await wait_for_posts(emu, bot, 1)


async def pause_a_daily_repeat(emu, bot, clock):
    """A daily repeat whose first three posts Discord refuses (Missing Permissions)."""
    await confirm(emu, await schedule(emu, "in 1h", repeat="daily"))
    emu.fail("POST", f"/channels/{emu.channel('announcements').id}/messages", 403, 50013, times=3)
    for _ in range(3):
        clock.set((await get_announcement(bot.db, emu.guild.id, 1)).due_at)
        await settle(bot)
    return await get_announcement(bot.db, emu.guild.id, 1)


async def test_a_repeat_that_fails_three_times_is_paused(emu, bot, clock):
    announcement = await pause_a_daily_repeat(emu, bot, clock)
    assert announcement.state == "paused" and announcement.failures == 3
    listing = await (await emu.slash(emu.admin, "announce list")).message()
    assert "**paused** after 3 failures in a row" in listing.embeds[0]["description"]


async def test_a_paused_repeat_resumes_at_its_next_occurrence(emu, bot, clock):
    paused = await pause_a_daily_repeat(emu, bot, clock)
    assert paused.state == "paused"
    listing = await (await emu.slash(emu.admin, "announce list")).message()
    assert "Once that is fixed, `/announce resume id:1`" in listing.embeds[0]["description"]
    clock.advance(timedelta(hours=5))
    reply = await (await emu.slash(emu.admin, "announce resume", {"id": 1})).message()
    due = paused.due_at + timedelta(days=1)
    assert reply.ephemeral
    assert reply.content == (
        f"Announcement **#1** is back on, every day: next on {ts(due, 'F')} ({ts(due, 'R')})."
    )
    resumed = await get_announcement(bot.db, emu.guild.id, 1)
    assert (resumed.state, resumed.due_at, resumed.failures) == ("scheduled", due, 0)
    clock.set(due)
    [post] = await wait_for_posts(emu, bot, 1)
    assert post.embeds[0]["title"] == "Watch party"
    log = await (await emu.slash(emu.admin, "announce log")).message()
    assert "**resumed** `#1`" in log.embeds[0]["description"]


async def test_a_paused_repeat_stays_paused_while_the_bot_still_cannot_post(emu, bot, clock):
    await pause_a_daily_repeat(emu, bot, clock)
    bot_role = next(role for role in emu.guild.roles if role.managed)
    await emu.set_overwrites("announcements", [Overwrite.role(bot_role, deny=Perm.SEND_MESSAGES)])
    reply = await (await emu.slash(emu.admin, "announce resume", {"id": 1})).message()
    assert reply.ephemeral
    assert reply.content.startswith("I can't post in <#")
    assert "**Send Messages**" in reply.content
    assert (await get_announcement(bot.db, emu.guild.id, 1)).state == "paused"


async def test_only_a_paused_repeat_can_be_resumed(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1h", repeat="daily"))
    reply = await (await emu.slash(emu.admin, "announce resume", {"id": 1})).message()
    assert reply.content == "Announcement **#1** is scheduled: only a paused repeat can be resumed."
    # Shown to a member by a server's override, the command still refuses them.
    emu.guild.allow_command("announce", emu.role("Watch Party"))
    member = await (await emu.slash(emu.member, "announce resume", {"id": 1})).message()
    assert member.content == "You need the **Manage Server** permission to use this command."
    assert (await get_announcement(bot.db, emu.guild.id, 1)).state == "scheduled"


async def test_weekly_repeat_keeps_local_time_across_dst_in_berlin(emu, bot, clock):
    clock.set(datetime(2027, 3, 20, 12, 0, tzinfo=UTC))
    await (await emu.slash(emu.admin, "settings timezone", {"zone": "Europe/Berlin"})).message()
    await confirm(emu, await schedule(emu, "2027-03-21 20:00", repeat="weekly"))
    clock.set(datetime(2027, 3, 21, 19, 0, tzinfo=UTC))  # 20:00 CET
    await wait_for_posts(emu, bot, 1)
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "scheduled"
    assert announcement.due_at == datetime(2027, 3, 28, 18, 0, tzinfo=UTC)  # 20:00 CEST
    clock.set(datetime(2027, 3, 28, 17, 59, tzinfo=UTC))
    await settle(bot)
    assert len(posts(emu)) == 1
    clock.advance(timedelta(minutes=1))
    await wait_for_posts(emu, bot, 2)


async def test_editing_a_scheduled_post_changes_what_goes_out(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1h", title="Old title", body="Old text"))
    form = await emu.slash(emu.admin, "announce edit", {"id": 1})
    modal = await form.modal()
    defaults = [c.get("value") for c in _inputs(modal)]
    assert defaults == ["Old title", "Old text"]
    done = await emu.submit_modal(emu.admin, form, {"Title": "New title", "Message": "New text"})
    reply = await done.message()
    assert reply.content.startswith("**Updated** announcement **#1**")
    clock.advance(timedelta(hours=1))
    [post] = await wait_for_posts(emu, bot, 1)
    assert (post.embeds[0]["title"], post.embeds[0]["description"]) == ("New title", "New text")


async def test_editing_a_posted_announcement_edits_the_message_in_place(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m", ping="Watch Party"))
    clock.advance(timedelta(minutes=1))
    [post] = await wait_for_posts(emu, bot, 1)
    form = await emu.slash(emu.admin, "announce edit", {"id": 1})
    body = "Now with @everyone typed in"
    done = await emu.submit_modal(emu.admin, form, {"Title": "Edited", "Message": body})
    reply = await done.message()
    assert reply.content.startswith("**Edited** announcement **#1** in place")
    assert post.embeds[0]["description"] == body
    assert not post.mention_everyone
    assert post.mention_roles == [emu.role("Watch Party").id]
    assert len(posts(emu)) == 1


async def test_delete_asks_first_then_deletes_the_message(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m"))
    clock.advance(timedelta(minutes=1))
    [post] = await wait_for_posts(emu, bot, 1)
    question = await (await emu.slash(emu.admin, "announce delete", {"id": 1})).message()
    assert question.ephemeral and question.content.startswith("Delete announcement **#1**")
    assert not post.deleted
    assert (
        await confirm(emu, question, "Delete") == "**Deleted** announcement **#1** and its message."
    )
    assert post.deleted


async def test_keep_changes_nothing_and_cancel_stops_a_repeat(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1h", repeat="daily"))
    question = await (await emu.slash(emu.admin, "announce delete", {"id": 1})).message()
    await emu.press_button(emu.admin, question, "Keep")
    await emu.wait_until(lambda: question.content == "Kept. Nothing was changed.", timeout=5)
    question = await (await emu.slash(emu.admin, "announce delete", {"id": 1})).message()
    assert "and the repeat stops" in question.content
    assert (await confirm(emu, question, "Cancel it")).startswith("**Cancelled**")
    clock.advance(timedelta(days=3))
    await settle(bot)
    assert posts(emu) == []


async def test_unknown_ids_and_other_servers_ids_are_not_found(emu, bot):
    reply = await (await emu.slash(emu.admin, "announce edit", {"id": 99})).message()
    assert reply.content == (
        "There's no announcement **#99** in this server. `/announce list` shows them all."
    )


async def test_the_audit_log_records_every_action(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m"))
    clock.advance(timedelta(minutes=1))
    await wait_for_posts(emu, bot, 1)
    form = await emu.slash(emu.admin, "announce edit", {"id": 1})
    await (await emu.submit_modal(emu.admin, form, {"Title": "E", "Message": "E"})).message()
    await confirm(
        emu, await (await emu.slash(emu.admin, "announce delete", {"id": 1})).message(), "Delete"
    )
    await (await emu.slash(emu.admin, "settings auto-publish", {"state": "on"})).message()
    log = await (await emu.slash(emu.admin, "announce log")).message()
    text = log.embeds[0]["description"]
    admin = f"<@{emu.admin.id}>"
    for line in (
        f"{admin} **settings**: auto-publish on",
        f"{admin} **deleted** `#1`",
        f"{admin} **edited** `#1`",
        "the bot **posted** `#1`",
        f"{admin} **scheduled** `#1`",
    ):
        assert line in text
    assert text.index("**deleted**") < text.index("**edited**") < text.index("**posted**")


async def test_auto_publish_crossposts_in_announcement_channels(emu, bot, clock):
    await (await emu.slash(emu.admin, "settings auto-publish", {"state": "on"})).message()
    handle = await emu.slash(emu.admin, "announce schedule", {"channel": "news", "when": "in 1m"})
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": "News", "Message": "Big news"})
    await confirm(emu, await submitted.message())
    clock.advance(timedelta(minutes=1))
    [post] = await wait_for_posts(emu, bot, 1, channel="news")
    await emu.wait_until(lambda: post.flags & 1, timeout=5, what="the post to be crossposted")


async def test_quote_of_the_day(emu, bot, clock):
    reply = await (
        await emu.slash(
            emu.admin, "settings quote-of-the-day on", {"channel": "general", "time": "13:00"}
        )
    ).message()
    assert reply.content.startswith(
        f"A quote of the day will be posted in <#{emu.channel('general').id}>"
    )
    clock.advance(timedelta(hours=1))  # the clock starts at 12:00 UTC
    [post] = await wait_for_posts(emu, bot, 1, channel="general")
    assert post.embeds[0]["title"] == "Quote of the day"
    assert post.embeds[0]["fields"][0]["name"] == "Said by"
    assert not post.mention_everyone and post.mention_roles == []
    clock.advance(timedelta(days=1))
    await wait_for_posts(emu, bot, 2, channel="general")
    off = await (await emu.slash(emu.admin, "settings quote-of-the-day off")).message()
    assert off.content == "The quote of the day is off."


async def test_announce_leaves_the_quote_of_the_day_to_settings(emu, bot, clock):
    on = {"channel": "general", "time": "13:00"}
    await (await emu.slash(emu.admin, "settings quote-of-the-day on", on)).message()
    to_settings = (
        "That's the quote of the day. Change it with `/settings quote-of-the-day on`, or stop it "
        "with `/settings quote-of-the-day off`."
    )
    await confirm(emu, await schedule(emu, "in 2h", title="Watch party"))
    for command in ("announce edit", "announce delete"):
        reply = await (await emu.slash(emu.admin, command, {"id": 1})).message()
        assert reply.ephemeral and reply.content == to_settings
        assert not reply.buttons()
        # Nor is it offered there: only the announcement is.
        choices = await emu.autocomplete(emu.admin, command, {"id": ""}, "id")
        assert [choice["value"] for choice in choices] == [2]
    assert (await get_announcement(bot.db, emu.guild.id, 1)).state == "scheduled"
    clock.advance(timedelta(hours=1))
    await wait_for_posts(emu, bot, 1, channel="general")


async def test_list_is_paginated_for_its_author(emu, bot, clock):
    for number in range(12):
        await confirm(emu, await schedule(emu, f"in {number + 1}h", title=f"Post {number + 1}"))
    listing = await (await emu.slash(emu.admin, "announce list")).message()
    assert listing.ephemeral
    assert "Post 1**" in listing.embeds[0]["description"]
    labels = [b["label"] for b in listing.buttons()]
    assert labels == ["◀", "Page 1 of 2", "▶"]
    await emu.press_button(emu.admin, listing, "▶")
    await emu.wait_until(lambda: "Post 11**" in listing.embeds[0]["description"], timeout=5)


def _inputs(component) -> list[dict]:
    found = []
    if isinstance(component, dict):
        if component.get("type") == 4:
            found.append(component)
        for key in ("components", "component"):
            value = component.get(key)
            children = value if isinstance(value, list) else [value] if value else []
            for child in children:
                found += _inputs(child)
    return found


async def test_after_a_long_crash_the_post_is_found_instead_of_sent_again(emu, db, clock):
    """Past Discord's nonce window only the channel itself can tell that the post went out."""
    bot, task = await start_bot(emu, db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    await confirm(emu, await schedule(emu, "in 1m"))
    channel = emu.channel("announcements")
    hold = emu.hold("POST", f"/channels/{channel.id}/messages", after_processing=True)
    clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(hold.arrived, 5)  # created in Discord; the bot never hears back
    await stop_bot(bot, task)
    hold.drop()
    emu.clock.advance(NONCE_WINDOW.total_seconds() + 60)
    clock.advance(NONCE_WINDOW + timedelta(minutes=1))
    bot, task = await start_bot(emu, db, clock)
    try:
        await settle(bot)
        assert len(posts(emu)) == 1
        announcement = await get_announcement(db, emu.guild.id, 1)
        assert announcement.state == "posted"
        assert announcement.message_id == posts(emu)[0].id
        assert len(emu.requests_to("POST", f"/channels/{channel.id}/messages")) == 1
    finally:
        await stop_bot(bot, task)


async def test_a_deleted_channel_fails_the_post_with_the_reason(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m"))
    await emu.delete_channel("announcements")
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "failed"
    assert announcement.last_error == "The channel no longer exists (Unknown Channel)."


async def test_lost_permission_fails_the_post_with_the_reason(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m"))
    bot_role = next(role for role in emu.guild.roles if role.managed)
    await emu.set_overwrites("announcements", [Overwrite.role(bot_role, deny=Perm.SEND_MESSAGES)])
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "failed"
    assert announcement.last_error == (
        "I'm missing Send Messages in that channel (Missing Permissions)."
    )
    assert emu.requests_to("POST", f"/channels/{emu.channel('announcements').id}/messages") == []


async def test_a_post_that_went_out_before_a_long_outage_is_not_marked_missed(emu, db, clock):
    bot, task = await start_bot(emu, db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    await confirm(emu, await schedule(emu, "in 1m"))
    channel = emu.channel("announcements")
    hold = emu.hold("POST", f"/channels/{channel.id}/messages", after_processing=True)
    clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(hold.arrived, 5)
    await stop_bot(bot, task)
    hold.drop()
    clock.advance(timedelta(hours=7))  # past the grace period
    bot, task = await start_bot(emu, db, clock)
    try:
        await settle(bot)
        announcement = await get_announcement(db, emu.guild.id, 1)
        assert announcement.state == "posted"
        assert announcement.message_id == posts(emu)[0].id
        assert len(posts(emu)) == 1
    finally:
        await stop_bot(bot, task)


@pytest.mark.parametrize(
    ("pings", "allowed", "forbidden", "reason"),
    [
        (
            {"ping": "@everyone"},
            [("settings allow-everyone", {"state": "on"})],
            ("settings allow-everyone", {"state": "off"}),
            "@everyone may no longer be pinged in this server",
        ),
        (
            {"here": True},
            [("settings allow-everyone", {"state": "on"})],
            ("settings allow-everyone", {"state": "off"}),
            "@here may no longer be pinged in this server",
        ),
        (
            {"ping": "Watch Party"},
            [
                ("settings ping-roles add", {"role": "Watch Party"}),
                ("settings ping-roles add", {"role": "Moderators"}),
            ],
            ("settings ping-roles remove", {"role": "Watch Party"}),
            "<@&{role}> is no longer one of the roles announcements may ping here",
        ),
    ],
)
async def test_a_ping_the_server_stopped_allowing_is_never_sent(
    emu, bot, clock, pings, allowed, forbidden, reason
):
    for command, options in allowed:
        await (await emu.slash(emu.admin, command, options)).message()
    await confirm(emu, await schedule(emu, "in 1m", **pings))
    await (await emu.slash(emu.admin, *forbidden)).message()
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    assert posts(emu) == []
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "failed"
    assert announcement.last_error.startswith(reason.format(role=emu.role("Watch Party").id))


async def test_a_scheduled_announcement_pings_its_role_and_here_when_it_goes_out(emu, bot, clock):
    await (await emu.slash(emu.admin, "settings allow-everyone", {"state": "on"})).message()
    preview = await schedule(emu, "in 1m", ping="Watch Party", here=True)
    role = emu.role("Watch Party")
    assert f", pinging <@&{role.id}> and @here." in preview.content
    await confirm(emu, preview)
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    [post] = posts(emu)
    assert post.content == f"<@&{role.id}> @here"
    assert post.mention_roles == [role.id] and post.mention_everyone
    assert emu.pinged(post) >= {emu.member.id, emu.admin.id}


async def test_a_ping_the_server_stopped_allowing_while_the_preview_was_open(emu, bot):
    await (await emu.slash(emu.admin, "settings allow-everyone", {"state": "on"})).message()
    opened = await emu.slash(
        emu.admin, "announce post", {"channel": "announcements", "ping": "@everyone"}
    )
    submitted = await emu.submit_modal(emu.admin, opened, {"Title": "T", "Message": "B"})
    preview = await submitted.message()
    await (await emu.slash(emu.owner, "settings allow-everyone", {"state": "off"})).message()
    text = await confirm(emu, preview, "Post")
    assert text.startswith("@everyone may no longer be pinged in this server")
    assert text.endswith("Nothing was posted.")
    assert posts(emu) == []
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_a_time_that_passed_while_the_preview_was_open_is_not_scheduled(emu, bot, clock):
    preview = await schedule(emu, "in 1m", ping="Watch Party")
    due = clock.now() + timedelta(minutes=1)
    clock.advance(timedelta(minutes=5))  # the admin looked away before pressing Schedule
    text = await confirm(emu, preview)
    assert text == (
        f"The time you chose, {ts(due, 'F')} ({ts(due, 'R')}), passed while the preview was "
        "open. Nothing was scheduled: run `/announce schedule` again with a later time."
    )
    await settle(bot)
    assert posts(emu) == []
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_a_repeat_down_for_a_day_posts_the_occurrence_still_within_grace(emu, db, clock):
    """Yesterday's occurrence is missed, but today's is only an hour late: it still goes out."""
    bot, task = await start_bot(emu, db, clock)
    await emu.wait_for_commands(ALL_COMMANDS)
    await confirm(emu, await schedule(emu, "in 1h", repeat="daily"))
    first_due = clock.now() + timedelta(hours=1)
    await stop_bot(bot, task)
    clock.advance(timedelta(hours=26))  # down across yesterday's and (by an hour) today's
    bot, task = await start_bot(emu, db, clock)
    try:
        [post] = await wait_for_posts(emu, bot, 1)
        await settle(bot)
        assert post.embeds[0]["title"] == "Watch party"
        assert len(posts(emu)) == 1
        announcement = await get_announcement(db, emu.guild.id, 1)
        assert announcement.state == "scheduled"
        assert announcement.due_at == first_due + timedelta(days=2)
        log = await (await emu.slash(emu.admin, "announce log")).message()
        assert "the bot **missed** `#1`" in log.embeds[0]["description"]
    finally:
        await stop_bot(bot, task)


async def test_an_edit_while_an_earlier_post_is_sending_changes_what_goes_out(emu, bot, clock):
    """Two posts due together: the second is edited while the first is still being sent."""
    await confirm(emu, await schedule(emu, "in 1m", title="First", body="First text"))
    await confirm(emu, await schedule(emu, "in 1m", title="Old title", body="Old text"))
    channel = emu.channel("announcements")
    hold = emu.hold("POST", f"/channels/{channel.id}/messages")
    clock.advance(timedelta(minutes=1))
    await asyncio.wait_for(hold.arrived, 5)  # the first is on its way; the second is next
    form = await emu.slash(emu.admin, "announce edit", {"id": 2})
    done = await emu.submit_modal(emu.admin, form, {"Title": "New title", "Message": "New text"})
    reply = await done.message()
    assert reply.content.startswith("**Updated** announcement **#2**. The new text goes out")
    hold.release()
    await wait_for_posts(emu, bot, 2)
    first, second = posts(emu)
    assert first.embeds[0]["title"] == "First"
    assert (second.embeds[0]["title"], second.embeds[0]["description"]) == (
        "New title",
        "New text",
    )


async def test_a_ping_role_deleted_before_the_post_fails_it_with_the_reason(emu, bot, clock):
    await confirm(emu, await schedule(emu, "in 1m", ping="Watch Party"))
    role_id = emu.role("Watch Party").id
    await emu.delete_role("Watch Party")
    clock.advance(timedelta(minutes=1))
    await settle(bot)
    assert posts(emu) == []
    announcement = await get_announcement(bot.db, emu.guild.id, 1)
    assert announcement.state == "failed"
    assert announcement.last_error == f"The role <@&{role_id}> no longer exists."
    listing = await (await emu.slash(emu.admin, "announce list")).message()
    assert (
        f"**failed**: The role <@&{role_id}> no longer exists."
        in (listing.embeds[0]["description"])
    )


async def set_zone(emu, zone):
    return await (await emu.slash(emu.admin, "settings timezone", {"zone": zone})).message()


async def test_a_new_time_zone_offers_to_move_the_repeats_written_in_the_old_one(emu, bot, clock):
    # 2026-11-25 12:00 UTC: the server still reads times in UTC, its default.
    await confirm(emu, await schedule(emu, "tomorrow 20:00", repeat="daily"))
    await confirm(emu, await schedule(emu, "in 3h", title="Once"))  # a one-off: a moment, kept
    reply = await set_zone(emu, "Asia/Seoul")
    assert reply.ephemeral
    assert reply.content.endswith(
        "These repeats still post at their clock time in another zone:\n"
        "• `#1` **Watch party**: every day at 20:00 (UTC)\n"
        "**Move them to Asia/Seoul** to post each at the same clock time in Asia/Seoul from now "
        "on, or **Keep them**."
    )
    assert [button["label"] for button in reply.buttons()] == [
        "Move them to Asia/Seoul", "Keep them",
    ]  # fmt: skip
    text = await confirm(emu, reply, "Move them to Asia/Seoul")
    seoul_evening = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)  # 20:00 in Seoul
    next_time = f"{ts(seoul_evening, 'F')} ({ts(seoul_evening, 'R')})"
    assert text == f"Moved to Asia/Seoul:\n• `#1` **Watch party**: next {next_time}"
    moved = await get_announcement(bot.db, emu.guild.id, 1)
    assert (moved.timezone, moved.due_at) == ("Asia/Seoul", seoul_evening)
    assert (await get_announcement(bot.db, emu.guild.id, 2)).timezone == "UTC"
    clock.set(seoul_evening)
    await wait_for_posts(emu, bot, 1)
    clock.set(datetime(2026, 11, 26, 20, 0, tzinfo=UTC))  # the old time posts nothing more
    await settle(bot)
    assert [p.embeds[0]["title"] for p in posts(emu)] == ["Watch party"]
    log = await (await emu.slash(emu.admin, "announce log")).message()
    assert (
        "**moved** `#1`: to Asia/Seoul, next 2026-11-26T11:00:00+00:00"
        in log.embeds[0]["description"]
    )


async def test_keeping_the_repeats_leaves_them_in_their_zone(emu, bot, clock):
    await confirm(emu, await schedule(emu, "tomorrow 20:00", repeat="weekly"))
    reply = await set_zone(emu, "Europe/Berlin")
    assert "• `#1` **Watch party**: every Thursday at 20:00 (UTC)" in reply.content
    text = await confirm(emu, reply, "Keep them")
    assert text == "Kept: the repeats post at their clock time in their own zones, as before."
    kept = await get_announcement(bot.db, emu.guild.id, 1)
    assert (kept.timezone, kept.due_at) == ("UTC", datetime(2026, 11, 26, 20, 0, tzinfo=UTC))


async def test_the_quote_of_the_day_moves_with_the_time_zone_too(emu, bot, clock):
    channel = {"channel": "general", "time": "09:00"}
    await (await emu.slash(emu.admin, "settings quote-of-the-day on", channel)).message()
    reply = await set_zone(emu, "Asia/Tokyo")
    assert "• the quote of the day: every day at 09:00 (UTC)" in reply.content
    text = await confirm(emu, reply, "Move them to Asia/Tokyo")
    tokyo_morning = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    assert text.startswith(
        f"Moved to Asia/Tokyo:\n• the quote of the day: next {ts(tokyo_morning, 'F')}"
    )
    view = await (await emu.slash(emu.admin, "settings view")).message()
    assert "every day at 09:00 (Asia/Tokyo)" in view.embeds[0]["description"]


async def test_nothing_moves_once_the_zone_changed_again(emu, bot, clock):
    await confirm(emu, await schedule(emu, "tomorrow 20:00", repeat="daily"))
    first = await set_zone(emu, "Asia/Seoul")
    await set_zone(emu, "Asia/Tokyo")
    text = await confirm(emu, first, "Move them to Asia/Seoul")
    assert text.startswith("The time zone is **Asia/Tokyo** now, not Asia/Seoul, so nothing")
    assert (await get_announcement(bot.db, emu.guild.id, 1)).timezone == "UTC"


async def test_unanswered_zone_buttons_expire_and_leave_the_repeats(emu, bot, monkeypatch):
    monkeypatch.setattr(sys.modules["cogs.utils.confirm"], "TIMEOUT", 0.2)
    await confirm(emu, await schedule(emu, "tomorrow 20:00", repeat="daily"))
    reply = await set_zone(emu, "Asia/Seoul")
    await emu.wait_until(lambda: reply.buttons() == [], timeout=5, what="the buttons to expire")
    assert reply.content == (
        "These buttons expired, so the repeats were left as they were. Run `/settings timezone` "
        "again to move them."
    )
    assert (await get_announcement(bot.db, emu.guild.id, 1)).timezone == "UTC"
