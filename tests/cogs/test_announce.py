"""/announce post end to end: the form, the preview, Post and Cancel, pings, and every refusal."""

from __future__ import annotations

import sys

import pytest

from bot.emulator import Emulator, EmulatorError, Perm, default_world
from bot.emulator.discordpy import pointed_at
from tests.harness import ALL_COMMANDS, start_bot, stop_bot

BODY = "First line.\nSecond line, with @everyone, @here and <@&{role}> typed in.\n\nLast line."


async def open_form(emu, channel="announcements", user=None, **options):
    handle = await emu.slash(
        user or emu.admin, "announce post", {"channel": channel, **options}, channel="general"
    )
    return handle


async def preview_for(emu, title="Watch party tonight!", body="Bring snacks.", **options):
    handle = await open_form(emu, **options)
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": title, "Message": body})
    return await submitted.message()


async def wait_for_text(emu, message, prefix: str):
    await emu.wait_until(
        lambda: message.content.startswith(prefix), timeout=5, what=f"message to say {prefix!r}"
    )


async def test_form_has_a_title_and_a_message_input(emu, bot):
    modal = await (await open_form(emu)).modal()
    assert modal["title"] == "New announcement"
    inputs = [c for row in modal["components"] for c in _inputs(row)]
    assert [(i["label"], i["style"], i.get("max_length")) for i in inputs] == [
        ("Title", 1, 256),
        ("Message", 2, 4000),
    ]


def _inputs(component: dict) -> list[dict]:
    if component.get("type") == 4:
        return [component]
    children = component.get("components") or [component.get("component") or {}]
    return [c for child in children for c in _inputs(child)] if children != [{}] else []


async def test_post_sends_the_embed_and_pings_only_the_chosen_role(emu, bot, clock):
    watch_party = emu.role("Watch Party")
    body = BODY.format(role=emu.role("Moderators").id)
    preview = await preview_for(emu, body=body, ping="Watch Party", color="#ff8800")

    assert preview.ephemeral
    channel = emu.channel("announcements")
    assert preview.content.startswith(
        f"**Preview.** This will be posted in <#{channel.id}>, pinging <@&{watch_party.id}>."
    )
    assert preview.embeds[0]["title"] == "Watch party tonight!"
    assert preview.embeds[0]["description"] == body.strip()
    assert [b["label"] for b in preview.buttons()] == ["Post", "Cancel"]
    assert emu.channel_messages("announcements") == []  # nothing posted before Post

    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "**Posted**")

    [posted] = emu.channel_messages("announcements")
    assert posted.content == f"<@&{watch_party.id}>"
    assert posted.embeds[0]["title"] == "Watch party tonight!"
    assert posted.embeds[0]["description"] == body.strip()  # line breaks kept
    assert posted.embeds[0]["color"] == 0xFF8800
    assert posted.mention_roles == [watch_party.id]
    assert not posted.mention_everyone
    assert emu.pinged(posted) == {emu.member.id}  # the Watch Party member, nobody else
    assert preview.content == (
        f"**Posted** in <#{channel.id}>: "
        f"https://discord.com/channels/{emu.guild.id}/{channel.id}/{posted.id}"
    )
    assert preview.buttons() == []

    row = await bot.db.fetch_one(
        "SELECT id, guild_id, channel_id, message_id, author_id, title, body, ping_role_id, color,"
        " image_url, posted_at, state FROM announcements"
    )
    assert dict(row) == {
        "state": "posted",
        "id": 1,
        "guild_id": emu.guild.id,
        "channel_id": channel.id,
        "message_id": posted.id,
        "author_id": emu.admin.id,
        "title": "Watch party tonight!",
        "body": body.strip(),
        "ping_role_id": watch_party.id,
        "color": 0xFF8800,
        "image_url": None,
        "posted_at": clock.now().isoformat(),
    }


async def test_without_ping_nobody_is_pinged_whatever_the_text_says(emu, bot):
    body = BODY.format(role=emu.role("Watch Party").id)
    preview = await preview_for(emu, body=body, image_url="https://example.com/poster.png")
    assert "pinging nobody" in preview.content
    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "**Posted**")
    [posted] = emu.channel_messages("announcements")
    assert posted.content == ""
    assert posted.embeds[0]["image"]["url"] == "https://example.com/poster.png"
    assert posted.mention_roles == [] and not posted.mention_everyone
    assert emu.pinged(posted) == set()


async def test_cancel_posts_nothing(emu, bot):
    preview = await preview_for(emu, ping="Watch Party")
    await emu.press_button(emu.admin, preview, "Cancel")
    await wait_for_text(emu, preview, "Cancelled")
    assert preview.content == "Cancelled. Nothing was posted."
    assert preview.embeds == [] and preview.buttons() == []
    assert emu.channel_messages("announcements") == []
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_posting_to_an_announcement_channel(emu, bot):
    preview = await preview_for(emu, channel="news")
    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "**Posted**")
    assert len(emu.channel_messages("news")) == 1


