"""/announce: admins write announcements in a form, check a preview, then post them now or
schedule them (once or repeating); and list, edit, delete and audit them.

Only the role given in `ping`, and @here with `here`, are ever pinged: mentions typed into the
text never ping anyone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.announcing import EVERYONE, HERE, OutgoingPost, announcement_post, ping_targets
from bot.db.announcements import (
    Announcement,
    NewAnnouncement,
    create_scheduled,
    get_announcement,
    list_announcements,
    posted_message_ids,
    record_posted,
    resume_repeat,
    set_state,
    update_content,
)
from bot.db.audit import AuditEntry, list_audit
from bot.db.guild_settings import GuildSettings, get_settings
from bot.errors import InUse, Modal, UserFacingError
from bot.formatting import choice_text, inline_code, is_blank, truncate
from bot.scheduler import PermanentFailure, missing_post_permissions
from bot.when import WhenError, next_occurrence_after, parse_when, zone_named
from cogs.utils.checks import announcer_only, is_announcer
from cogs.utils.confirm import ConfirmView
from cogs.utils.paginator import Paginator, paginate_lines
from cogs.utils.parsing import parse_colour, parse_image_url

if TYPE_CHECKING:
    from bot.client import KdramaBot

log = logging.getLogger(__name__)

FORM_TITLE = "New announcement"
EDIT_FORM_TITLE = "Edit announcement #{id}"
TITLE_LABEL = "Title"
MESSAGE_LABEL = "Message"
TITLE_MAX = 256
MESSAGE_MAX = 4000
PREVIEW_TIMEOUT = 600

PREVIEW = (
    "**Preview.** This will be posted in {channel}{when}, {pings}. Nothing else in it will ping "
    "anyone.\nPress **{confirm}** to confirm, or **Cancel**."
)
WHEN = " on {full} ({relative}){repeat}"
REPEAT = {
    "daily": ", then every day at the same time",
    "weekly": ", then every week at the same time",
    "monthly": ", then every month on the same day and time",
}
PINGS = "pinging {targets}"
PING_JOINER = " and "
PINGS_NOBODY = "pinging nobody"
POSTED = "**Posted** in {channel}: {url}"
SCHEDULED = (
    "**Scheduled** as announcement **#{id}**: it will be posted in {channel} on {full} "
    "({relative})."
)
PASSED_WHILE_OPEN = (
    "The time you chose, {full} ({relative}), passed while the preview was open. Nothing was "
    "scheduled: run `/announce schedule` again with a later time."
)
CANCELLED = "Cancelled. Nothing was posted."
CHANNEL_GONE = "I can't find that channel any more (it may have been deleted). Nothing was posted."
ROLE_DELETED = "The role {role} no longer exists."
ROLE_GONE = ROLE_DELETED + " Nothing was posted."
MISSING_PERMISSIONS = (
    "I can't post in {channel}: I'm missing **{permissions}** there. Give my role those "
    "permissions in the channel's settings, or choose another channel."
)
REFUSED = (
    "Discord refused the post in {channel}: I'm not allowed to post there ({reason}). Check my "
    "role's permissions in that channel. Nothing was posted."
)
FAILED = "Discord couldn't take the post just now ({reason}). Nothing was posted; try again."
NOT_RECORDED = (
    "**Posted** in {channel}: {url}\nBut I couldn't save it to my records; the error was logged."
)
BLANK = "An announcement needs both a title and a message."
# The options' descriptions; /announce post and schedule share those of a new announcement.
DRAFT_OPTIONS = {
    "channel": "Where to post it",
    "ping": "A role to ping with it (nobody else is pinged)",
    "here": "Also ping @here, the members online now (needs /settings allow-everyone)",
    "color": "The embed's colour: #ff8800, rgb(255, 136, 0) or a name like pink",
    "image_url": "An image to show in the embed: a full https:// link",
}
WHEN_OPTION = "2026-12-24 20:00 (server time zone), 2026-12-24T20:00+09:00, in 2h, tomorrow 20:00"
REPEAT_OPTION = "Post it again every day, week or month, at the same local time"
NUMBER_OPTION = "The announcement's number, from /announce list"
BAD_COLOUR = (
    "I don't know the colour {value}. Use a hex code like `#ff8800`, `rgb(255, 136, 0)`, "
    "or a name: {names}."
)
BAD_IMAGE_URL = (
    "{value} isn't an image link I can use. Give a full `https://` address of an image, "
    "like `https://example.com/poster.png`."
)
NO_EVERYONE = (
    "Announcements can't ping {target} in this server. An admin can allow it with "
    "`/settings allow-everyone`, and I need the **Mention Everyone** permission."
)
NOT_A_PING_ROLE = (
    "{role} isn't one of the roles announcements may ping here: {allowed}. An admin can change "
    "the list with `/settings ping-roles`."
)
ROLE_NOT_MENTIONABLE = (
    "I can't ping {role}: the role isn't mentionable, and I don't have **Mention Everyone**. "
    "Allow anyone to mention the role (Server Settings → Roles), or leave `ping` empty."
)
# The server's ping rules changed after the announcement was written: checked again as it goes out.
PING_WITHDRAWN_EVERYONE = (
    "{target} may no longer be pinged in this server: `/settings allow-everyone` is off."
)
PING_WITHDRAWN_ROLE = (
    "{role} is no longer one of the roles announcements may ping here (`/settings ping-roles`)."
)
NOTHING_POSTED = " Nothing was posted."
UNKNOWN_ID = "There's no announcement **#{id}** in this server. `/announce list` shows them all."
NOT_EDITABLE = "Announcement **#{id}** is {state}; there's nothing to edit."
NOT_DELETABLE = "Announcement **#{id}** is already {state}."
NOT_PAUSED = "Announcement **#{id}** is {state}: only a paused repeat can be resumed."
RESUME_CHANNEL_GONE = (
    "I can't find the channel of announcement **#{id}** any more (it may have been deleted), so "
    "it stays paused. Schedule it again in another channel, and delete this one."
)
RESUMED = "Announcement **#{id}** is back on, {repeat}: next on {full} ({relative})."
BUSY = "Announcement **#{id}** is being posted right now. Try again in a few seconds."
# /settings manages the quote of the day: /announce edit and delete leave it alone.
QOTD_ELSEWHERE = (
    "That's the quote of the day. Change it with `/settings quote-of-the-day on`, or stop it "
    "with `/settings quote-of-the-day off`."
)
EDITED_POSTED = "**Edited** announcement **#{id}** in place: {url}"
EDITED_SCHEDULED = "**Updated** announcement **#{id}**. The new text goes out {relative}."
EDITED_RECORD_ONLY = "**Updated** announcement **#{id}** in my records."
MESSAGE_GONE = (
    "The message of announcement **#{id}** was deleted in Discord, so there is nothing to edit "
    "there. I've updated my records."
)
CANNOT_EDIT = "I couldn't edit the message of announcement **#{id}**: {reason}."
CHANGED_MEANWHILE = "Announcement **#{id}** changed while you were deciding. Nothing was done."
CONFIRM_DELETE_POSTED = (
    "Delete announcement **#{id}** “{title}”? Its message in {channel} will be deleted."
)
CONFIRM_CANCEL = "Cancel announcement **#{id}** “{title}”? It will not be posted{repeat}."
REPEAT_STOPS = ", and the repeat stops"
DELETED = "**Deleted** announcement **#{id}** and its message."
DELETED_ALREADY_GONE = "**Deleted** announcement **#{id}**. Its message was already gone."
CANNOT_DELETE = "I couldn't delete the message of announcement **#{id}**: {reason}."
CANCELLED_ONE = "**Cancelled** announcement **#{id}**. It will not be posted."
KEPT = "Kept. Nothing was changed."
LIST_TITLE = "Announcements"
LIST_EMPTY = (
    "No announcements yet. Post one with `/announce post` or plan one with `/announce schedule`."
)
LOG_TITLE = "Announcement log"
LOG_EMPTY = "Nothing has happened yet."
THE_BOT = "the bot"

STATE_LINES = {
    "scheduled": "scheduled for {due_full} ({due_relative})",
    "posting": "being posted now",
    "posted": "posted {posted_relative}",
    "failed": "**failed**: {error}",
    "missed": "**missed**: it was due {due_full}, while the bot was not running",
    "cancelled": "cancelled",
    "paused": (
        "**paused** after {failures} failures in a row: {error} Once that is fixed, "
        "`/announce resume id:{id}`"
    ),
    "deleted": "deleted",
}
REPEAT_NAMES = {"daily": "every day", "weekly": "every week", "monthly": "every month"}
LIST_LINE = "`#{id}` **{title}** in {channel}{repeat}: {state}"
LOG_LINE = "{at} {actor} **{action}** `#{id}`{detail}"
LOG_LINE_NO_ID = "{at} {actor} **{action}**{detail}"


def timestamp(when: datetime, style: str) -> str:
    """A Discord timestamp, which every member sees in their own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


