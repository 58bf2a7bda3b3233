"""Bot processes stopped, killed and started again against one running emulator."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import Emulator

MESSAGES = "/channels/{channel_id}/messages"

# On READY: report the channel's history, then post EMU_POST (with EMU_NONCE) if given.
BOT = """
import asyncio
import json
import os
import signal

import discord
import yarl
from discord import app_commands

discord.http.Route.BASE = os.environ["EMU_API_BASE"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["EMU_GATEWAY_URL"])
client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
tree = app_commands.CommandTree(client)


def say(**fields):
    print(json.dumps(fields), flush=True)


@tree.command(name="ping", description="Ping")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(f"pong from {os.getpid()}")


async def setup_hook() -> None:
    if os.environ.get("EMU_SYNC"):
        await tree.sync()


@client.event
async def on_ready() -> None:
    channel = client.get_partial_messageable(int(os.environ["EMU_CHANNEL"]))
    say(history=[m.id async for m in channel.history(limit=10)])
    if os.environ.get("EMU_POST"):
        sent = await channel.send(os.environ["EMU_POST"], nonce=os.environ.get("EMU_NONCE"))
        say(posted=sent.id)


async def main() -> None:
    # Ctrl-C stops the bot as kdrama-bot stops: the gateway read is cancelled, then the client
    # closes, with 1000. (Closed while a read waits, discord.py would close with 4000.)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    async with client:
        await client.login(os.environ["EMU_TOKEN"])
        connection = asyncio.ensure_future(client.connect())
        await asyncio.wait({connection, stop}, return_when=asyncio.FIRST_COMPLETED)
        connection.cancel()
        await asyncio.wait({connection})


client.setup_hook = setup_hook
asyncio.run(main())
"""


class BotProcess:
    """One bot process; it reports on stdout, one JSON object a line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), 20)
        assert raw, f"the bot exited with {await self.proc.wait()}"
        return json.loads(raw)

    async def stop(self) -> None:
        """Ctrl-C: the bot closes the gateway cleanly (1000) and exits."""
        self.proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(self.proc.wait(), 10)

    async def kill(self) -> None:
        """SIGKILL: no cleanup at all, connections just vanish."""
        self.proc.kill()
        await self.proc.wait()


Spawn = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def spawn(emu: Emulator, tmp_path: Path) -> AsyncIterator[Spawn]:
    script = tmp_path / "bot.py"
    script.write_text(BOT)
    started: list[BotProcess] = []

    async def start(channel: str = "general", **extra: str) -> BotProcess:
        env = {
            **os.environ,
            "EMU_API_BASE": emu.api_base,
            "EMU_GATEWAY_URL": emu.gateway_url,
            "EMU_TOKEN": emu.token,
            "EMU_CHANNEL": str(emu.channel(channel).id),
            **extra,
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(script), env=env, stdout=asyncio.subprocess.PIPE
        )
        started.append(BotProcess(proc))
        return started[-1]

    yield start
    for bot in started:
        if bot.proc.returncode is None:
            await bot.kill()


async def _pong(emu: Emulator, bot: BotProcess) -> None:
    # Elsewhere than #general, whose history the bots report.
    reply = await (await emu.slash(emu.member, "ping", channel="announcements")).message()
    assert reply.content == f"pong from {bot.proc.pid}"


async def test_restarts_keep_commands_and_messages(emu: Emulator, spawn: Spawn) -> None:
    first = await spawn(EMU_SYNC="1", EMU_POST="one")
    assert await first.line() == {"history": []}
    one = (await first.line())["posted"]
    await emu.wait_for_commands(["ping"], timeout=20)
    sessions = [(await emu.wait_for_ready()).id]
    await _pong(emu, first)
    await first.stop()
    # A clean close (1000) ends the session; the next process must identify afresh.
    await emu.wait_until(lambda: emu.gateway.sessions[sessions[0]].invalidated)

    second = await spawn(EMU_POST="two")  # does not sync: the commands are still there
    assert await second.line() == {"history": [one]}
    two = (await second.line())["posted"]
    sessions.append((await emu.wait_for_ready(count=2)).id)
    await _pong(emu, second)
    await second.kill()

    third = await spawn()
    assert await third.line() == {"history": [two, one]}
    sessions.append((await emu.wait_for_ready(count=3)).id)
    await _pong(emu, third)
    assert emu.gateway.ready_count == 3 and len(set(sessions)) == 3
    assert emu.commands.syncs == 1
    assert [m.content for m in emu.channel_messages("general")] == ["one", "two"]


@pytest.mark.parametrize("after_processing", [False, True], ids=["before", "after"])
async def test_killed_mid_post_then_restarted_posts_once(
    emu: Emulator, spawn: Spawn, after_processing: bool
) -> None:
    post = {"EMU_POST": "Episode 3 is out", "EMU_NONCE": "announcement-42"}
    hold = emu.hold("POST", MESSAGES, after_processing=after_processing)
    first = await spawn(**post)
    await first.line()
    await asyncio.wait_for(hold.arrived, 20)
    created = [m.id for m in emu.channel_messages("general")]
    assert len(created) == (1 if after_processing else 0)
    await first.kill()
    hold.drop()  # the request dies with the process: nothing more happens to it

    second = await spawn(**post)
    assert await second.line() == {"history": created}
    posted = (await second.line())["posted"]
    assert [m.id for m in emu.channel_messages("general")] == [posted]
    if after_processing:
        assert created == [posted]  # the same nonce returned the first process's message
    creates = [f for f in emu.gateway_frames if f.t == "MESSAGE_CREATE"]
    assert [f.d["id"] for f in creates] == [str(posted)]
