"""Changing channels and roles while discord.py is connected: its cache must follow."""

from __future__ import annotations

import discord
import pytest

from bot.emulator import Emulator, EmulatorError, Overwrite, Perm

from .conftest import text_channel


def _agree(emu: Emulator, client: discord.Client) -> bool:
    """discord.py computes the same bot permissions as the emulator in every channel."""
    guild = client.get_guild(emu.guild.id)
    assert guild is not None and guild.me is not None
    voice = discord.Permissions.voice().value  # discord.py hides these in text channels
    for channel in emu.guild.channels:
        theirs = guild.get_channel(channel.id)
        ours = emu.guild.permissions_for(emu.bot_user, channel)
        if theirs is None or theirs.permissions_for(guild.me).value != ours & ~voice:
            return False
    return {c.id for c in guild.channels} == {c.id for c in emu.guild.channels}


async def test_deleting_a_channel(emu: Emulator, client: discord.Client) -> None:
    announcements = text_channel(client, emu, "announcements")

    gone = await emu.delete_channel("announcements")
    await emu.wait_until(lambda: client.get_channel(gone.id) is None, what="CHANNEL_DELETE")
    delete = [f for f in emu.gateway_frames if f.t == "CHANNEL_DELETE"][-1]
    assert delete.d["id"] == str(gone.id) and delete.d["guild_id"] == str(emu.guild.id)
    with pytest.raises(discord.NotFound) as post:
        await announcements.send("into the void")
    assert post.value.code == 10003
    with pytest.raises(discord.NotFound) as fetch:
        await client.fetch_channel(gone.id)
    assert fetch.value.code == 10003
    with pytest.raises(KeyError):
        emu.channel("announcements")
    assert _agree(emu, client)


async def test_changing_overwrites(emu: Emulator, client: discord.Client) -> None:
    general = text_channel(client, emu, "general")
    bot_role = emu.world.bot_role(emu.guild)

    await emu.set_overwrites("general", [Overwrite.role(bot_role, deny=Perm.SEND_MESSAGES)])
    await emu.wait_until(lambda: _agree(emu, client), what="CHANNEL_UPDATE")
    assert not general.permissions_for(general.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as denied:
        await general.send("muted")
    assert denied.value.code == 50013

    await emu.set_overwrites(general.id, [])
    await emu.wait_until(lambda: _agree(emu, client), what="CHANNEL_UPDATE")
    await general.send("back")
    assert [m.content for m in emu.channel_messages("general")] == ["back"]


async def test_changing_and_deleting_roles(emu: Emulator, client: discord.Client) -> None:
    general = text_channel(client, emu, "general")
    guild = general.guild
    watch = emu.role("Watch Party")
    bot_role = emu.world.bot_role(emu.guild)

    async def post_mention() -> list[int]:
        return emu.message((await general.send(f"{watch.mention} tonight!")).id).mention_roles

    # Without Mention Everyone the bot can ping only mentionable roles.
    await emu.update_role(bot_role, permissions=bot_role.permissions & ~Perm.MENTION_EVERYONE)
    await emu.update_role(watch, mentionable=False)
    await emu.wait_until(
        lambda: not guild.get_role(watch.id).mentionable and _agree(emu, client),
        what="GUILD_ROLE_UPDATE",
    )
    assert not guild.me.guild_permissions.mention_everyone
    assert await post_mention() == []
    update = [f for f in emu.gateway_frames if f.t == "GUILD_ROLE_UPDATE"][-1]
    assert update.d["guild_id"] == str(emu.guild.id) and update.d["role"]["id"] == str(watch.id)

    await emu.update_role("Watch Party", mentionable=True, name="Watchers")
    await emu.wait_until(lambda: guild.get_role(watch.id).name == "Watchers", what="the rename")
    assert await post_mention() == [watch.id]

    await emu.delete_role(watch)
    await emu.wait_until(lambda: guild.get_role(watch.id) is None, what="GUILD_ROLE_DELETE")
    assert watch.id not in emu.guild.member(emu.member).roles
    assert await post_mention() == []
    with pytest.raises(EmulatorError):
        await emu.delete_role(bot_role)  # managed by the integration
    with pytest.raises(EmulatorError):
        await emu.delete_role(emu.guild.everyone)