@dataclass(frozen=True, slots=True)
class Draft:
    guild_id: int
    channel_id: int
    author_id: int
    ping_role_id: int | None
    colour: int | None
    image_url: str | None
    ping_here: bool = False
    title: str = ""
    body: str = ""
    due_at: datetime | None = None
    repeat: str | None = None
    timezone: str = "UTC"
    anchor_local: datetime | None = None

    def outgoing(self) -> OutgoingPost:
        return announcement_post(
            guild_id=self.guild_id, title=self.title, body=self.body, colour=self.colour,
            image_url=self.image_url, ping_role_id=self.ping_role_id, ping_here=self.ping_here,
        )  # fmt: skip

    def new_announcement(self) -> NewAnnouncement:
        return NewAnnouncement(
            guild_id=self.guild_id, channel_id=self.channel_id, author_id=self.author_id,
            title=self.title, body=self.body, ping_role_id=self.ping_role_id,
            ping_here=self.ping_here, color=self.colour, image_url=self.image_url,
        )  # fmt: skip


def preview_text(draft: Draft, confirm: str) -> str:
    targets = ping_targets(draft.ping_role_id, draft.guild_id, draft.ping_here)
    pings = PINGS.format(targets=PING_JOINER.join(targets)) if targets else PINGS_NOBODY
    when = ""
    if draft.due_at is not None:
        repeat = REPEAT.get(draft.repeat or "", "")
        when = WHEN.format(
            full=timestamp(draft.due_at, "F"), relative=timestamp(draft.due_at, "R"), repeat=repeat
        )
    return PREVIEW.format(channel=f"<#{draft.channel_id}>", when=when, pings=pings, confirm=confirm)


