"""The composition root and command line: read settings once, open the database, build the bot.

kdrama-bot [run]      run the bot; without a token, the offline sandbox (see `run_or_sandbox`)
kdrama-bot sandbox    the real bot on a local, offline Discord, at a prompt or fed by a pipe
kdrama-bot ask LINE   one sandbox command, its reply, then exit
kdrama-bot invite     print the link that adds the bot to a server
kdrama-bot doctor     check the settings, the database, the token, and the channels
kdrama-bot db …       validate, seed, export, back up and count the database (see bot/dbcli.py)
kdrama-bot sync       push the slash commands to Discord now, then exit
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import stat
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import discord

from bot import __version__
from bot.client import KdramaBot, point_discord_at
from bot.content import DataFileError, seed_database
from bot.content.seed import show_files
from bot.db import Database, DatabaseError, open_database
from bot.db.connection import check_file, is_current
from bot.db.stats import content_counts
from bot.dbcli import add_db_parser, run_db_command
from bot.formatting import content_summary
from bot.invite import invite_url
from bot.logs import setup_logging
from bot.settings import (
    MISSING_TOKEN_HELP,
    REJECTED_TOKEN_HELP,
    Settings,
    SettingsError,
    load_settings,
)
from bot.shutdown import finish_answers_in_progress
from bot.sync import sync_commands

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2

STARTING_SANDBOX = (
    "No DISCORD_TOKEN set: starting the offline sandbox. Put a token in .env to connect to Discord."
)
INVITE_NEEDS_TOKEN = "kdrama-bot invite needs the bot's token, to look up its application id."
INVITE_LOG = "Add the bot to a server with this link: %s"
STOPPING = "Received %s: finishing the answers in progress, then stopping"
STOPPED = "Stopped cleanly"
# How long answers that are in progress at a SIGTERM may take to finish.
IN_FLIGHT_GRACE = 10.0


class StartupError(Exception):
    """Start-up cannot go on; the message tells the admin what to fix. Exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kdrama-bot", description="A self-hosted Discord bot for K-drama fan communities."
    )
    parser.add_argument("--version", action="version", version=f"kdrama-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run the bot (the default); without DISCORD_TOKEN, start the offline sandbox",
    )
    run.add_argument(
        "--no-sandbox",
        action="store_true",
        help="without DISCORD_TOKEN, exit with code 2 instead of starting the sandbox "
        "(for service managers; the sandbox also never starts when standard input is /dev/null)",
    )
    commands.add_parser(
        "sandbox",
        help="talk to the real bot on a local, offline Discord: no token or account needed",
    )
    ask = commands.add_parser(
        "ask", help="run one sandbox command, print the reply, and exit (1 if it was bad)"
    )
    ask.add_argument("line", metavar="COMMAND", help='what to type, e.g. "/who name:Taecyeon"')
    ask.add_argument(
        "--as",
        dest="user",
        choices=("member", "admin"),
        default="member",
        help="who types it (default: member; /announce needs admin)",
    )
    commands.add_parser("invite", help="print the link that adds the bot to a server, then exit")
    commands.add_parser(
        "doctor", help="check the settings, database, token and channels; exit 1 if any fails"
    )
    commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    add_db_parser(commands)
    return parser


async def open_seeded_database(
    settings: Settings, *, check: bool = True
) -> tuple[Database, asyncio.Task[None] | None]:
    """Open the database (seeding it on first start), and the `quick_check` of its file.

    A database that needs no migration is checked on a connection of its own while the bot logs
    in, and the caller awaits the returned task before connecting to the gateway; one that needs
    migrating is checked first, so a damaged file is never migrated.
    """
    path = settings.database_path
    in_background = check and await is_current(path)
    db = await open_database(path, check=check and not in_background)
    check_task = asyncio.create_task(check_file(path)) if in_background else None
    try:
        if (await content_counts(db)).shows == 0:
            files = show_files(settings.shows_dir)
            if files:
                report = await seed_database(db, files)
                log.info("Seeded a new database: %s", content_summary(report))
    except BaseException:
        if check_task is not None:
            check_task.cancel()
        await db.close()
        raise
    return db, check_task


def unreachable(settings: Settings, error: Exception) -> str:
    where = settings.api_base or "Discord"
    return (
        f"kdrama-bot could not reach {where}: {error}. Check this machine's network connection"
        + (", and DISCORD_API_BASE in .env." if settings.api_base else ".")
    )


