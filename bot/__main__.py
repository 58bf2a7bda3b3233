"""The composition root and command line: read settings once, open the database, build the bot.

kdrama-bot [run]      run the bot
kdrama-bot db seed    (re)load data/shows/*.toml into the database
kdrama-bot sync       push the slash commands to Discord now, then exit
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import discord

from bot import __version__
from bot.client import KdramaBot, point_discord_at
from bot.content import DataFileError, seed_database
from bot.content.seed import show_files
from bot.db import Database, DatabaseError, open_database
from bot.db.stats import content_counts
from bot.formatting import content_summary
from bot.logs import setup_logging
from bot.settings import REJECTED_TOKEN_HELP, Settings, SettingsError, load_settings
from bot.sync import sync_commands

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


class StartupError(Exception):
    """Start-up cannot go on; the message tells the admin what to fix. Exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kdrama-bot", description="A self-hosted Discord bot for K-drama fan communities."
    )
    parser.add_argument("--version", action="version", version=f"kdrama-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("sync", help="push the slash commands to Discord now, then exit")
    db = commands.add_parser("db", help="manage the database")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    seed = db_commands.add_parser("seed", help="load show data files into the database")
    seed.add_argument(
        "files", nargs="*", type=Path, help="data files (default: every file in SHOWS_DIR)"
    )
    return parser


async def open_seeded_database(settings: Settings) -> Database:
    """Open the database; on first start, seed it from the data files."""
    db = await open_database(settings.database_path)
    try:
        if (await content_counts(db)).shows == 0:
            files = show_files(settings.shows_dir)
            if files:
                report = await seed_database(db, files)
                log.info("Seeded a new database: %s", content_summary(report))
    except BaseException:
        await db.close()
        raise
    return db


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
    db = await open_seeded_database(settings)
    try:
        async with KdramaBot(settings=settings, db=db, sync_on_start=sync_on_start) as bot:
            try:
                await bot.login(token)
            except discord.LoginFailure:
                raise StartupError(REJECTED_TOKEN_HELP) from None
            except (aiohttp.ClientConnectionError, OSError) as error:
                raise StartupError(unreachable(settings, error)) from None
            yield bot
    finally:
        await db.close()


async def run_bot(settings: Settings) -> int:
    async with logged_in_bot(settings, sync_on_start=True) as bot:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        await bot.connect()
    return EXIT_OK


async def run_sync(settings: Settings) -> int:
    async with logged_in_bot(settings, sync_on_start=False) as bot:
        await sync_commands(bot, force=True)
    print("Slash commands synced.")
    return EXIT_OK


async def run_seed(settings: Settings, files: list[Path]) -> int:
    files = files or show_files(settings.shows_dir)
    if not files:
        raise StartupError(f"No data files to seed: {settings.shows_dir} has no *.toml files.")
    db = await open_database(settings.database_path)
    try:
        report = await seed_database(db, files)
    except DataFileError as error:
        print("Nothing was written. Fix these problems in the data files first:", file=sys.stderr)
        for problem in error.errors:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        await db.close()
    print(f"Seeded {settings.database_path}: {content_summary(report)}.")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        setup_logging(settings.log_level, secrets=[settings.token or ""])
        if args.command == "db":
            return asyncio.run(run_seed(settings, args.files))
        if args.command == "sync":
            return asyncio.run(run_sync(settings))
        return asyncio.run(run_bot(settings))
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