def schedule_detail(draft: Draft) -> str:
    repeat = f", {draft.repeat}" if draft.repeat else ""
    return f"in <#{draft.channel_id}> for {draft.due_at.isoformat()}{repeat}"


def list_line(announcement: Announcement) -> str:
    due = announcement.due_at
    state = STATE_LINES[announcement.state].format(
        due_full=timestamp(due, "F") if due else "?",
        due_relative=timestamp(due, "R") if due else "?",
        posted_relative=timestamp(announcement.posted_at, "R") if announcement.posted_at else "",
        error=announcement.last_error or "unknown reason",
        failures=announcement.failures,
        id=announcement.id,
    )
    repeat = f" ({REPEAT_NAMES[announcement.repeat]})" if announcement.repeat else ""
    return LIST_LINE.format(
        id=announcement.id,
        title=discord.utils.escape_markdown(truncate(announcement.title, 80)),
        channel=f"<#{announcement.channel_id}>",
        repeat=repeat,
        state=state,
    )


def log_line(entry: AuditEntry) -> str:
    actor = f"<@{entry.actor_id}>" if entry.actor_id else THE_BOT
    detail = f": {truncate(entry.detail, 200)}" if entry.detail else ""
    template = LOG_LINE if entry.announcement_id else LOG_LINE_NO_ID
    return template.format(
        at=timestamp(entry.at, "f"), actor=actor, action=entry.action,
        id=entry.announcement_id, detail=detail,
    )  # fmt: skip


def pages_of(title: str, lines: list[str], empty: str) -> list[discord.Embed]:
    texts = paginate_lines(lines) or [empty]
    return [discord.Embed(title=title, description=text) for text in texts]