@asynccontextmanager
async def logged_in_bot(settings: Settings, *, sync_on_start: bool) -> AsyncIterator[KdramaBot]:
    """The bot, logged in over REST (not yet on the gateway), with its database open."""
    token = settings.require_token()
    point_discord_at(settings.api_base, settings.gateway_url)
    db, check_task = await open_seeded_database(settings)
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


async def run_bot(settings: Settings) -> int:
    loop = asyncio.get_running_loop()
    # Installed before logging in, so a SIGTERM during start-up also ends in a clean stop.
    stop: asyncio.Future[signal.Signals] = loop.create_future()

    def request_stop(signum: signal.Signals) -> None:
        if not stop.done():  # a second signal changes nothing: the first one's stop is under way
            stop.set_result(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, request_stop, signum)
    async with logged_in_bot(settings, sync_on_start=True) as bot:
        if not stop.done():
            log.info(INVITE_LOG, invite_url(bot.application_id))
            connection = asyncio.ensure_future(bot.connect())
            await asyncio.wait({connection, stop}, return_when=asyncio.FIRST_COMPLETED)
            if stop.done():
                await stop_gracefully(bot, stop.result())
            await connection  # returns once the bot is closed; raises if it failed
    # Only now, after the bot: logged_in_bot closed the database when the bot was done with it.
    log.info(STOPPED)
    return EXIT_OK


async def stop_gracefully(bot: KdramaBot, signum: signal.Signals) -> None:
    """Let the answers in progress finish (within IN_FLIGHT_GRACE), then disconnect."""
    log.info(STOPPING, signum.name)
    await finish_answers_in_progress(IN_FLIGHT_GRACE)
    await bot.close()


def stdin_may_be_a_person() -> bool:
    """Whether the sandbox has someone or something to read: a terminal, a pipe or a file.

    A service manager gives /dev/null (or nothing); starting the sandbox there would only read
    end-of-input and exit 0, hiding the missing token.
    """
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    return sys.stdin.isatty() or stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def run_or_sandbox(settings: Settings, no_sandbox: bool) -> int:
    """With a token, the bot; without one, the sandbox, unless nobody could type into it."""
    if settings.token:
        return asyncio.run(run_bot(settings))
    if no_sandbox or not stdin_may_be_a_person():
        raise SettingsError(MISSING_TOKEN_HELP)
    print(STARTING_SANDBOX, file=sys.stderr, flush=True)
    return sandbox(settings)


def sandbox(settings: Settings, line: str | None = None, user: str = "member") -> int:
    # Imported here: the sandbox brings the emulator and rich, which the bot itself never needs
    # and which would slow every start of the bot.
    from bot.sandbox.terminal import SandboxError, run_sandbox

    try:
        return run_sandbox(settings) if line is None else run_sandbox(settings, line, user)
    except SandboxError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILURE


async def run_invite(settings: Settings) -> int:
    if not settings.token:
        raise SettingsError(f"{INVITE_NEEDS_TOKEN}\n{MISSING_TOKEN_HELP}")
    print(invite_url(await fetch_application_id(settings)))
    return EXIT_OK


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


async def run_sync(settings: Settings) -> int:
    async with logged_in_bot(settings, sync_on_start=False) as bot:
        await sync_commands(bot, force=True)
    print("Slash commands synced.")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "doctor":
            from bot.doctor import run_doctor  # only the doctor needs it (and rich)

            return asyncio.run(run_doctor())
        settings = load_settings()
        quiet = args.command in ("invite", "sandbox", "ask")
        level = max(settings.log_level_number, logging.WARNING) if quiet else settings.log_level
        setup_logging(level, [settings.token or ""], settings.log_format)
        if args.command == "db":
            return run_db_command(settings, args)
        if args.command == "sync":
            return asyncio.run(run_sync(settings))
        if args.command == "invite":
            return asyncio.run(run_invite(settings))
        if args.command == "sandbox":
            return sandbox(settings)
        if args.command == "ask":
            return sandbox(settings, args.line, args.user)
        return run_or_sandbox(settings, getattr(args, "no_sandbox", False))
    except (SettingsError, StartupError, DatabaseError) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except DataFileError as error:
        print("The show data files have problems, so the bot did not start:", file=sys.stderr)
        for problem in error.errors:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