async def test_the_preview_is_only_visible_to_its_author(emu, bot):
    preview = await preview_for(emu)
    with pytest.raises(EmulatorError):
        await emu.press_button(emu.member, preview, "Post")
    assert emu.channel_messages("announcements") == []


async def test_members_do_not_see_the_command(emu, bot):
    with pytest.raises(EmulatorError, match="hidden"):
        await open_form(emu, user=emu.member)


async def test_run_time_check_refuses_members_even_when_the_client_shows_it(emu, bot):
    # A server admin may override default_permissions in Server Settings > Integrations.
    emu.guild.allow_command("announce", emu.role("Watch Party"))
    reply = await (await open_form(emu, user=emu.member)).message()
    assert reply.ephemeral
    assert reply.content == "You need the **Manage Server** permission to use this command."
    assert emu.channel_messages("announcements") == []


@pytest.mark.parametrize(
    ("channel", "missing"),
    [
        ("mod-only", "View Channel"),
        ("read-only", "Send Messages"),
        ("no-embeds", "Embed Links"),
    ],
)
async def test_channels_the_bot_cannot_post_in_are_refused_before_the_form(
    emu, bot, channel, missing
):
    reply = await (await open_form(emu, channel=channel)).message()
    assert reply.ephemeral
    assert reply.content == (
        f"I can't post in <#{emu.channel(channel).id}>: I'm missing **{missing}** there. Give my "
        "role those permissions in the channel's settings, or choose another channel."
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"color": "nope"}, "I don't know the colour `nope`."),
        ({"color": "#12345g"}, "I don't know the colour `#12345g`."),
        ({"image_url": "not a url"}, "`not a url` isn't an image link I can use."),
        ({"image_url": "javascript:alert(1)"}, "isn't an image link I can use."),
        ({"ping": "@everyone"}, "Announcements can't ping @everyone in this server."),
    ],
)
async def test_bad_options_get_a_clear_private_error(emu, bot, options, expected):
    reply = await (await open_form(emu, **options)).message()
    assert reply.ephemeral
    assert expected in reply.content
    assert emu.channel_messages("announcements") == []


async def test_discord_refusing_the_post_is_reported_and_nothing_recorded(emu, bot):
    preview = await preview_for(emu)
    channel = emu.channel("announcements")
    emu.fail("POST", f"/channels/{channel.id}/messages", 403, 50013)
    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "Discord refused the post")
    assert "Nothing was posted." in preview.content
    assert emu.channel_messages("announcements") == []
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_a_channel_deleted_before_post_is_reported(emu, bot):
    preview = await preview_for(emu)
    channel = emu.channel("announcements")
    emu.fail("POST", f"/channels/{channel.id}/messages", 404, 10003)
    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "I can't find that channel any more")
    assert emu.channel_messages("announcements") == []


async def test_without_mention_everyone_only_mentionable_roles_can_be_pinged(db, clock):
    world = default_world()
    guild = world.guilds[0]
    guild.add_role("Quiet Fans")  # not mentionable
    for role in guild.roles:
        if role.managed:
            role.permissions &= ~Perm.MENTION_EVERYONE
    async with Emulator(world) as emu:
        with pointed_at(emu):
            bot, task = await start_bot(emu, db, clock)
            try:
                await emu.wait_for_commands(ALL_COMMANDS)
                reply = await (await open_form(emu, ping="Quiet Fans")).message()
                assert reply.ephemeral
                assert reply.content.startswith(
                    f"I can't ping <@&{emu.role('Quiet Fans').id}>: the role isn't mentionable"
                )
                # Allowed by the server, @here still needs the permission.
                allowed = await emu.slash(emu.admin, "settings allow-everyone", {"state": "on"})
                await allowed.message()
                reply = await (await open_form(emu, here=True)).message()
                assert reply.ephemeral
                assert reply.content.startswith("Announcements can't ping @here in this server.")
            finally:
                await stop_bot(bot, task)


async def test_a_blank_title_or_message_is_refused(emu, bot):
    handle = await open_form(emu)
    submitted = await emu.submit_modal(emu.admin, handle, {"Title": "   ", "Message": "Body"})
    reply = await submitted.message()
    assert reply.ephemeral
    assert reply.content == "An announcement needs both a title and a message."
    assert reply.buttons() == []


async def test_an_unanswered_preview_expires_and_posts_nothing(emu, bot, monkeypatch):
    monkeypatch.setattr(sys.modules["cogs.announce"], "PREVIEW_TIMEOUT", 0.2)
    preview = await preview_for(emu)
    await wait_for_text(emu, preview, "This preview expired")
    assert preview.buttons() == [] and preview.embeds == []
    assert emu.channel_messages("announcements") == []


async def test_a_long_announcement_fits_discords_limits(emu, bot):
    body = ("A very long line of news. " * 200)[:4000]
    preview = await preview_for(emu, title="T" * 256, body=body)
    await emu.press_button(emu.admin, preview, "Post")
    await wait_for_text(emu, preview, "**Posted**")
    [posted] = emu.channel_messages("announcements")
    assert posted.embeds[0]["description"] == body.strip()
    assert posted.embeds[0]["title"] == "T" * 256
