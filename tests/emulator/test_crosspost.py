"""Crossposting (publishing) messages in announcement channels through discord.py."""

from __future__ import annotations

import discord
import pytest

from bot.emulator import Emulator, Overwrite, Perm

from .conftest import text_channel

CROSSPOST = "/channels/{channel_id}/messages/{message_id}/crosspost"
UNKNOWN_ID = 123456789012345678


async def test_publish_sets_the_flag_once_and_updates_the_cache(
    emu: Emulator, client: discord.Client
) -> None:
    news = text_channel(client, emu, "news")
    sent = await news.send("Episode 5 tonight")

    await sent.publish()
    stored = emu.message(sent.id)
    assert stored.crossposted and stored.edited_timestamp is None  # not an edit
    (request,) = emu.requests_to("POST", CROSSPOST)
    assert request.status == 200 and request.response["id"] == str(sent.id)
    assert request.response["flags"] & 1
    update = [f for f in emu.gateway_frames if f.t == "MESSAGE_UPDATE"][-1]
    assert update.d["id"] == str(sent.id) and update.d["flags"] & 1

    def cached_and_crossposted() -> bool:
        cached = discord.utils.get(client.cached_messages, id=sent.id)
        return cached is not None and cached.flags.crossposted

    await emu.wait_until(cached_and_crossposted, what="discord.py to see the new flags")

    with pytest.raises(discord.HTTPException) as again:
        await sent.publish()
    assert (again.value.status, again.value.code) == (400, 40033)


async def test_publish_outside_an_announcement_channel(
    emu: Emulator, client: discord.Client
) -> None:
    sent = await text_channel(client, emu, "general").send("not news")
    with pytest.raises(discord.Forbidden) as wrong_type:
        await sent.publish()
    assert wrong_type.value.code == 50024
    assert not emu.message(sent.id).crossposted


async def test_publish_permissions(emu: Emulator, client: discord.Client) -> None:
    news = text_channel(client, emu, "news")
    bot_role = emu.world.bot_role(emu.guild)

    # Someone else's message needs Manage Messages, which the default bot role lacks.
    theirs = await emu.post_message(emu.member, "news", "fan art thread")
    with pytest.raises(discord.Forbidden) as others:
        await news.get_partial_message(theirs.id).publish()
    assert others.value.code == 50013 and not theirs.crossposted
    await emu.update_role(bot_role, permissions=bot_role.permissions | Perm.MANAGE_MESSAGES)
    await news.get_partial_message(theirs.id).publish()
    assert theirs.crossposted

    # The bot's own message needs Send Messages; others' need it besides Manage Messages.
    mine = await news.send("mine")
    more = await emu.post_message(emu.member, "news", "more fan art")
    await emu.set_overwrites("news", [Overwrite.role(bot_role, deny=Perm.SEND_MESSAGES)])
    for message_id in (mine.id, more.id):
        with pytest.raises(discord.Forbidden) as no_send:
            await news.get_partial_message(message_id).publish()
        assert no_send.value.code == 50013 and not emu.message(message_id).crossposted


async def test_publish_unknown_message_or_channel(emu: Emulator, client: discord.Client) -> None:
    news = text_channel(client, emu, "news")
    sent = await news.send("real")
    with pytest.raises(discord.NotFound) as no_message:
        await client.http.publish_message(news.id, UNKNOWN_ID)
    assert no_message.value.code == 10008
    with pytest.raises(discord.NotFound) as no_channel:
        await client.http.publish_message(UNKNOWN_ID, sent.id)
    assert no_channel.value.code == 10003
    await sent.delete()
    with pytest.raises(discord.NotFound) as deleted:
        await sent.publish()
    assert deleted.value.code == 10008
