"""The scheduler: posts due announcements once each, on time, across restarts.

One task sleeps until the next post is due; adding or cancelling one wakes it early. Posts are
claimed in the database before they are sent and recorded after, and every attempt at one
occurrence sends the same nonce, so a crash or a reconnect around the due time never posts
twice. What each kind of announcement looks like is supplied by the cog that owns it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.announcing import OutgoingPost
from bot.db.announcements import (
    Announcement,
    Post,
    claim,
    due_announcements,
    find_claim,
    get_announcement,
    next_attempt_at,
    record_failed,
    record_missed,
    record_sent,
    retry_later,
)
from bot.db.guild_settings import get_settings
from bot.when import next_occurrence_after, zone_named

if TYPE_CHECKING:
    from bot.client import KdramaBot

log = logging.getLogger(__name__)

Renderer = Callable[[Announcement], Awaitable[OutgoingPost]]

# A repeat that fails this many occurrences in a row is paused until an admin looks at it.
PAUSE_AFTER = 3
# Waits before retrying after a temporary error (5xx, timeouts), one per attempt.
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
RETRY_DELAY_MAX = timedelta(minutes=30)
# Discord dedupes a nonce only for "the past few minutes": a claim older than this is checked
# against the channel's recent messages before it is sent again.
NONCE_TRUSTED_FOR = timedelta(minutes=2)

CHANNEL_GONE = "The channel no longer exists (Unknown Channel)."
NO_PERMISSION = "I'm missing {permissions} in that channel (Missing Permissions)."
FORBIDDEN = "Discord refused the post: I'm not allowed to post there ({reason})."
REJECTED = "Discord rejected the post: {reason}."
NOT_RENDERABLE = "I don't know how to post this kind of announcement ({kind})."
TEMPORARY = "Discord had a temporary problem ({reason}); retrying."

POST_PERMISSIONS = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}


def missing_post_permissions(permissions: discord.Permissions) -> list[str]:
    """What to grant first. Without View Channel, or Send Messages, Discord implicitly denies the
    permissions after it too, so naming those would send the admin after the wrong setting."""
    for flag, label in POST_PERMISSIONS.items():
        if not getattr(permissions, flag):
            return [label]
    return []


class PermanentFailure(Exception):
    """Posting this occurrence cannot succeed; the message is shown to admins."""


class Scheduler:
    def __init__(self, bot: KdramaBot, *, grace: timedelta) -> None:
        self.bot = bot
        self.grace = grace
        self.renderers: dict[str, Renderer] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        # One pass at a time, even when something else calls run_due while the task runs.
        self._running = asyncio.Lock()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="announcement-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Something was scheduled, edited or cancelled: look again now."""
        self._wake.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            self._wake.clear()
            try:
                await self.run_due()
                next_at = await next_attempt_at(self.bot.db)
            except Exception:
                log.exception("The scheduler failed; trying again in a minute")
                next_at = self.bot.clock.now() + timedelta(minutes=1)
            await self.bot.clock.sleep_until(next_at, self._wake)

    async def run_due(self) -> None:
        """Post (or mark missed) everything due now, oldest first."""
        async with self._running:
            await self._run_due()

    async def _run_due(self) -> None:
        for announcement in await due_announcements(self.bot.db, self.bot.clock.now()):
            try:
                await self._handle(announcement)
            except Exception:
                log.exception("Posting announcement %s failed unexpectedly", announcement.id)
                await retry_later(
                    self.bot.db, announcement, "An unexpected error; retrying.",
                    self.bot.clock.now() + RETRY_DELAY_MAX,
                )  # fmt: skip

    def _next_due(self, announcement: Announcement, after: datetime) -> tuple[int, datetime] | None:
        if announcement.repeat is None or announcement.anchor_local is None:
            return None
        return next_occurrence_after(
            announcement.anchor_local, announcement.repeat, zone_named(announcement.timezone),
            after, start=announcement.occurrence + 1,
        )  # fmt: skip

    async def _handle(self, announcement: Announcement) -> None:
        db, now = self.bot.db, self.bot.clock.now()
        assert announcement.due_at is not None
        if now - announcement.due_at > self.grace:
            # A later occurrence still within the grace period goes out on the next pass.
            next_due = self._next_due(announcement, now - self.grace)
            # An earlier attempt may have reached Discord before the bot went down.
            earlier = await find_claim(db, announcement)
            channel = self.bot.get_channel(announcement.channel_id)
            sent = earlier and channel and await self._find_sent(channel, announcement, earlier)
            if earlier and sent:
                await record_sent(db, announcement, earlier, sent, now, next_due)
                return
            log.warning(
                "Announcement %s was due at %s: missed", announcement.id, announcement.due_at
            )
            await record_missed(db, announcement, now, next_due)
            return
        post = await claim(db, announcement, now)
        if post is None:
            return  # cancelled, or its state changed, since it was read
        # Its text may have been edited while earlier posts were sent: post what it says now.
        announcement = await get_announcement(db, announcement.guild_id, announcement.id)
        assert announcement is not None
        try:
            message_id = post.message_id or await self._send(announcement, post, now)
        except PermanentFailure as failure:
            state = await record_failed(
                db, announcement, str(failure), self.bot.clock.now(),
                next_due=self._next_due(announcement, now), pause_after=PAUSE_AFTER,
            )  # fmt: skip
            log.warning("Announcement %s %s: %s", announcement.id, state, failure)
            return
        except (discord.DiscordServerError, aiohttp.ClientError, TimeoutError) as error:
            delay = (
                RETRY_DELAYS[announcement.attempts]
                if announcement.attempts < len(RETRY_DELAYS)
                else RETRY_DELAY_MAX
            )
            reason = getattr(error, "text", None) or type(error).__name__
            log.warning("Announcement %s: temporary error %s; retrying", announcement.id, reason)
            await retry_later(db, announcement, TEMPORARY.format(reason=reason), now + delay)
            return
        await record_sent(
            db, announcement, post, message_id, self.bot.clock.now(),
            self._next_due(announcement, now),
        )  # fmt: skip
        log.info("Posted announcement %s as message %s", announcement.id, message_id)

    async def _send(self, announcement: Announcement, post: Post, now: datetime) -> int:
        channel = self.bot.get_channel(announcement.channel_id)
        if channel is None:
            raise PermanentFailure(CHANNEL_GONE)
        me = channel.guild.me
        missing = missing_post_permissions(channel.permissions_for(me))
        if missing:
            raise PermanentFailure(NO_PERMISSION.format(permissions=", ".join(missing)))
        if now - post.claimed_at > NONCE_TRUSTED_FOR:
            found = await self._find_sent(channel, announcement, post)
            if found is not None:
                return found
        renderer = self.renderers.get(announcement.kind)
        if renderer is None:
            raise PermanentFailure(NOT_RENDERABLE.format(kind=announcement.kind))
        outgoing = await renderer(announcement)
        try:
            message = await channel.send(
                content=outgoing.content,
                embed=outgoing.embed,
                allowed_mentions=outgoing.allowed_mentions,
                nonce=post.nonce,
            )
        except discord.NotFound:
            raise PermanentFailure(CHANNEL_GONE) from None
        except discord.Forbidden as error:
            raise PermanentFailure(FORBIDDEN.format(reason=error.text or error.status)) from None
        except discord.HTTPException as error:
            if error.status >= 500:
                raise
            raise PermanentFailure(REJECTED.format(reason=error.text or error.status)) from None
        await self.publish_if_enabled(channel, message)
        return message.id

    async def _find_sent(
        self, channel: discord.abc.Messageable, announcement: Announcement, post: Post
    ) -> int | None:
        """After a long crash the nonce no longer protects us: look for the post itself."""
        after = discord.Object(discord.utils.time_snowflake(post.claimed_at - timedelta(seconds=5)))
        try:
            async for message in channel.history(after=after, limit=100, oldest_first=True):
                if (
                    message.author.id == self.bot.user.id
                    and message.embeds
                    and message.embeds[0].title == announcement.title
                ):
                    return message.id
        except discord.HTTPException:
            log.warning("Could not read the history of channel %s", announcement.channel_id)
        return None

    async def publish_if_enabled(
        self, channel: discord.abc.GuildChannel, message: discord.Message
    ) -> None:
        """Crosspost to following servers, in announcement channels where the server wants it."""
        if not getattr(channel, "is_news", lambda: False)():
            return
        settings = await get_settings(self.bot.db, channel.guild.id)
        if not settings.auto_publish:
            return
        try:
            await message.publish()
        except discord.HTTPException:
            # The post itself is out; following servers just don't get this one.
            log.warning("Could not publish message %s in %s", message.id, channel.id, exc_info=True)
