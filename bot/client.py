"""The bot class: its dependencies come in through the constructor, from `bot.__main__`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import yarl
from discord.ext import commands

from bot.clock import Clock, SystemClock
from bot.db import Database
from bot.errors import CommandTree, InUse, answer_forgotten, note_forgotten
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.sync import sync_commands

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.show",
    "cogs.people",
    "cogs.quotes",
    "cogs.about",
    "cogs.announce",
    "cogs.settings",
)


def point_discord_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST and gateway traffic to another host (a proxy or the emulator).

    discord.py keeps these as class attributes, so this is process-wide; the composition root
    calls it once, before login.
    """
    discord.http.Route.BASE = api_base or "https://discord.com/api/v10"
    gateway = gateway_url or "wss://gateway.discord.gg/"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


class KdramaBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        clock: Clock | None = None,
        sync_on_start: bool = True,
        extensions: tuple[str, ...] = EXTENSIONS,
        guild_ready_timeout: float = 2.0,
        startup_check: asyncio.Future[None] | None = None,
    ) -> None:
        # The bot never joins voice: discord.py's warnings about missing voice libraries are noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            # Slash commands only; mentioning the bot is a prefix nobody uses.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            tree_cls=CommandTree,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.db = db
        self.clock = clock or SystemClock()
        self.sync_on_start = sync_on_start
        self.extensions_to_load = extensions
        # A check (the database's quick_check) that runs during login and must pass before the
        # bot changes anything in Discord or goes online.
        self.startup_check = startup_check
        # Before the extensions load: their setup registers how each kind of post looks.
        self.scheduler = Scheduler(self, grace=settings.schedule_grace)
        self.in_use = InUse()

    async def setup_hook(self) -> None:
        if self.startup_check is not None:
            await self.startup_check
        for extension in self.extensions_to_load:
            await self.load_extension(extension)
        if self.sync_on_start:
            await sync_commands(self)
        self.scheduler.start()

    async def close(self) -> None:
        # Stop posting first; a post cut off mid-send is claimed and is retried with its nonce.
        await self.scheduler.stop()
        await super().close()

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # discord.py has handed a press to its view, if it has one, but the view's callback has
        # not run yet: the moment to tell whether the press belongs to a view still in use.
        if event_name == "interaction":
            note_forgotten(args[0], self.in_use)
        super().dispatch(event_name, *args, **kwargs)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await answer_forgotten(interaction)

    async def on_ready(self) -> None:
        # on_ready runs again after every reconnect: it only logs.
        log.info("Connected as %s (id %s) to %d servers", self.user, self.user.id, len(self.guilds))
