"""The gateway as the real discord.py client and a raw websocket see it."""

from __future__ import annotations

import json
import zlib

import aiohttp
import discord

from bot.emulator import Emulator

from .conftest import StartBot, make_client


async def test_client_connects_and_sees_the_world(emu: Emulator, start_bot: StartBot) -> None:
    client, _tree = make_client()
    await start_bot(client)

    assert client.user is not None and client.user.id == emu.bot_user.id
    assert client.application_id == emu.application_id
    guild = client.get_guild(emu.guild.id)
    assert guild is not None and guild.owner_id == emu.owner.id
    assert {c.name for c in guild.channels} == {
        "general",
        "announcements",
        "news",
        "mod-only",
        "no-embeds",
        "read-only",
    }
    news = guild.get_channel(emu.channel("news").id)
    assert isinstance(news, discord.TextChannel) and news.is_news()
    assert guild.get_role(emu.role("Moderators").id).permissions.manage_guild
    assert guild.get_role(emu.role("Watch Party").id).mentionable
    assert guild.me is not None and guild.me.get_role(emu.world.bot_role(emu.guild).id)
    # Without GUILD_PRESENCES only the bot's own member comes in GUILD_CREATE.
    assert guild.member_count == 4 and [m.id for m in guild.members] == [emu.bot_user.id]

    # discord.py's permission maths must agree with the emulator's for every channel
    # (discord.py additionally hides voice permissions in text channels).
    voice = discord.Permissions.voice().value
    for channel in emu.guild.channels:
        theirs = guild.get_channel(channel.id).permissions_for(guild.me).value
        ours = emu.guild.permissions_for(emu.bot_user, channel)
        assert theirs == ours & ~voice, channel.name
    assert not guild.get_channel(emu.channel("mod-only").id).permissions_for(guild.me).view_channel


async def test_gateway_frames_and_sequence(emu: Emulator, start_bot: StartBot) -> None:
    client, _tree = make_client()
    await start_bot(client)

    sent = [f for f in emu.gateway_frames if f.direction == "send"]
    received = [f for f in emu.gateway_frames if f.direction == "recv"]
    assert sent[0].op == 10 and sent[0].d["heartbeat_interval"] > 0
    identify = next(f for f in received if f.op == 2)
    assert identify.d["token"] == "<valid>"  # never recorded in clear
    dispatches = [f for f in sent if f.op == 0]
    assert [f.t for f in dispatches[:2]] == ["READY", "GUILD_CREATE"]
    assert [f.s for f in dispatches] == list(range(1, len(dispatches) + 1))
    ready = dispatches[0].d
    assert ready["guilds"] == [{"id": str(emu.guild.id), "unavailable": True}]
    assert ready["application"] == {
        "id": str(emu.application_id),
        "flags": emu.world.application.flags,
    }
    assert "shard" not in ready  # the plain Client does not shard when identifying


async def _raw_frames(ws: aiohttp.ClientWebSocketResponse, inflator: zlib._Decompress) -> dict:
    msg = await ws.receive(timeout=2)
    assert msg.type == aiohttp.WSMsgType.BINARY, msg
    assert msg.data.endswith(b"\x00\x00\xff\xff")
    return json.loads(inflator.decompress(msg.data))


