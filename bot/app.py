"""The composition root of the running bot: open the database, build the bot, log in, run it
until a signal, and stop cleanly. `bot.__main__` imports it only when the bot is to run: it
brings discord.py and aiohttp, and the database check starts before they load.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import discord

from bot.client import KdramaBot, point_discord_at
from bot.content import seed_database
from bot.content.seed import shows_dir_files
from bot.db import Database, open_database
from bot.db.connection import is_current, start_file_check
from bot.db.stats import content_counts
from bot.formatting import content_summary
from bot.invite import invite_url
from bot.settings import (
    MISSING_TOKEN_HELP,
    REJECTED_TOKEN_HELP,
    Settings,
    SettingsError,
    StartupError,
)
from bot.shutdown import finish_answers_in_progress
from bot.sync import sync_commands

log = logging.getLogger("bot")

INVITE_NEEDS_TOKEN = "kdrama-bot invite needs the bot's token, to look up its application id."
INVITE_LOG = "Add the bot to a server with this link: %s"
STOPPING = "Received %s: finishing the answers in progress, then stopping"
STOPPED = "Stopped cleanly"
# How long answers that are in progress at a SIGTERM may take to finish.
IN_FLIGHT_GRACE = 10.0
# How long the gateway connection may take to stop reading once cancelled.
CANCEL_GRACE = 2.0


async def open_seeded_database(
    settings: Settings, file_check: concurrent.futures.Future[None] | None = None
) -> tuple[Database, asyncio.Future[None] | None]:
    """Open the database (seeding it on first start), and the `quick_check` of its file.

    `file_check` is the check already under way (`start_file_check`); without one, it starts
    here. A database that needs no migration is opened while the check goes on, and the caller
    awaits the returned future before connecting to the gateway; one that needs migrating waits
    for the check first, so a damaged file is never migrated.
    """
    path = settings.database_path
    if file_check is None:
        file_check = start_file_check(path)
    check = asyncio.wrap_future(file_check)
    try:
        if not await is_current(path):
            await check
            check = None
        db = await open_database(path)
    except BaseException:
        if check is not None:
            check.cancel()
        raise
    try:
        if (await content_counts(db)).shows == 0:
            files = shows_dir_files(settings.shows_dir)
            if files:
                report = await seed_database(db, files)
                log.info("Seeded a new database: %s", content_summary(report))
    except BaseException:
        if check is not None:
            check.cancel()
        await db.close()
        raise
    return db, check


def unreachable(settings: Settings, error: Exception) -> str:
    where = settings.api_base or "Discord"
    return (
        f"kdrama-bot could not reach {where}: {error}. Check this machine's network connection"
        + (", and DISCORD_API_BASE in .env." if settings.api_base else ".")
    )


@asynccontextmanager
async def logged_in_bot(
    settings: Settings,
    *,
    sync_on_start: bool,
    file_check: concurrent.futures.Future[None] | None = None,
) -> AsyncIterator[KdramaBot]:
    """The bot, logged in over REST (not yet on the gateway), with its database open."""
    token = settings.require_token()
    point_discord_at(settings.api_base, settings.gateway_url)
    db, check_task = await open_seeded_database(settings, file_check)
    try:
        async with KdramaBot(
            settings=settings, db=db, sync_on_start=sync_on_start, startup_check=check_task
        ) as bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise StartupError(REJECTED_TOKEN_HELP) from None
            except (aiohttp.ClientConnectionError, OSError) as error:
                raise StartupError(unreachable(settings, error)) from None
            yield bot
    finally:
        if check_task is not None and not check_task.done():
            check_task.cancel()
        await db.close()


async def run_bot(
    settings: Settings, file_check: concurrent.futures.Future[None] | None = None
) -> None:
    loop = asyncio.get_running_loop()
    # Installed before logging in, so a SIGTERM during start-up also ends in a clean stop.
    stop: asyncio.Future[signal.Signals] = loop.create_future()

    def request_stop(signum: signal.Signals) -> None:
        if not stop.done():  # a second signal changes nothing: the first one's stop is under way
            stop.set_result(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, request_stop, signum)
    async with logged_in_bot(settings, sync_on_start=True, file_check=file_check) as bot:
        if not stop.done():
            log.info(INVITE_LOG, invite_url(bot.application_id))
            # What start-up loaded (modules, commands, cogs) lives as long as the process: the
            # garbage collector need not walk it again in each full pass, while members wait.
            gc.freeze()
            connection = asyncio.ensure_future(bot.connect())
            await asyncio.wait({connection, stop}, return_when=asyncio.FIRST_COMPLETED)
            if stop.done():
                await stop_gracefully(bot, connection, stop.result())
            elif not connection.cancelled():
                connection.result()  # raises if it failed
    # Only now, after the bot: logged_in_bot closed the database when the bot was done with it.
    log.info(STOPPED)


async def stop_gracefully(
    bot: KdramaBot,
    connection: asyncio.Future[None],
    signum: signal.Signals,
    *,
    cancel_grace: float = CANCEL_GRACE,
) -> None:
    """Let the answers in progress finish (within IN_FLIGHT_GRACE), then disconnect."""
    log.info(STOPPING, signum.name)
    await finish_answers_in_progress(IN_FLIGHT_GRACE)
    # Stop reading the gateway first. Closed while a read waits, discord.py closes with 4000,
    # which keeps the session: Discord shows the bot online for minutes. Closed after, it is
    # 1000, which ends the session and shows the bot offline at once (as Discord documents).
    # Python 3.11's asyncio.wait_for, in a reconnect, can lose the cancellation: the close
    # then comes anyway, and ends the connection itself.
    connection.cancel()
    await asyncio.wait({connection}, timeout=cancel_grace)
    await bot.close()
    await asyncio.wait({connection}, timeout=cancel_grace)
    if connection.done() and not connection.cancelled():
        connection.result()  # it had failed before the stop: raise that


async def run_invite(settings: Settings) -> None:
    if not settings.token:
        raise SettingsError(f"{INVITE_NEEDS_TOKEN}\n{MISSING_TOKEN_HELP}")
    print(invite_url(await fetch_application_id(settings)))


async def fetch_application_id(settings: Settings) -> int:
    """Ask Discord over REST alone (no gateway, no database, no bot) for the application's id."""
    point_discord_at(settings.api_base, settings.gateway_url)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await http.static_login(settings.require_token())
        application = await http.application_info()
    except discord.LoginFailure:
        raise StartupError(REJECTED_TOKEN_HELP) from None
    except (aiohttp.ClientConnectionError, OSError) as error:
        raise StartupError(unreachable(settings, error)) from None
    finally:
        await http.close()
    return int(application["id"])


async def run_sync(settings: Settings) -> None:
    async with logged_in_bot(settings, sync_on_start=False) as bot:
        await sync_commands(bot, force=True)
    print("Slash commands synced.")
