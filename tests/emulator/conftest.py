"""Fixtures: a running emulator with discord.py pointed at it, and a bot runner."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import discord
import pytest
from discord import app_commands

from bot.emulator import Emulator, default_world
from bot.emulator.discordpy import pointed_at

StartBot = Callable[..., Awaitable[asyncio.Task[None]]]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(default_world()) as emulator, _pointed(emulator):
        yield emulator
    assert not emulator.unhandled, f"requests to unknown routes: {emulator.unhandled}"


@contextlib.asynccontextmanager
async def _pointed(emulator: Emulator) -> AsyncIterator[None]:
    with pointed_at(emulator):
        yield


@pytest.fixture
async def start_bot(emu: Emulator) -> AsyncIterator[StartBot]:
    """`await start_bot(client)` logs in, connects and waits for READY; closed at teardown."""
    running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: discord.Client, *, token: str | None = None) -> asyncio.Task[None]:
        ready_before = emu.gateway.ready_count
        task = asyncio.create_task(client.start(token or emu.token))
        running.append((client, task))
        waiter = asyncio.create_task(emu.wait_for_ready(5, count=ready_before + 1))
        done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            waiter.cancel()
            task.result()  # re-raise the client's failure
        await waiter
        await client.wait_until_ready()
        return task

    yield start
    for client, task in running:
        await client.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 2)


@pytest.fixture
async def client(start_bot: StartBot) -> discord.Client:
    """A minimal client, already connected (for tests that need nothing more)."""
    return await connected(start_bot)


async def connected(start_bot: StartBot) -> discord.Client:
    """A minimal client, started and READY."""
    client, _tree = make_client()
    await start_bot(client)
    return client


def text_channel(client: discord.Client, emu: Emulator, name: str) -> discord.TextChannel:
    """The client's cached channel for the emulator's channel `name`."""
    channel = client.get_channel(emu.channel(name).id)
    assert isinstance(channel, discord.TextChannel)
    return channel


def make_client(
    *, intents: discord.Intents | None = None
) -> tuple[discord.Client, app_commands.CommandTree[discord.Client]]:
    """A minimal client; commands added to the tree are synced to the default guild."""
    client = discord.Client(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05)
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    return client, tree


def sync_on_start(client: discord.Client, tree: app_commands.CommandTree, guild_id: int) -> None:
    async def setup_hook() -> None:
        guild = discord.Object(guild_id)
        tree.copy_global_to(guild=guild)
        await tree.sync(guild=guild)

    client.setup_hook = setup_hook  # type: ignore[method-assign]