async def test_raw_zlib_stream_heartbeat_and_identify(emu: Emulator) -> None:
    inflator = zlib.decompressobj()  # one context for the whole connection
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{emu.gateway_url}?v=10&encoding=json&compress=zlib-stream") as ws,
    ):
        hello = await _raw_frames(ws, inflator)
        assert hello["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        assert (await _raw_frames(ws, inflator))["op"] == 11
        await ws.send_json(
            {
                "op": 2,
                "d": {"token": emu.token, "intents": 513, "properties": {}, "shard": [0, 1]},
            }
        )
        ready = await _raw_frames(ws, inflator)
        guild_create = await _raw_frames(ws, inflator)
        assert (ready["t"], ready["s"], ready["d"]["shard"]) == ("READY", 1, [0, 1])
        assert guild_create["t"] == "GUILD_CREATE" and guild_create["s"] == 2
        await ws.send_json({"op": 1, "d": 2})
        assert (await _raw_frames(ws, inflator))["op"] == 11


async def test_raw_bad_token_closes_4004(emu: Emulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{emu.gateway_url}?v=10&encoding=json") as ws,
    ):
        hello = await ws.receive_json(timeout=2)
        assert hello["op"] == 10
        await ws.send_json({"op": 2, "d": {"token": "nope", "intents": 0, "properties": {}}})
        msg = await ws.receive(timeout=2)
        assert msg.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 4004


async def test_disallowed_privileged_intent_closes_4014(emu: Emulator) -> None:
    emu.world.application.privileged_intents = 0
    client, _tree = make_client(intents=discord.Intents.all())
    try:
        await client.start(emu.token)
    except discord.PrivilegedIntentsRequired:
        pass
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError("the client connected with a disallowed intent")
    finally:
        await client.close()
    assert 4014 in emu.gateway.close_codes


async def test_members_intent_chunks_the_guild(emu: Emulator, start_bot: StartBot) -> None:
    intents = discord.Intents.default()
    intents.members = True
    client, _tree = make_client(intents=intents)
    await start_bot(client)
    guild = client.get_guild(emu.guild.id)
    assert guild is not None and guild.chunked
    assert {m.id for m in guild.members} == set(emu.guild.members)
    admin = guild.get_member(emu.admin.id)
    assert admin is not None and admin.guild_permissions.manage_guild
    assert any(f.op == 8 for f in emu.gateway_frames if f.direction == "recv")


async def test_resume_after_disconnect(emu: Emulator, start_bot: StartBot) -> None:
    client, tree = make_client()

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    await start_bot(client)
    session = (await emu.wait_for_ready()).id
    resumed = []
    client.event(_record_resumed(resumed))

    await emu.disconnect_bot(4000)
    await emu.wait_until(lambda: resumed or None, timeout=5, what="RESUMED")
    assert any(f.op == 6 for f in emu.gateway_frames if f.direction == "recv")
    assert (await emu.wait_for_ready()).id == session

    handle = await emu.slash(emu.member, "ping")
    assert (await handle.message()).content == "pong"


def _record_resumed(resumed: list[bool]):  # the event name comes from the function name
    async def on_resumed() -> None:
        resumed.append(True)

    return on_resumed


async def test_bot_restart_against_the_same_emulator(emu: Emulator, start_bot: StartBot) -> None:
    first, tree = make_client()

    @tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong 1")

    async def setup_hook() -> None:
        await tree.sync()

    first.setup_hook = setup_hook  # type: ignore[method-assign]
    await start_bot(first)
    await first.close()
    await emu.wait_until(lambda: not emu.gateway.live_sessions() or None, what="disconnect")

    second, tree2 = make_client()

    @tree2.command(name="ping", description="Ping")
    async def ping2(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong 2")

    await start_bot(second)  # no sync this time: the commands synced before still exist
    assert emu.gateway.ready_count == 2
    handle = await emu.slash(emu.member, "ping")
    assert (await handle.message()).content == "pong 2"


async def test_raw_resume_replays_missed_events(emu: Emulator) -> None:
    url = f"{emu.gateway_url}?v=10&encoding=json"
    identify = {"token": emu.token, "intents": 513, "properties": {}}
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)  # HELLO
            await ws.send_json({"op": 2, "d": identify})
            ready = await ws.receive_json(timeout=2)
            await ws.receive_json(timeout=2)  # GUILD_CREATE, s=2
            await ws.close(code=4000)  # not 1000/1001: the session stays resumable
        await emu.wait_until(lambda: not emu.gateway.live_sessions() or None, what="drop")
        missed = await emu.post_message(emu.member, "general", "while you were away")

        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)
            resume = {"token": emu.token, "session_id": ready["d"]["session_id"], "seq": 2}
            await ws.send_json({"op": 6, "d": resume})
            replayed = await ws.receive_json(timeout=2)
            resumed = await ws.receive_json(timeout=2)
        assert (replayed["t"], replayed["s"]) == ("MESSAGE_CREATE", 3)
        assert replayed["d"]["id"] == str(missed.id)
        assert replayed["d"]["content"] == ""  # no MESSAGE_CONTENT intent
        assert (resumed["t"], resumed["s"]) == ("RESUMED", 4)

        async with session.ws_connect(url) as ws:
            await ws.receive_json(timeout=2)
            bogus = {"token": emu.token, "session_id": "nope", "seq": 1}
            await ws.send_json({"op": 6, "d": bogus})
            assert await ws.receive_json(timeout=2) == {"op": 9, "d": False, "s": None, "t": None}