class AnnouncementForm(Modal):
    """The Title and Message form, empty for a new announcement, pre-filled for an edit."""

    def __init__(
        self,
        in_use: InUse,
        form_title: str,
        on_done: Callable[[discord.Interaction, str, str], Awaitable[None]],
        title: str = "",
        body: str = "",
    ) -> None:
        super().__init__(in_use, title=form_title)
        self.on_done = on_done
        self.title_input = discord.ui.TextInput(
            label=TITLE_LABEL, max_length=TITLE_MAX, default=title or None
        )
        self.message_input = discord.ui.TextInput(
            label=MESSAGE_LABEL, style=discord.TextStyle.paragraph, max_length=MESSAGE_MAX,
            default=body or None,
        )  # fmt: skip
        self.add_item(self.title_input)
        self.add_item(self.message_input)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        title = self.title_input.value.strip()
        body = self.message_input.value.strip()
        if is_blank(title) or is_blank(body):
            raise UserFacingError(BLANK)
        await self.on_done(interaction, title, body)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class AnnounceCog(commands.GroupCog, group_name="announce", group_description="Announcements"):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.scheduler.renderers["announcement"] = self.render

    async def cog_unload(self) -> None:
        self.bot.scheduler.renderers.pop("announcement", None)

    async def render(self, announcement: Announcement) -> OutgoingPost:
        """The scheduler's post: refused when its ping role is gone or no longer allowed."""
        role_id, guild = announcement.ping_role_id, self.bot.get_guild(announcement.guild_id)
        if role_id is not None and guild is not None and guild.get_role(role_id) is None:
            raise PermanentFailure(ROLE_DELETED.format(role=f"<@&{role_id}>"))
        withdrawn = await self._ping_withdrawn(
            announcement.guild_id, announcement.ping_role_id, announcement.ping_here
        )
        if withdrawn is not None:
            raise PermanentFailure(withdrawn)
        return self._outgoing(announcement)

    @staticmethod
    def _outgoing(announcement: Announcement) -> OutgoingPost:
        return announcement_post(
            guild_id=announcement.guild_id, title=announcement.title, body=announcement.body,
            colour=announcement.color, image_url=announcement.image_url,
            ping_role_id=announcement.ping_role_id, ping_here=announcement.ping_here,
        )  # fmt: skip

    # -- writing ------------------------------------------------------------------------------

    async def _draft(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        ping: discord.Role | None,
        here: bool,
        color: str | None,
        image_url: str | None,
    ) -> tuple[Draft, GuildSettings]:
        """Check every option before the form opens, so nothing typed in it is wasted."""
        guild = interaction.guild
        assert guild is not None  # guild_only
        colour = None
        if color is not None:
            try:
                colour = parse_colour(color).value
            except ValueError:
                names = ", ".join(f"`{name}`" for name in ("pink", "red", "gold", "blurple"))
                raise UserFacingError(
                    BAD_COLOUR.format(value=inline_code(color), names=names)
                ) from None
        if image_url is not None:
            try:
                image_url = parse_image_url(image_url)
            except ValueError:
                value = inline_code(truncate(image_url, 200))
                raise UserFacingError(BAD_IMAGE_URL.format(value=value)) from None
        missing = missing_post_permissions(channel.permissions_for(guild.me))
        if missing:
            raise UserFacingError(
                MISSING_PERMISSIONS.format(channel=channel.mention, permissions=", ".join(missing))
            )
        settings = await get_settings(self.bot.db, guild.id)
        if ping is not None:
            self._check_ping(ping, channel, guild.me, settings)
        here = here and not (ping is not None and ping.is_default())  # @everyone pings them too
        if here and not self._may_ping_everyone(channel, guild.me, settings):
            raise UserFacingError(NO_EVERYONE.format(target=HERE))
        draft = Draft(
            guild_id=guild.id, channel_id=channel.id, author_id=interaction.user.id,
            ping_role_id=ping.id if ping else None, ping_here=here, colour=colour,
            image_url=image_url, timezone=settings.timezone,
        )  # fmt: skip
        return draft, settings

    @staticmethod
    def _check_ping(
        role: discord.Role,
        channel: discord.abc.GuildChannel,
        me: discord.Member,
        settings: GuildSettings,
    ) -> None:
        if role.is_default():
            if not AnnounceCog._may_ping_everyone(channel, me, settings):
                raise UserFacingError(NO_EVERYONE.format(target=EVERYONE))
            return
        if settings.ping_role_ids and role.id not in settings.ping_role_ids:
            allowed = ", ".join(f"<@&{role_id}>" for role_id in settings.ping_role_ids)
            raise UserFacingError(NOT_A_PING_ROLE.format(role=role.mention, allowed=allowed))
        if not role.mentionable and not channel.permissions_for(me).mention_everyone:
            raise UserFacingError(ROLE_NOT_MENTIONABLE.format(role=role.mention))

    @staticmethod
    def _may_ping_everyone(
        channel: discord.abc.GuildChannel, me: discord.Member, settings: GuildSettings
    ) -> bool:
        """@everyone and @here: the server allows them, and Discord lets the bot ping them."""
        return settings.allow_everyone and channel.permissions_for(me).mention_everyone

    async def _ping_withdrawn(
        self, guild_id: int, ping_role_id: int | None, here: bool = False
    ) -> str | None:
        """Why the server's ping rules, as they are now, refuse a ping they allowed when the
        announcement was written; None while they still allow it."""
        if ping_role_id is None and not here:
            return None
        settings = await get_settings(self.bot.db, guild_id)
        everyone = ping_role_id == guild_id
        if (everyone or here) and not settings.allow_everyone:
            return PING_WITHDRAWN_EVERYONE.format(target=EVERYONE if everyone else HERE)
        if everyone or ping_role_id is None:
            return None
        if settings.ping_role_ids and ping_role_id not in settings.ping_role_ids:
            return PING_WITHDRAWN_ROLE.format(role=f"<@&{ping_role_id}>")
        return None

    async def _show_preview(
        self, interaction: discord.Interaction, draft: Draft, confirm_label: str, on_confirm
    ) -> None:
        view = ConfirmView(
            self.bot.in_use, draft.author_id, confirm_label, on_confirm, may_press=is_announcer,
            cancel_label="Cancel", cancelled_text=CANCELLED, timeout=PREVIEW_TIMEOUT,
        )  # fmt: skip
        await view.send(interaction, preview_text(draft, confirm_label), draft.outgoing().embed)

    @app_commands.command(name="post")
    @app_commands.describe(**DRAFT_OPTIONS)
    @announcer_only()
    async def post(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        ping: discord.Role | None = None,
        here: bool = False,
        color: app_commands.Range[str, 1, 40] | None = None,
        image_url: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        """Write an announcement, preview it, and post it to a channel now."""
        draft, _ = await self._draft(interaction, channel, ping, here, color, image_url)

        async def submitted(modal_interaction: discord.Interaction, title: str, body: str):
            ready = replace(draft, title=title, body=body)
            await self._show_preview(
                modal_interaction, ready, "Post", lambda i: self.publish(i, ready)
            )

        await interaction.response.send_modal(
            AnnouncementForm(self.bot.in_use, FORM_TITLE, submitted)
        )

    @app_commands.command(name="schedule")
    @app_commands.describe(**DRAFT_OPTIONS, when=WHEN_OPTION, repeat=REPEAT_OPTION)
    @announcer_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        when: app_commands.Range[str, 1, 100],
        repeat: Literal["daily", "weekly", "monthly"] | None = None,
        ping: discord.Role | None = None,
        here: bool = False,
        color: app_commands.Range[str, 1, 40] | None = None,
        image_url: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        """Write an announcement and schedule it, once or repeating."""
        draft, settings = await self._draft(interaction, channel, ping, here, color, image_url)
        zone = zone_named(settings.timezone)
        try:
            due_at = parse_when(when, self.bot.clock.now(), zone)
        except WhenError as error:
            raise UserFacingError(str(error)) from None
        anchor = due_at.astimezone(zone).replace(tzinfo=None) if repeat else None
        draft = replace(draft, due_at=due_at, repeat=repeat, anchor_local=anchor)

        async def submitted(modal_interaction: discord.Interaction, title: str, body: str):
            ready = replace(draft, title=title, body=body)
            await self._show_preview(
                modal_interaction, ready, "Schedule", lambda i: self.schedule_draft(i, ready)
            )

        await interaction.response.send_modal(
            AnnouncementForm(self.bot.in_use, FORM_TITLE, submitted)
        )

    async def publish(self, interaction: discord.Interaction, draft: Draft) -> str:
        """Post the draft now and record it; return what to tell the admin."""
        guild = interaction.guild
        channel = guild.get_channel(draft.channel_id) if guild else None
        if guild is None or channel is None:
            return CHANNEL_GONE
        if draft.ping_role_id is not None and guild.get_role(draft.ping_role_id) is None:
            return ROLE_GONE.format(role=f"<@&{draft.ping_role_id}>")
        withdrawn = await self._ping_withdrawn(guild.id, draft.ping_role_id, draft.ping_here)
        if withdrawn is not None:
            return withdrawn + NOTHING_POSTED
        missing = missing_post_permissions(channel.permissions_for(guild.me))
        if missing:
            return MISSING_PERMISSIONS.format(
                channel=channel.mention, permissions=", ".join(missing)
            )
        outgoing = draft.outgoing()
        try:
            message = await channel.send(
                content=outgoing.content,
                embed=outgoing.embed,
                allowed_mentions=outgoing.allowed_mentions,
            )
        except discord.Forbidden as error:
            return REFUSED.format(channel=channel.mention, reason=error.text or error.status)
        except discord.NotFound:
            return CHANNEL_GONE
        except discord.HTTPException as error:
            log.warning("Posting an announcement to %s failed", channel.id, exc_info=True)
            return FAILED.format(reason=error.text or error.status)
        await self.bot.scheduler.publish_if_enabled(channel, message)
        try:
            await record_posted(
                self.bot.db, draft.new_announcement(), message.id, self.bot.clock.now()
            )
        except Exception:
            log.exception("Announcement %s was posted but could not be recorded", message.id)
            return NOT_RECORDED.format(channel=channel.mention, url=message.jump_url)
        return POSTED.format(channel=channel.mention, url=message.jump_url)

    async def schedule_draft(self, interaction: discord.Interaction, draft: Draft) -> str:
        assert draft.due_at is not None
        now = self.bot.clock.now()
        if draft.due_at <= now:  # the time was read when the command ran, before the form
            return PASSED_WHILE_OPEN.format(
                full=timestamp(draft.due_at, "F"), relative=timestamp(draft.due_at, "R")
            )
        announcement = await create_scheduled(
            self.bot.db, draft.new_announcement(), due_at=draft.due_at, now=now,
            repeat=draft.repeat, timezone=draft.timezone, anchor_local=draft.anchor_local,
            detail=schedule_detail(draft),
        )  # fmt: skip
        self.bot.scheduler.wake()
        return SCHEDULED.format(
            id=announcement.id, channel=f"<#{draft.channel_id}>",
            full=timestamp(draft.due_at, "F"), relative=timestamp(draft.due_at, "R"),
        )  # fmt: skip

    # -- managing -----------------------------------------------------------------------------

    async def _find(self, interaction: discord.Interaction, announcement_id: int) -> Announcement:
        """This server's announcement; not the quote of the day, which /settings manages."""
        assert interaction.guild is not None
        found = await get_announcement(self.bot.db, interaction.guild.id, announcement_id)
        if found is None:
            raise UserFacingError(UNKNOWN_ID.format(id=announcement_id))
        if found.kind != "announcement":
            raise UserFacingError(QOTD_ELSEWHERE)
        return found

    @app_commands.command(name="list")
    @announcer_only()
    async def list_command(self, interaction: discord.Interaction) -> None:
        """Upcoming and recent announcements, with their ids, channels, times and state."""
        assert interaction.guild is not None
        announcements = await list_announcements(self.bot.db, interaction.guild.id)
        lines = [list_line(announcement) for announcement in announcements]
        await Paginator.send(interaction, pages_of(LIST_TITLE, lines, LIST_EMPTY), ephemeral=True)

    @app_commands.command(name="log")
    @announcer_only()
    async def log_command(self, interaction: discord.Interaction) -> None:
        """Who created, edited, posted, deleted or cancelled what, and when."""
        assert interaction.guild is not None
        entries = await list_audit(self.bot.db, interaction.guild.id)
        lines = [log_line(entry) for entry in entries]
        await Paginator.send(interaction, pages_of(LOG_TITLE, lines, LOG_EMPTY), ephemeral=True)

    @app_commands.command(name="edit")
    @app_commands.rename(announcement_id="id")
    @app_commands.describe(announcement_id=NUMBER_OPTION)
    @announcer_only()
    async def edit(
        self, interaction: discord.Interaction, announcement_id: app_commands.Range[int, 1]
    ) -> None:
        """Change an announcement's title or text: in place if posted, before it goes out if not."""
        announcement = await self._find(interaction, announcement_id)
        if announcement.state == "posting":
            raise UserFacingError(BUSY.format(id=announcement_id))
        if announcement.state not in ("scheduled", "paused", "posted"):
            raise UserFacingError(NOT_EDITABLE.format(id=announcement_id, state=announcement.state))

        async def submitted(modal_interaction: discord.Interaction, title: str, body: str):
            await modal_interaction.response.defer(ephemeral=True, thinking=True)
            text = await self.apply_edit(modal_interaction, announcement, title, body)
            await modal_interaction.followup.send(text, ephemeral=True)

        form = AnnouncementForm(
            self.bot.in_use,
            EDIT_FORM_TITLE.format(id=announcement_id),
            submitted,
            announcement.title,
            announcement.body,
        )
        await interaction.response.send_modal(form)

    async def apply_edit(
        self, interaction: discord.Interaction, announcement: Announcement, title: str, body: str
    ) -> str:
        db, now = self.bot.db, self.bot.clock.now()
        current = await get_announcement(db, announcement.guild_id, announcement.id)
        if current is None or current.state != announcement.state:
            return CHANGED_MEANWHILE.format(id=announcement.id)
        result = EDITED_RECORD_ONLY.format(id=announcement.id)
        if current.state == "posted" and current.message_id is not None:
            # An edit pings nobody again, so the ping rules as they are now don't matter here.
            outgoing = self._outgoing(replace(current, title=title, body=body))
            channel = self.bot.get_channel(current.channel_id)
            if channel is None:
                result = MESSAGE_GONE.format(id=current.id)
            else:
                try:
                    message = await channel.get_partial_message(current.message_id).edit(
                        content=outgoing.content,
                        embed=outgoing.embed,
                        allowed_mentions=outgoing.allowed_mentions,
                    )
                    result = EDITED_POSTED.format(id=current.id, url=message.jump_url)
                except discord.NotFound:
                    result = MESSAGE_GONE.format(id=current.id)
                except discord.HTTPException as error:
                    return CANNOT_EDIT.format(id=current.id, reason=error.text or error.status)
        elif current.due_at is not None and current.state == "scheduled":
            result = EDITED_SCHEDULED.format(id=current.id, relative=timestamp(current.due_at, "R"))
        if not await update_content(db, current, title, body, interaction.user.id, now):
            return CHANGED_MEANWHILE.format(id=announcement.id)
        return result

    @app_commands.command(name="resume")
    @app_commands.rename(announcement_id="id")
    @app_commands.describe(announcement_id=NUMBER_OPTION)
    @announcer_only()
    async def resume(
        self, interaction: discord.Interaction, announcement_id: app_commands.Range[int, 1]
    ) -> None:
        """Start a repeat again that was paused after failing, once what failed is fixed."""
        announcement = await self._find(interaction, announcement_id)
        if announcement.state != "paused":
            raise UserFacingError(NOT_PAUSED.format(id=announcement_id, state=announcement.state))
        guild = interaction.guild
        channel = guild.get_channel(announcement.channel_id)
        if channel is None:
            raise UserFacingError(RESUME_CHANNEL_GONE.format(id=announcement_id))
        missing = missing_post_permissions(channel.permissions_for(guild.me))
        if missing:
            raise UserFacingError(
                MISSING_PERMISSIONS.format(channel=channel.mention, permissions=", ".join(missing))
            )
        # Paused repeats always have their rule; the occurrence that failed stays missed.
        assert announcement.repeat is not None and announcement.anchor_local is not None
        now = self.bot.clock.now()
        next_due = next_occurrence_after(
            announcement.anchor_local, announcement.repeat, zone_named(announcement.timezone),
            now, start=announcement.occurrence + 1,
        )  # fmt: skip
        if not await resume_repeat(self.bot.db, announcement, next_due, interaction.user.id, now):
            raise UserFacingError(CHANGED_MEANWHILE.format(id=announcement_id))
        self.bot.scheduler.wake()
        due = next_due[1]
        text = RESUMED.format(
            id=announcement_id, repeat=REPEAT_NAMES[announcement.repeat],
            full=timestamp(due, "F"), relative=timestamp(due, "R"),
        )  # fmt: skip
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="delete")
    @app_commands.rename(announcement_id="id")
    @app_commands.describe(announcement_id=NUMBER_OPTION)
    @announcer_only()
    async def delete(
        self, interaction: discord.Interaction, announcement_id: app_commands.Range[int, 1]
    ) -> None:
        """Delete a posted announcement's message, or cancel a scheduled one or a repeat."""
        announcement = await self._find(interaction, announcement_id)
        if announcement.state == "posting":
            raise UserFacingError(BUSY.format(id=announcement_id))
        title = discord.utils.escape_markdown(truncate(announcement.title, 100))
        if announcement.state == "posted":
            question = CONFIRM_DELETE_POSTED.format(
                id=announcement_id, title=title, channel=f"<#{announcement.channel_id}>"
            )
            label = "Delete"
        elif announcement.state in ("scheduled", "paused"):
            repeat = REPEAT_STOPS if announcement.repeat else ""
            question = CONFIRM_CANCEL.format(id=announcement_id, title=title, repeat=repeat)
            label = "Cancel it"
        else:
            raise UserFacingError(
                NOT_DELETABLE.format(id=announcement_id, state=announcement.state)
            )
        view = ConfirmView(
            self.bot.in_use, interaction.user.id, label,
            lambda i: self.apply_delete(i, announcement), may_press=is_announcer,
            cancel_label="Keep", cancelled_text=KEPT, timeout=PREVIEW_TIMEOUT,
        )  # fmt: skip
        await view.send(interaction, question)

    async def apply_delete(
        self, interaction: discord.Interaction, announcement: Announcement
    ) -> str:
        db, now, actor = self.bot.db, self.bot.clock.now(), interaction.user.id
        if announcement.state != "posted":
            if not await set_state(db, announcement, "cancelled", "cancelled", actor, now):
                return CHANGED_MEANWHILE.format(id=announcement.id)
            self.bot.scheduler.wake()
            return CANCELLED_ONE.format(id=announcement.id)
        result = DELETED.format(id=announcement.id)
        for channel_id, message_id in (await posted_message_ids(db, announcement.id))[:1]:
            channel = self.bot.get_channel(channel_id)
            if channel is None:
                result = DELETED_ALREADY_GONE.format(id=announcement.id)
                continue
            try:
                await channel.get_partial_message(message_id).delete()
            except discord.NotFound:
                result = DELETED_ALREADY_GONE.format(id=announcement.id)
            except discord.HTTPException as error:
                return CANNOT_DELETE.format(id=announcement.id, reason=error.text or error.status)
        if not await set_state(db, announcement, "deleted", "deleted", actor, now):
            return CHANGED_MEANWHILE.format(id=announcement.id)
        return result

    @edit.autocomplete("announcement_id")
    @delete.autocomplete("announcement_id")
    async def id_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild is None:
            return []
        typed = current.strip().lstrip("#").casefold()
        choices = []
        for announcement in await list_announcements(self.bot.db, interaction.guild.id):
            if announcement.kind != "announcement":
                continue  # the quote of the day is /settings' (QOTD_ELSEWHERE)
            label = f"#{announcement.id} · {announcement.title} · {announcement.state}"
            if typed in str(announcement.id) or typed in announcement.title.casefold():
                choices.append(app_commands.Choice(name=choice_text(label), value=announcement.id))
            if len(choices) == 25:
                break
        return choices


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(AnnounceCog(bot))
