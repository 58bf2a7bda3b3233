"""/settings: per-server settings for announcements, kept in the database, changed in Discord."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.announcements import (
    Announcement,
    NewAnnouncement,
    create_scheduled,
    list_announcements,
    move_to_zone,
    repeats_in_other_zones,
    set_state,
)
from bot.db.audit import write_audit
from bot.db.guild_settings import (
    add_ping_role,
    get_settings,
    remove_ping_role,
    set_setting,
)
from bot.db.shows import get_show
from bot.errors import UserFacingError
from bot.formatting import bullet_lines, inline_code, truncate
from bot.scheduler import missing_post_permissions
from bot.when import local_to_utc, next_occurrence_after, timezone_names, zone_named
from cogs.utils.confirm import ConfirmView
from cogs.utils.lookup import is_named, resolve_show, show_choices

if TYPE_CHECKING:
    from bot.client import KdramaBot
    from bot.db.guild_settings import GuildSettings

TITLE = "Settings"
ON_OFF = {True: "on", False: "off"}
VIEW_LINES = (
    "**Time zone:** {timezone}",
    "**Announcer role:** {announcer}",
    "**Roles announcements may ping:** {ping_roles}",
    "**@everyone and @here in announcements:** {everyone}",
    "**Auto-publish in announcement channels:** {publish}",
    "**Quote of the day:** {qotd}",
    "**Featured show:** {featured}",
)
NOBODY_ELSE = "none (only Manage Server)"
ANY_ROLE = "any role"
QOTD_OFF = "off"
QOTD_ON = "in {channel} every day at {time} ({zone}), next {relative}"
# The scheduler pauses it after repeated failures; turning it on again starts it afresh.
QOTD_PAUSED = (
    "**paused** after {failures} failed posts in a row in {channel}. The last error: {error} "
    "Once that is fixed, turn it on again with `/settings quote-of-the-day on`."
)
UNKNOWN_ERROR = "unknown."
TIMEZONE_SET = "Time zone set to **{zone}**. New times are read in it; it is now {local} there."
# Repeats keep the zone they were written in until an admin moves them: "every day at 20:00"
# may have meant that zone's evening, or this server's.
REPEATS_ELSEWHERE = (
    "\n\nThese repeats still post at their clock time in another zone:\n{lines}\n"
    "**{move}** to post each at the same clock time in {zone} from now on, or **Keep them**."
)
MOVE_LABEL = "Move them to {zone}"
KEEP_LABEL = "Keep them"
KEPT_ZONES = "Kept: the repeats post at their clock time in their own zones, as before."
ZONE_BUTTONS_EXPIRED = (
    "These buttons expired, so the repeats were left as they were. Run `/settings timezone` "
    "again to move them."
)
REPEAT_LINE = "• {what}: {when} ({zone})"
MOVED_LINE = "• {what}: next {full} ({relative})"
MOVED_PAUSED_LINE = "• {what}: still paused; `/announce resume id:{id}` goes on in {zone}"
MOVED_PAUSED_QOTD_LINE = "• {what}: still paused; `/settings quote-of-the-day on` starts it again"
CHANGED_LINE = "• {what}: changed meanwhile, so it was left as it was"
MOVED = "Moved to {zone}:\n{lines}"
ZONE_CHANGED_SINCE = (
    "The time zone is **{current}** now, not {zone}, so nothing was moved. Run "
    "`/settings timezone` again to move the repeats."
)
QOTD_NAME = "the quote of the day"
ANNOUNCEMENT_NAME = "`#{id}` **{title}**"
WHEN_REPEATS = {
    "daily": "every day at {time}",
    "weekly": "every {weekday} at {time}",
    "monthly": "every month on day {day} at {time}",
}
# The message's 2,000 characters, less the rest of the reply.
REPEAT_LINES_MAX = 1400
UNKNOWN_ZONE = (
    "I don't know the time zone {zone}. Pick one from the list, like `Asia/Seoul`, "
    "`Europe/Berlin` or `America/New_York`."
)
ANNOUNCER_SET = (
    "Members with {role} may now use `/announce`. Discord still hides `/announce` from people "
    "without Manage Server: in **Server Settings → Integrations → {bot}**, allow {role} to use it."
)
ANNOUNCER_CLEARED = "There is no announcer role now: only Manage Server may use `/announce`."
NOT_EVERYONE_ROLE = "That's @everyone. Choose a role that only some members have."
PING_ADDED = "{role} may now be pinged by announcements. Allowed: {roles}."
PING_ALREADY = "{role} is already on the list."
PING_REMOVED = "{role} is no longer on the list. Allowed: {roles}."
PING_NOT_THERE = "{role} wasn't on the list."
EVERYONE_ON = (
    "Announcements may now ping @everyone, when the admin chooses it as `ping`, and @here, with "
    "`here`."
)
EVERYONE_ON_NO_PERMISSION = (
    EVERYONE_ON + " But I don't have **Mention Everyone** in this server yet, so I will refuse "
    "until my role gets it."
)
EVERYONE_OFF = "Announcements will never ping @everyone or @here."
PUBLISH_ON = "Posts in announcement channels will be published to following servers."
PUBLISH_OFF = "Posts in announcement channels will not be published."
BAD_TIME = "I couldn't read {time} as a time of day. Use 24-hour `HH:MM`, like `20:00`."
QOTD_MISSING = (
    "I can't post in {channel}: I'm missing **{permissions}** there. Give my role those "
    "permissions in the channel's settings, or choose another channel."
)
QOTD_SET = (
    "A quote of the day will be posted in {channel} every day at {time} ({zone}), first {relative}."
)
QOTD_STOPPED = "The quote of the day is off."
QOTD_WAS_OFF = "The quote of the day was already off."
QOTD_TITLE = "Quote of the day"
NO_FEATURED = "none (the only show, if there is just one)"
FEATURED_SET = (
    "*{title}* is now the show that `/show info`, `/show cast`, `/quote random` and `/quote add` "
    "use by default."
)
FEATURED_CLEARED = "There is no featured show now: with several shows, members choose one."

AUDIT_SETTING = "settings"
# A server may have 250 roles: a list of them all would not fit in one message.
PING_LIST = 1000


def ping_list(settings: GuildSettings) -> str:
    """The roles announcements may ping, as many as fit and how many more."""
    roles = [f"<@&{role}>" for role in settings.ping_role_ids]
    return bullet_lines(roles, PING_LIST, separator=", ") or ANY_ROLE


def view_text(settings: GuildSettings, qotd: str, featured: str) -> str:
    return "\n".join(VIEW_LINES).format(
        timezone=settings.timezone,
        announcer=f"<@&{settings.announcer_role_id}>"
        if settings.announcer_role_id
        else NOBODY_ELSE,
        ping_roles=ping_list(settings),
        everyone=ON_OFF[settings.allow_everyone],
        publish=ON_OFF[settings.auto_publish],
        qotd=qotd,
        featured=featured,
    )


def parse_time_of_day(text: str) -> tuple[int, int]:
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ValueError(text)
    hour, minute = int(parts[0]), int(parts[1])
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(text)
    return hour, minute


async def manages_server(interaction: discord.Interaction) -> bool:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True


def repeat_name(announcement: Announcement) -> str:
    if announcement.kind == "quote_of_the_day":
        return QOTD_NAME
    title = discord.utils.escape_markdown(truncate(announcement.title, 60))
    return ANNOUNCEMENT_NAME.format(id=announcement.id, title=title)


def repeat_line(announcement: Announcement) -> str:
    """'`#3` **Watch party**: every Friday at 20:00 (Europe/Berlin)'."""
    anchor = announcement.anchor_local
    when = WHEN_REPEATS[announcement.repeat].format(
        time=anchor.strftime("%H:%M"), weekday=anchor.strftime("%A"), day=anchor.day
    )
    return REPEAT_LINE.format(what=repeat_name(announcement), when=when, zone=announcement.timezone)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCog(commands.GroupCog, group_name="settings", group_description="Server settings"):
    ping_roles = app_commands.Group(name="ping-roles", description="Roles announcements may ping")
    quote_of_the_day = app_commands.Group(
        name="quote-of-the-day", description="A daily quote, posted by the bot"
    )

    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # Every settings command, subgroups included: checked at run time, not only hidden.
        return await manages_server(interaction)

    async def _audit(self, interaction: discord.Interaction, detail: str) -> None:
        async with self.bot.db.transaction() as conn:
            await write_audit(
                conn, guild_id=interaction.guild.id, action=AUDIT_SETTING,
                at=self.bot.clock.now(), actor_id=interaction.user.id, detail=detail,
            )  # fmt: skip

    async def _qotd(self, guild_id: int):
        return [
            a
            for a in await list_announcements(self.bot.db, guild_id)
            if a.kind == "quote_of_the_day" and a.state in ("scheduled", "posting", "paused")
        ]

    @app_commands.command(name="view")
    async def view(self, interaction: discord.Interaction) -> None:
        """Show this server's settings."""
        settings = await get_settings(self.bot.db, interaction.guild.id)
        active = await self._qotd(interaction.guild.id)
        qotd = QOTD_OFF
        if active and active[0].state == "paused":
            first = active[0]
            qotd = QOTD_PAUSED.format(
                failures=first.failures, channel=f"<#{first.channel_id}>",
                error=first.last_error or UNKNOWN_ERROR,
            )  # fmt: skip
        elif active and active[0].due_at and active[0].anchor_local:
            first = active[0]
            qotd = QOTD_ON.format(
                channel=f"<#{first.channel_id}>", time=first.anchor_local.strftime("%H:%M"),
                zone=first.timezone, relative=f"<t:{int(first.due_at.timestamp())}:R>",
            )  # fmt: skip
        show = await get_show(self.bot.db, settings.featured_show_id or 0)
        featured = f"*{show.title}*" if show else NO_FEATURED
        embed = discord.Embed(title=TITLE, description=view_text(settings, qotd, featured))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="timezone")
    @app_commands.describe(zone="An IANA time zone, like Asia/Seoul or Europe/Berlin")
    async def timezone(
        self, interaction: discord.Interaction, zone: app_commands.Range[str, 1, 64]
    ) -> None:
        """The time zone that scheduled times are read in (default UTC)."""
        names = {name.casefold(): name for name in timezone_names()}
        name = names.get(zone.strip().casefold())
        if name is None:
            raise UserFacingError(UNKNOWN_ZONE.format(zone=inline_code(zone)))
        await set_setting(self.bot.db, interaction.guild.id, "timezone", name)
        await self._audit(interaction, f"time zone set to {name}")
        local = self.bot.clock.now().astimezone(zone_named(name)).strftime("%Y-%m-%d %H:%M")
        text = TIMEZONE_SET.format(zone=name, local=local)
        elsewhere = await repeats_in_other_zones(self.bot.db, interaction.guild.id, name)
        if not elsewhere:
            await interaction.response.send_message(text, ephemeral=True)
            return
        lines = [repeat_line(announcement) for announcement in elsewhere]
        move = MOVE_LABEL.format(zone=name)
        text += REPEATS_ELSEWHERE.format(
            lines=bullet_lines(lines, REPEAT_LINES_MAX), move=move, zone=name
        )
        view = ConfirmView(
            self.bot.in_use, interaction.user.id, move,
            lambda i: self.move_repeats(i, elsewhere, name), may_press=manages_server,
            cancel_label=KEEP_LABEL, cancelled_text=KEPT_ZONES, expired_text=ZONE_BUTTONS_EXPIRED,
        )  # fmt: skip
        await view.send(interaction, text)

    async def move_repeats(
        self, interaction: discord.Interaction, repeats: list[Announcement], zone: str
    ) -> str:
        """Each repeat at the same clock time in `zone`, from its next occurrence there."""
        db, now = self.bot.db, self.bot.clock.now()
        current = (await get_settings(db, interaction.guild.id)).timezone
        if current != zone:
            return ZONE_CHANGED_SINCE.format(current=current, zone=zone)
        lines = []
        for announcement in repeats:
            what = repeat_name(announcement)
            next_due = None
            if announcement.state == "scheduled":
                next_due = next_occurrence_after(
                    announcement.anchor_local, announcement.repeat, zone_named(zone), now,
                    start=announcement.occurrence,
                )  # fmt: skip
            if not await move_to_zone(db, announcement, zone, next_due, interaction.user.id, now):
                lines.append(CHANGED_LINE.format(what=what))
            elif next_due is not None:
                due = next_due[1]
                lines.append(
                    MOVED_LINE.format(
                        what=what, full=f"<t:{int(due.timestamp())}:F>",
                        relative=f"<t:{int(due.timestamp())}:R>",
                    )
                )  # fmt: skip
            elif announcement.kind == "quote_of_the_day":
                lines.append(MOVED_PAUSED_QOTD_LINE.format(what=what))
            else:
                lines.append(MOVED_PAUSED_LINE.format(what=what, id=announcement.id, zone=zone))
        self.bot.scheduler.wake()
        return MOVED.format(zone=zone, lines=bullet_lines(lines, REPEAT_LINES_MAX))

    @timezone.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.strip().casefold().replace(" ", "_")
        names = timezone_names()
        starts = [n for n in names if n.casefold().startswith(typed)]
        contains = [n for n in names if typed in n.casefold() and n not in starts]
        return [app_commands.Choice(name=n, value=n) for n in (starts + contains)[:25]]

    @app_commands.command(name="announcer-role")
    @app_commands.describe(role="Members with this role may use /announce; leave empty to clear")
    async def announcer_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """A role, besides Manage Server, that may use /announce."""
        if role is not None and role.is_default():
            raise UserFacingError(NOT_EVERYONE_ROLE)
        await set_setting(
            self.bot.db, interaction.guild.id, "announcer_role_id", role.id if role else None
        )
        await self._audit(
            interaction,
            f"announcer role set to {role.mention}" if role else "announcer role cleared",
        )
        text = (
            ANNOUNCER_SET.format(role=role.mention, bot=self.bot.user.name)
            if role
            else ANNOUNCER_CLEARED
        )
        await interaction.response.send_message(text, ephemeral=True)

    async def _ping_list(self, guild_id: int) -> str:
        return ping_list(await get_settings(self.bot.db, guild_id))

    @ping_roles.command(name="add")
    @app_commands.describe(role="A role announcements may ping")
    async def ping_roles_add(self, interaction: discord.Interaction, role: discord.Role) -> None:
        """Allow announcements to ping this role (once a list exists, only its roles)."""
        if role.is_default():
            raise UserFacingError(
                NOT_EVERYONE_ROLE + " For @everyone, use `/settings allow-everyone`."
            )
        if not await add_ping_role(self.bot.db, interaction.guild.id, role.id):
            raise UserFacingError(PING_ALREADY.format(role=role.mention))
        await self._audit(interaction, f"ping role added: {role.mention}")
        roles = await self._ping_list(interaction.guild.id)
        await interaction.response.send_message(
            PING_ADDED.format(role=role.mention, roles=roles), ephemeral=True
        )

    @ping_roles.command(name="remove")
    @app_commands.describe(role="A role announcements may no longer ping")
    async def ping_roles_remove(self, interaction: discord.Interaction, role: discord.Role) -> None:
        """Stop announcements from pinging this role."""
        if not await remove_ping_role(self.bot.db, interaction.guild.id, role.id):
            raise UserFacingError(PING_NOT_THERE.format(role=role.mention))
        await self._audit(interaction, f"ping role removed: {role.mention}")
        roles = await self._ping_list(interaction.guild.id)
        await interaction.response.send_message(
            PING_REMOVED.format(role=role.mention, roles=roles), ephemeral=True
        )

    @app_commands.command(name="featured-show")
    @app_commands.describe(title="The show commands use when no title is given; empty clears it")
    async def featured_show(
        self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        """The show that commands use by default in this server."""
        show = await resolve_show(self.bot.db, title) if is_named(title) else None  # blank clears
        await set_setting(
            self.bot.db, interaction.guild.id, "featured_show_id", show.id if show else None
        )
        await self._audit(
            interaction, f"featured show set to {show.title}" if show else "featured show cleared"
        )
        text = FEATURED_SET.format(title=show.title) if show else FEATURED_CLEARED
        await interaction.response.send_message(text, ephemeral=True)

    @featured_show.autocomplete("title")
    async def featured_show_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await show_choices(self.bot.db, current)

    @app_commands.command(name="allow-everyone")
    @app_commands.describe(state="on: announcements may ping @everyone and @here; off: never")
    async def allow_everyone(
        self, interaction: discord.Interaction, state: Literal["on", "off"]
    ) -> None:
        """Whether announcements may ping @everyone and @here (off by default)."""
        enabled = state == "on"
        await set_setting(self.bot.db, interaction.guild.id, "allow_everyone", int(enabled))
        await self._audit(interaction, f"@everyone and @here in announcements {state}")
        if not enabled:
            text = EVERYONE_OFF
        elif interaction.guild.me.guild_permissions.mention_everyone:
            text = EVERYONE_ON
        else:
            text = EVERYONE_ON_NO_PERMISSION
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="auto-publish")
    @app_commands.describe(state="on: publish posts in announcement channels to following servers")
    async def auto_publish(
        self, interaction: discord.Interaction, state: Literal["on", "off"]
    ) -> None:
        """Whether posts in announcement channels are published to following servers."""
        enabled = state == "on"
        await set_setting(self.bot.db, interaction.guild.id, "auto_publish", int(enabled))
        await self._audit(interaction, f"auto-publish {state}")
        await interaction.response.send_message(
            PUBLISH_ON if enabled else PUBLISH_OFF, ephemeral=True
        )

    @quote_of_the_day.command(name="on")
    @app_commands.describe(channel="Where to post it", time="When, every day: HH:MM, server time")
    async def qotd_on(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 5],
    ) -> None:
        """Post a random quote every day, in a channel, at a time."""
        try:
            hour, minute = parse_time_of_day(time)
        except ValueError:
            raise UserFacingError(BAD_TIME.format(time=inline_code(time))) from None
        missing = missing_post_permissions(channel.permissions_for(interaction.guild.me))
        if missing:
            raise UserFacingError(
                QOTD_MISSING.format(channel=channel.mention, permissions=", ".join(missing))
            )
        db, now = self.bot.db, self.bot.clock.now()
        settings = await get_settings(db, interaction.guild.id)
        zone = zone_named(settings.timezone)
        local_now = now.astimezone(zone).replace(tzinfo=None)
        anchor = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if local_to_utc(anchor, zone) <= now:
            anchor += timedelta(days=1)
        for old in await self._qotd(interaction.guild.id):
            await set_state(db, old, "cancelled", "cancelled", interaction.user.id, now)
        due = local_to_utc(anchor, zone)
        await create_scheduled(
            db,
            NewAnnouncement(
                guild_id=interaction.guild.id, channel_id=channel.id,
                author_id=interaction.user.id, title=QOTD_TITLE, body="",
                kind="quote_of_the_day",
            ),
            due_at=due, now=now, repeat="daily", timezone=settings.timezone, anchor_local=anchor,
            detail=f"quote of the day in {channel.mention} at {hour:02}:{minute:02}",
        )  # fmt: skip
        self.bot.scheduler.wake()
        await interaction.response.send_message(
            QOTD_SET.format(
                channel=channel.mention, time=f"{hour:02}:{minute:02}", zone=settings.timezone,
                relative=f"<t:{int(due.timestamp())}:R>",
            ),
            ephemeral=True,
        )  # fmt: skip

    @quote_of_the_day.command(name="off")
    async def qotd_off(self, interaction: discord.Interaction) -> None:
        """Stop the daily quote."""
        active = await self._qotd(interaction.guild.id)
        now = self.bot.clock.now()
        for old in active:
            await set_state(self.bot.db, old, "cancelled", "cancelled", interaction.user.id, now)
        self.bot.scheduler.wake()
        await interaction.response.send_message(
            QOTD_STOPPED if active else QOTD_WAS_OFF, ephemeral=True
        )


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(SettingsCog(bot))
