"""The floor: a minimal discord.py bot with a `/ping` command that replies "pong".

It does what every command of kdrama-bot also does (discord.py parses INTERACTION_CREATE, runs
the command, POSTs the callback) and nothing else: no database, no embeds. `bench.scenarios`
runs it as its own process against the emulator, like the real bot, and times it the same way.
`/work-ping iterations:` answers the same after a fixed amount of CPU work (`spin`): what the
machine does to a round trip that includes that much work, whoever's it is.

    DISCORD_TOKEN=… DISCORD_API_BASE=… DISCORD_GATEWAY_URL=… python -m bench.ping_bot
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import time

import discord
import yarl
from discord import app_commands

FILLER = (
    "A reply about as long as a kdrama-bot card, so that only the shape of the answer differs "
    "from /ping: an embed with a title, a description and three fields."
)

# Iterations of `spin` timed to calibrate it: a few milliseconds' worth.
CALIBRATION_ITERATIONS = 100_000


def spin(iterations: int) -> int:
    """Work for the CPU alone: no I/O, and nothing kept."""
    total = 0
    for number in range(iterations):
        total += number
    return total


def iterations_per_ms(trials: int = 9, warm_up: int = 5) -> float:
    """How many iterations of `spin` take a millisecond here and now, run back to back: the
    median of several trials, after a few untimed ones (the first runs take up to twice as long
    while the interpreter and the CPU warm up). The machine's speed drifts by a third from one
    minute to the next, so the benchmark measures this beside the work it stands for."""
    times = []
    for trial in range(warm_up + trials):
        started = time.perf_counter()
        spin(CALIBRATION_ITERATIONS)
        if trial >= warm_up:
            times.append(time.perf_counter() - started)
    return CALIBRATION_ITERATIONS / (statistics.median(times) * 1000)


class PingBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # as kdrama-bot: interactions find their guild in the cache
        super().__init__(intents=intents)
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Reply pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        # The same, answered with an embed about the size of /about's card: how much of a
        # command's time is only its reply being an embed.
        @self.tree.command(name="embed-ping", description="Reply pong, in an embed")
        async def embed_ping(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="pong", description=FILLER, colour=0x5865F2)
            for name in ("First", "Second", "Third"):
                embed.add_field(name=name, value=FILLER[:120], inline=False)
            await interaction.response.send_message(embed=embed)

        # The same as /ping, after a fixed amount of CPU work.
        @self.tree.command(name="work-ping", description="Reply pong after some CPU work")
        async def work_ping(
            interaction: discord.Interaction, iterations: app_commands.Range[int, 0, 10**9]
        ) -> None:
            spin(iterations)
            await interaction.response.send_message("pong")

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def main() -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    async with PingBot() as bot:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
