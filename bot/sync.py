"""Syncing slash commands with Discord only when their definition changed since the last sync."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import discord

from bot.db.meta import get_meta, set_meta

if TYPE_CHECKING:
    from bot.client import KdramaBot

log = logging.getLogger(__name__)

SYNC_HASH_KEY = "commands_sync_hash"


def command_payload(bot: KdramaBot) -> list[dict]:
    """The commands exactly as they are sent to Discord."""
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]


def commands_hash(bot: KdramaBot) -> str:
    target = {
        "application_id": bot.application_id,
        "guild_id": bot.settings.guild_id,
        "commands": command_payload(bot),
    }
    encoded = json.dumps(target, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


async def sync_commands(bot: KdramaBot, *, force: bool = False) -> bool:
    """Sync to DISCORD_GUILD_ID (instant) or globally; return whether a sync was sent."""
    digest = commands_hash(bot)
    if not force and await get_meta(bot.db, SYNC_HASH_KEY) == digest:
        log.info("Slash commands unchanged since the last sync; not syncing")
        return False
    guild = discord.Object(bot.settings.guild_id) if bot.settings.guild_id else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    if guild is not None:
        # The copy is only for the sync; the commands stay defined globally.
        bot.tree.clear_commands(guild=guild)
    await set_meta(bot.db, SYNC_HASH_KEY, digest)
    where = f"server {bot.settings.guild_id}" if guild else "all servers (global)"
    log.info("Synced %d slash commands to %s", len(synced), where)
    return True
