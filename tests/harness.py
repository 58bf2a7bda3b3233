"""End-to-end helpers: the real KdramaBot, connected to the Discord emulator over the network."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from bot.client import KdramaBot
from bot.emulator import Emulator
from bot.settings import load_settings

ALL_COMMANDS = ["show", "who", "quote", "about", "announce", "settings"]


class FixedClock:
    """A clock that only moves when a test calls `advance`; sleepers wake when it passes them."""

    def __init__(self, now: datetime) -> None:
        self.current = now
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.set(self.current + delta)

    def set(self, when: datetime) -> None:
        self.current = when
        self._moved.set()

    async def sleep_until(self, when: datetime | None, wake: asyncio.Event) -> None:
        while when is None or self.current < when:
            if wake.is_set():
                return
            self._moved.clear()
            waiters = [
                asyncio.ensure_future(wake.wait()),
                asyncio.ensure_future(self._moved.wait()),
            ]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()


async def start_bot(emu: Emulator, db, clock, **settings: str) -> tuple[KdramaBot, asyncio.Task]:
    env = {"DISCORD_TOKEN": emu.token, "DATABASE_PATH": str(db.path), **settings}
    bot = KdramaBot(
        settings=load_settings(env, env_file=None), db=db, clock=clock, guild_ready_timeout=0.05
    )
    ready_before = emu.gateway.ready_count
    task = asyncio.create_task(bot.start(emu.token))
    waiter = asyncio.create_task(emu.wait_for_ready(10, count=ready_before + 1))
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # the bot failed to start: show why
    await waiter
    await asyncio.wait_for(bot.wait_until_ready(), 10)
    return bot, task


async def stop_bot(bot: KdramaBot, task: asyncio.Task) -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
