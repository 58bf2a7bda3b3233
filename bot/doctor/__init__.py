"""`kdrama-bot doctor`: what is wrong with this deployment, and how to fix each thing.

It checks, in order, the `.env` file and the settings, the database (read-only), then over
REST the token, the slash commands, the servers, and every channel the settings post in. Each
check is a row of the table: ✓, ✗ with its fix, or – when an earlier ✗ means it can't be
checked. The exit code is 1 when anything needs fixing.

local.py   settings and database     remote.py       Discord: token, commands, channels
report.py  rows and the table        permissions.py  the bot's permissions in a channel
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from rich.console import Console

from bot.doctor.local import database_rows, env_file_row, settings_rows, show_files_row
from bot.doctor.remote import discord_rows
from bot.doctor.report import Row, exit_code, skipped, summary, table
from bot.logs import setup_logging
from bot.sandbox.render import plain_text
from bot.settings import SettingsError, read_env_file

DISCORD = "Discord"
TOKEN = "DISCORD_TOKEN"
NO_TOKEN = "not checked: there is no token"
NO_SETTINGS = "not checked: the settings are invalid"
PIPED_WIDTH = 200


async def diagnose(env_file: Path, environ: Mapping[str, str] | None = None) -> list[Row]:
    """Every row, in order. `environ` None means the real environment."""
    rows = [env_file_row(env_file, os.environ if environ is None else environ)]
    found, settings = settings_rows(env_file, environ)
    rows += found
    if settings is None:
        return [*rows, skipped(DISCORD, NO_SETTINGS)]
    rows.append(show_files_row(settings))
    found, db = await database_rows(settings)
    rows += found
    try:
        if settings.token:
            rows += await discord_rows(settings, db)
        else:
            rows.append(skipped(DISCORD, NO_TOKEN))
    finally:
        if db is not None:
            await db.close()
    return rows


async def run_doctor(env_file: Path = Path(".env"), stdout: TextIO | None = None) -> int:
    # discord.py logs its own view of a failed login; the table already says all of it. The
    # token is not known yet (the settings may not load), so nothing at all is logged below ERROR
    # and errors are logged with every token the environment and .env could hold redacted.
    setup_logging(logging.ERROR, _possible_tokens(env_file))
    rows = await diagnose(env_file)
    out = stdout or sys.stdout
    if out.isatty():
        console = Console(file=out, emoji=False, highlight=False)
        console.print(table(rows))
        console.print()
        console.print(summary(rows))
    else:
        # Piped (a log, a file, a test): plain lines, not wrapped, without trailing spaces.
        out.write(plain_text([table(rows), "", summary(rows)], width=PIPED_WIDTH))
    return exit_code(rows)


def _possible_tokens(env_file: Path) -> list[str]:
    try:
        from_file = read_env_file(env_file).get(TOKEN) if env_file.is_file() else None
    except SettingsError:  # not UTF-8: the table says so, and no token could be read from it
        from_file = None
    return [token for token in (os.environ.get(TOKEN), from_file) if token]
