"""End-to-end helpers: the real KdramaBot, connected to the Discord emulator over the network."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from bot.client import KdramaBot
from bot.emulator import Emulator
from bot.settings import load_settings

ALL_COMMANDS = ["show", "who", "quote", "about", "announce"]


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def start_bot(emu: Emulator, db, clock, **settings: str) -> tuple[KdramaBot, asyncio.Task]:
    env = {"DISCORD_TOKEN": emu.token, "DATABASE_PATH": str(db.path), **settings}
    bot = KdramaBot(settings=load_settings(env, env_file=None), db=db, clock=clock)
    ready_before = emu.gateway.ready_count
    task = asyncio.create_task(bot.start(emu.token))
    waiter = asyncio.create_task(emu.wait_for_ready(10, count=ready_before + 1))
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # the bot failed to start: show why
    await waiter
    return bot, task


async def stop_bot(bot: KdramaBot, task: asyncio.Task) -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
