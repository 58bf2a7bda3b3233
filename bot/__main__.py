"""The command line: read settings once, then run the bot (`bot.app`, the composition root),
the sandbox, the doctor, or a `db` command.

kdrama-bot [run]      run the bot; without a token, the offline sandbox (see `run_or_sandbox`)
kdrama-bot sandbox    the real bot on a local, offline Discord, at a prompt or fed by a pipe
kdrama-bot ask LINE   one sandbox command, its reply, then exit
kdrama-bot invite     print the link that adds the bot to a server
kdrama-bot doctor     check the settings, the database, the token, and the channels
kdrama-bot db …       validate, seed, export, back up and count the database (see bot/dbcli.py)
kdrama-bot sync       push the slash commands to Discord now, then exit
"""

from __future__ import annotations

# Only light modules here: `bot.app` brings discord.py, and the bot's start imports it only
# after the database check has started (see `run_or_sandbox`).
import argparse
import asyncio
import logging
import os
import stat
import sys

from bot import __version__
from bot.content import DataFileError
from bot.db import DatabaseError
from bot.db.connection import start_file_check
from bot.dbcli import add_db_parser, run_db_command
from bot.logs import setup_logging
from bot.settings import MISSING_TOKEN_HELP, Settings, SettingsError, StartupError, load_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2

STARTING_SANDBOX = (
    "No DISCORD_TOKEN set: starting the offline sandbox. Put a token in .env to connect to Discord."
)


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
        # quick_check reads the whole file (about a second per 500 MB): it starts before
        # discord.py loads, and goes on while the bot logs in.
        file_check = start_file_check(settings.database_path)
        from bot import app

        asyncio.run(app.run_bot(settings, file_check))
        return EXIT_OK
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
        if args.command in ("sync", "invite"):
            from bot import app

            run = app.run_sync if args.command == "sync" else app.run_invite
            asyncio.run(run(settings))
            return EXIT_OK
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
    except BrokenPipeError:
        # The reader went away (`kdrama-bot db stats | head`): stop quietly, as command-line tools
        # do. Python flushes standard output once more at exit: into nothing, then.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
