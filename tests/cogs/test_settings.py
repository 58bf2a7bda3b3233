"""/settings end to end: each setting, its refusals, and its effect on /announce."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.db.announcements import get_announcement
from bot.db.guild_settings import add_ping_role, get_settings
from tests.content import shown_and_hidden


async def run(emu, command, options=None, user=None):
    return await (await emu.slash(user or emu.admin, command, options or {})).message()


async def open_post_form(emu, user, **options):
    handle = await emu.slash(user, "announce post", {"channel": "announcements", **options})
    return handle, await handle.response()


async def post_now(emu, **options):
    handle = await emu.slash(emu.admin, "announce post", {"channel": "announcements", **options})
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": "T", "Message": "M"})
    preview = await submitted.message()
    if not preview.buttons():
        return preview, None
    await emu.press_button(emu.admin, preview, "Post")
    await emu.wait_until(lambda: preview.content.startswith("**Posted**"), timeout=5)
    return preview, emu.channel_messages("announcements")[-1]


async def test_view_shows_the_defaults(emu, bot):
    reply = await run(emu, "settings view")
    assert reply.ephemeral
    text = reply.embeds[0]["description"]
    assert "**Time zone:** UTC" in text
    assert "**Announcer role:** none (only Manage Server)" in text
    assert "**Roles announcements may ping:** any role" in text
    assert "**@everyone and @here in announcements:** off" in text
    assert "**Quote of the day:** off" in text


async def test_view_shows_the_quote_of_the_day_and_says_when_it_is_paused(emu, bot, clock):
    general = emu.channel("general").id
    await run(emu, "settings quote-of-the-day on", {"channel": "general", "time": "13:00"})
    due = clock.now() + timedelta(hours=1)
    text = (await run(emu, "settings view")).embeds[0]["description"]
    assert (
        f"**Quote of the day:** in <#{general}> every day at 13:00 (UTC), "
        f"next <t:{int(due.timestamp())}:R>"
    ) in text
    emu.fail("POST", f"/channels/{general}/messages", 403, 50013, times=3)
    for _ in range(3):
        clock.set((await get_announcement(bot.db, emu.guild.id, 1)).due_at)
        await bot.scheduler.run_due()
    assert (await get_announcement(bot.db, emu.guild.id, 1)).state == "paused"
    clock.advance(timedelta(hours=1))
    text = (await run(emu, "settings view")).embeds[0]["description"]
    assert (
        f"**Quote of the day:** **paused** after 3 failed posts in a row in <#{general}>. "
        "The last error: Discord refused the post: I'm not allowed to post there "
        "(Missing Permissions). Once that is fixed, turn it on again with "
        "`/settings quote-of-the-day on`."
    ) in text
    assert "next <t:" not in text


async def test_timezone_is_set_from_a_real_zone_only(emu, bot):
    choices = await emu.autocomplete(
        emu.admin, "settings timezone", {"zone": "seoul"}, focused="zone"
    )
    assert {"name": "Asia/Seoul", "value": "Asia/Seoul"} in choices and len(choices) <= 25
    reply = await run(emu, "settings timezone", {"zone": "asia/seoul"})
    assert reply.content.startswith("Time zone set to **Asia/Seoul**")
    assert (await get_settings(bot.db, emu.guild.id)).timezone == "Asia/Seoul"
    for zone in ("Mars/Olympus", "localtime", "Factory"):  # the last two name no real zone
        reply = await run(emu, "settings timezone", {"zone": zone})
        assert reply.content.startswith(f"I don't know the time zone `{zone}`")
    assert (await get_settings(bot.db, emu.guild.id)).timezone == "Asia/Seoul"
    choices = await emu.autocomplete(
        emu.admin, "settings timezone", {"zone": "local"}, focused="zone"
    )
    assert choices == []


async def test_members_are_refused_at_run_time(emu, bot):
    emu.guild.allow_command("settings", emu.role("Watch Party"))
    reply = await run(emu, "settings timezone", {"zone": "Asia/Seoul"}, user=emu.member)
    assert reply.ephemeral
    assert reply.content == "You need the **Manage Server** permission to use this command."
    assert (await get_settings(bot.db, emu.guild.id)).timezone == "UTC"


async def test_the_announcer_role_may_use_announce(emu, bot):
    emu.guild.allow_command("announce", emu.role("Watch Party"))
    _, response = await open_post_form(emu, emu.member)
    assert response.data["content"] == (
        "You need the **Manage Server** permission to use this command."
    )
    reply = await run(emu, "settings announcer-role", {"role": "Watch Party"})
    assert "Server Settings → Integrations" in reply.content
    _, response = await open_post_form(emu, emu.member)
    assert response.type == 9  # the form opened
    await run(emu, "settings announcer-role")
    _, response = await open_post_form(emu, emu.member)
    assert response.type == 4 and "Manage Server" in response.data["content"]


async def test_a_preview_refuses_an_author_who_lost_the_announcer_role(emu, bot):
    emu.guild.allow_command("announce", emu.role("Watch Party"))
    await run(emu, "settings announcer-role", {"role": "Watch Party"})
    handle = await emu.slash(emu.member, "announce post", {"channel": "announcements"})
    submitted = await emu.submit_modal(emu.member, handle, {"Title": "T", "Message": "M"})
    preview = await submitted.message()
    await run(emu, "settings announcer-role")  # cleared while the preview is open
    press = await emu.press_button(emu.member, preview, "Post")
    reply = await press.message()
    assert reply.ephemeral
    assert reply.content == "You need the **Manage Server** permission to use this command."
    assert emu.channel_messages("announcements") == []
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_ping_roles_limit_what_announce_may_ping(emu, bot):
    reply = await run(emu, "settings ping-roles add", {"role": "Watch Party"})
    assert reply.content.startswith(f"<@&{emu.role('Watch Party').id}> may now be pinged")
    again = await run(emu, "settings ping-roles add", {"role": "Watch Party"})
    assert again.content.endswith("is already on the list.")
    _, response = await open_post_form(emu, emu.admin, ping="Moderators")
    assert "isn't one of the roles announcements may ping here" in response.data["content"]
    _, posted = await post_now(emu, ping="Watch Party")
    assert posted.mention_roles == [emu.role("Watch Party").id]
    await run(emu, "settings ping-roles remove", {"role": "Watch Party"})
    _, response = await open_post_form(emu, emu.admin, ping="Moderators")
    assert response.type == 9


async def test_a_long_ping_list_shows_whole_mentions_and_how_many_more(emu, bot):
    # A server may have 250 roles; all of them as mentions would not fit in one message.
    for role_id in range(10**17, 10**17 + 249):
        await add_ping_role(bot.db, emu.guild.id, role_id)
    reply = await run(emu, "settings ping-roles add", {"role": "Watch Party"})
    listed = reply.content.split("Allowed: ")[1].removesuffix(".")
    view = (await run(emu, "settings view")).embeds[0]["description"]
    line = next(line for line in view.splitlines() if line.startswith("**Roles announcements"))
    for roles in (listed, line.split(":** ")[1]):
        shown, hidden = shown_and_hidden(roles)
        assert shown == [f"<@&{10**17 + n}>" for n in range(len(shown))]
        assert len(shown) + hidden == 250


async def test_everyone_is_pinged_only_when_allowed(emu, bot):
    _, response = await open_post_form(emu, emu.admin, ping="@everyone")
    assert response.data["content"].startswith("Announcements can't ping @everyone in this server.")
    reply = await run(emu, "settings allow-everyone", {"state": "on"})
    assert reply.content.startswith("Announcements may now ping @everyone")
    _, posted = await post_now(emu, ping="@everyone")
    assert posted.content == "@everyone"
    assert posted.mention_everyone
    assert emu.pinged(posted) >= {emu.member.id, emu.admin.id}


async def test_here_is_pinged_only_when_allowed(emu, bot):
    _, response = await open_post_form(emu, emu.admin, here=True)
    assert response.data["content"].startswith("Announcements can't ping @here in this server.")
    assert emu.channel_messages("announcements") == []
    await run(emu, "settings allow-everyone", {"state": "on"})
    _, posted = await post_now(emu, here=True)
    assert posted.content == "@here"
    assert posted.mention_everyone and posted.mention_roles == []
    assert emu.pinged(posted) >= {emu.member.id, emu.admin.id}


async def test_here_beside_everyone_pings_everyone_once(emu, bot):
    await run(emu, "settings allow-everyone", {"state": "on"})
    _, posted = await post_now(emu, ping="@everyone", here=True)
    assert posted.content == "@everyone"


@pytest.mark.parametrize("time", ["25:00", "8pm", "12:60", "noon"])
async def test_quote_of_the_day_refuses_bad_times(emu, bot, time):
    reply = await run(emu, "settings quote-of-the-day on", {"channel": "general", "time": time})
    assert reply.ephemeral
    assert "as a time of day. Use 24-hour `HH:MM`" in reply.content


async def test_quote_of_the_day_refuses_a_channel_the_bot_cannot_post_in(emu, bot):
    reply = await run(
        emu, "settings quote-of-the-day on", {"channel": "read-only", "time": "20:00"}
    )
    assert reply.content.startswith(f"I can't post in <#{emu.channel('read-only').id}>")
    off = await run(emu, "settings quote-of-the-day off")
    assert off.content == "The quote of the day was already off."
