"""A bot in another process reaches the emulator over TCP only."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.emulator import Emulator

BOT = """
import os

import discord
import yarl
from discord import app_commands

discord.http.Route.BASE = os.environ["EMU_API_BASE"]
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["EMU_GATEWAY_URL"])
client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
tree = app_commands.CommandTree(client)


@tree.command(name="ping", description="Ping")
async def ping(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(f"pong from {os.getpid()}")


async def setup_hook() -> None:
    await tree.sync()


client.setup_hook = setup_hook
client.run(os.environ["EMU_TOKEN"], log_handler=None)
"""


async def test_bot_subprocess(emu: Emulator, tmp_path: Path) -> None:
    script = tmp_path / "bot.py"
    script.write_text(BOT)
    env = {
        **os.environ,
        "EMU_API_BASE": emu.api_base,
        "EMU_GATEWAY_URL": emu.gateway_url,
        "EMU_TOKEN": emu.token,
    }
    proc = await asyncio.create_subprocess_exec(sys.executable, str(script), env=env)
    try:
        await emu.wait_for_ready(timeout=20)
        await emu.wait_for_commands(["ping"], timeout=20)
        reply = await (await emu.slash(emu.member, "ping")).message()
        assert reply.content == f"pong from {proc.pid}"
    finally:
        proc.terminate()
        await proc.wait()
