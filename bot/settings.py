"""Typed settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.when import parse_duration

DEFAULT_DATABASE_PATH = Path("data/kdrama.db")
DEFAULT_SHOWS_DIR = Path("data/shows")
DEFAULT_SCHEDULE_GRACE = "6h"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("text", "json")
# The URLs that may point the bot elsewhere than Discord: their schemes, and an example of each.
URL_SETTINGS = {
    "DISCORD_API_BASE": (("http://", "https://"), "http://127.0.0.1:8080/api/v10"),
    "DISCORD_GATEWAY_URL": (("ws://", "wss://"), "ws://127.0.0.1:8080/gateway"),
}

MISSING_TOKEN_HELP = """\
DISCORD_TOKEN is not set, so kdrama-bot cannot connect to Discord.
Copy .env.example to .env and put your bot's token after DISCORD_TOKEN= (or set DISCORD_TOKEN in \
the environment). A token comes from the Discord developer portal \
(https://discord.com/developers/applications): open your application, choose "Bot", then \
"Reset Token", and copy it. The README's "Create the bot in Discord" section walks through it."""

REJECTED_TOKEN_HELP = """\
Discord rejected the token in DISCORD_TOKEN, so kdrama-bot cannot log in.
The token may have been reset, copied incompletely, or belong to another application. Open the \
Discord developer portal (https://discord.com/developers/applications), choose your application, \
then "Bot" and "Reset Token", and put the new token in .env after DISCORD_TOKEN=."""


TOKEN_CHARACTER_HELP = """\
DISCORD_TOKEN has a character no token has, at position {position}: an invisible or control \
character, copied along with it. Open the Discord developer portal \
(https://discord.com/developers/applications), choose your application, then "Bot" and \
"Reset Token", and put the new token in .env after DISCORD_TOKEN=."""

ENV_NOT_UTF8 = (
    "{path} is not saved as UTF-8 (line {line} has a byte UTF-8 does not allow), so kdrama-bot "
    "cannot read its settings. Save it as UTF-8: most editors offer it under Save As, as the "
    "encoding."
)


class StartupError(Exception):
    """Start-up cannot go on; the message tells the admin what to fix. Exit code 2."""


class SettingsError(Exception):
    """A setting is missing or has a value we cannot use; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Settings:
    # repr=False: the token must never reach a log line or a traceback.
    token: str | None = field(repr=False)
    database_path: Path
    shows_dir: Path
    guild_id: int | None
    log_level: str
    log_format: str
    api_base: str | None
    gateway_url: str | None
    schedule_grace: timedelta

    def require_token(self) -> str:
        if not self.token:
            raise SettingsError(MISSING_TOKEN_HELP)
        return self.token

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Build settings from `.env` (if present) overlaid by the real environment."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in read_env_file(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def text(name: str) -> str | None:
        value = values.get(name, "").strip()
        return value or None

    token = text("DISCORD_TOKEN")
    # aiohttp refuses a control character in the Authorization header with a traceback; the
    # token itself is never shown, only where the character is.
    unseen = next((i for i, c in enumerate(token or "") if not c.isprintable()), None)
    if unseen is not None:
        raise SettingsError(TOKEN_CHARACTER_HELP.format(position=unseen + 1))

    guild_id = text("DISCORD_GUILD_ID")
    if guild_id is not None and not (guild_id.isdigit() and 0 < int(guild_id) < 2**64):
        raise SettingsError(
            f"DISCORD_GUILD_ID must be a server id (a number like 123456789012345678), "
            f"not {guild_id!r}. In Discord, turn on Developer Mode, right-click the server and "
            f"choose 'Copy Server ID', or leave DISCORD_GUILD_ID empty to sync commands globally."
        )

    log_level = (text("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}.")

    log_format = (text("LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise SettingsError(
            f"LOG_FORMAT must be {' or '.join(LOG_FORMATS)}, not {log_format!r}: text gives one "
            f"readable line per event, json one JSON object per line (for a log collector)."
        )

    for name, (schemes, example) in URL_SETTINGS.items():
        url = text(name)
        if url is None:
            continue
        if not url.startswith(schemes):
            raise SettingsError(f"{name} must start with {' or '.join(schemes)}, not {url!r}.")
        if not has_host(url):
            raise SettingsError(
                f"{name} must be a URL with a host, and a port from 1 to 65535 if it has one, "
                f"such as {example}, not {url!r}."
            )

    grace_text = text("SCHEDULE_GRACE") or DEFAULT_SCHEDULE_GRACE
    try:
        schedule_grace = parse_duration(grace_text)
    except ValueError:
        raise SettingsError(
            f"SCHEDULE_GRACE must be a duration like 6h, 90m or 1d 12h, not {grace_text!r}."
        ) from None

    return Settings(
        token=token,
        database_path=Path(text("DATABASE_PATH") or DEFAULT_DATABASE_PATH),
        shows_dir=Path(text("SHOWS_DIR") or DEFAULT_SHOWS_DIR),
        guild_id=int(guild_id) if guild_id else None,
        log_level=log_level,
        log_format=log_format,
        api_base=(text("DISCORD_API_BASE") or "").rstrip("/") or None,
        gateway_url=text("DISCORD_GATEWAY_URL"),
        schedule_grace=schedule_grace,
    )


def read_env_file(env_file: Path) -> dict[str, str | None]:
    """The names and values in a `.env` file; SettingsError, naming the line, if it is not
    UTF-8 (a Latin-1 editor, Windows Notepad's UTF-16), where python-dotenv gives a traceback."""
    data = env_file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SettingsError(ENV_NOT_UTF8.format(path=env_file, line=line)) from None
    return dotenv_values(stream=io.StringIO(text))


def has_host(url: str) -> bool:
    """Whether `url` names a host (and a port that can be, if any): aiohttp and discord.py fail
    with a traceback on `http://`, `http://[::1` or a port of 80800."""
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and parts.port != 0
    except ValueError:
        return False
