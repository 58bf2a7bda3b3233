"""/announce post: an admin writes an announcement in a form, checks a preview, then posts it.

Only the role given in `ping` is ever pinged: mentions typed into the text never ping anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.announcements import NewAnnouncement, record_announcement
from bot.errors import Modal, UserFacingError, View
from bot.formatting import inline_code, truncate
from cogs.utils.parsing import parse_colour, parse_image_url

if TYPE_CHECKING:
    from bot.client import KdramaBot

log = logging.getLogger(__name__)

FORM_TITLE = "New announcement"
TITLE_LABEL = "Title"
MESSAGE_LABEL = "Message"
TITLE_MAX = 256
MESSAGE_MAX = 4000
PREVIEW_TIMEOUT = 600

PREVIEW = (
    "**Preview.** This will be posted in {channel}, {pings}. Nothing else in it will ping anyone.\n"
    "Press **Post** to send it, or **Cancel**."
)
PINGS_ROLE = "pinging {role}"
PINGS_NOBODY = "pinging nobody"
POSTING = "Posting…"
POSTED = "**Posted** in {channel}: {url}"
CANCELLED = "Cancelled. Nothing was posted."
EXPIRED = "This preview expired, and nothing was posted. Run `/announce post` again to start over."
ONLY_AUTHOR = "Only the admin who wrote this announcement can post or cancel it."
STILL_ADMIN = "You no longer have the **Manage Server** permission, so this can't be posted."
CHANNEL_GONE = "I can't find that channel any more (it may have been deleted). Nothing was posted."
ROLE_GONE = "The role {role} no longer exists. Nothing was posted."
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
BAD_COLOUR = (
    "I don't know the colour {value}. Use a hex code like `#ff8800`, `rgb(255, 136, 0)`, "
    "or a name: {names}."
)
BAD_IMAGE_URL = (
    "{value} isn't an image link I can use. Give a full `https://` address of an image, "
    "like `https://example.com/poster.png`."
)
NO_EVERYONE = "Announcements can't ping @everyone. Choose a role to ping, or leave `ping` empty."
ROLE_NOT_MENTIONABLE = (
    "I can't ping {role}: the role isn't mentionable, and I don't have **Mention Everyone**. "
    "Allow anyone to mention the role (Server Settings → Roles), or leave `ping` empty."
)

# The bot needs these in the target channel to post an embed.
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


def check_can_post(channel: discord.abc.GuildChannel, me: discord.Member) -> None:
    missing = missing_post_permissions(channel.permissions_for(me))
    if missing:
        raise UserFacingError(
            MISSING_PERMISSIONS.format(channel=channel.mention, permissions=", ".join(missing))
        )


def check_can_ping(role: discord.Role, channel: discord.abc.GuildChannel, me: discord.Member):
    if role.is_default():
        raise UserFacingError(NO_EVERYONE)
    if not role.mentionable and not channel.permissions_for(me).mention_everyone:
        raise UserFacingError(ROLE_NOT_MENTIONABLE.format(role=role.mention))


@dataclass(frozen=True, slots=True)
class Draft:
    guild_id: int
    channel_id: int
    author_id: int
    title: str
    body: str
    ping: discord.Role | None
    colour: discord.Colour | None
    image_url: str | None

    def embed(self) -> discord.Embed:
        embed = discord.Embed(title=self.title, description=self.body, colour=self.colour)
        if self.image_url:
            embed.set_image(url=self.image_url)
        return embed

    def content(self) -> str | None:
        return self.ping.mention if self.ping else None

    def allowed_mentions(self) -> discord.AllowedMentions:
        # Only the chosen role: never @everyone, @here, users, or roles typed into the text.
        return discord.AllowedMentions(
            everyone=False,
            users=False,
            replied_user=False,
            roles=[self.ping] if self.ping else False,
        )


def preview_text(draft: Draft, channel: discord.abc.GuildChannel) -> str:
    pings = PINGS_ROLE.format(role=draft.ping.mention) if draft.ping else PINGS_NOBODY
    return PREVIEW.format(channel=channel.mention, pings=pings)


class ConfirmView(View):
    """The Post and Cancel buttons under a preview; only the draft's author may press them."""

    def __init__(self, cog: AnnounceCog, draft: Draft) -> None:
        super().__init__(timeout=PREVIEW_TIMEOUT)
        self.cog = cog
        self.draft = draft
        self.preview: discord.Interaction | None = None
        self.finished = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.draft.author_id:
            await interaction.response.send_message(ONLY_AUTHOR, ephemeral=True)
            return False
        return True

    def _finish(self) -> bool:
        """Claim the draft; False if another press already did (double clicks post once)."""
        if self.finished:
            return False
        self.finished = True
        self.stop()
        return True

    @discord.ui.button(label="Post", style=discord.ButtonStyle.success)
    async def post(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if not interaction.permissions.manage_guild:
            await interaction.response.send_message(STILL_ADMIN, ephemeral=True)
            return
        if not self._finish():
            await interaction.response.defer()
            return
        await interaction.response.edit_message(content=POSTING, view=None)
        result = await self.cog.publish(interaction, self.draft)
        await interaction.edit_original_response(
            content=result, embed=self.draft.embed(), view=None
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if not self._finish():
            await interaction.response.defer()
            return
        await interaction.response.edit_message(content=CANCELLED, embed=None, view=None)

    async def on_timeout(self) -> None:
        if self.preview is not None and self._finish():
            try:
                await self.preview.edit_original_response(content=EXPIRED, embed=None, view=None)
            except discord.HTTPException:
                log.info("Could not mark an expired announcement preview", exc_info=True)


class AnnouncementForm(Modal, title=FORM_TITLE):
    title_input = discord.ui.TextInput(label=TITLE_LABEL, max_length=TITLE_MAX)
    message_input = discord.ui.TextInput(
        label=MESSAGE_LABEL, style=discord.TextStyle.paragraph, max_length=MESSAGE_MAX
    )

    def __init__(self, cog: AnnounceCog, draft: Draft) -> None:
        super().__init__()
        self.cog = cog
        self.draft = draft

    async def on_submit(self, interaction: discord.Interaction) -> None:
        title = self.title_input.value.strip()
        body = self.message_input.value.strip()
        if not title or not body:
            raise UserFacingError("An announcement needs both a title and a message.")
        draft = replace(self.draft, title=title, body=body)
        channel = interaction.guild.get_channel(draft.channel_id) if interaction.guild else None
        if channel is None:
            raise UserFacingError(CHANNEL_GONE)
        view = ConfirmView(self.cog, draft)
        await interaction.response.send_message(
            preview_text(draft, channel), embed=draft.embed(), view=view, ephemeral=True
        )
        view.preview = interaction


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class AnnounceCog(commands.GroupCog, group_name="announce", group_description="Announcements"):
    def __init__(self, bot: KdramaBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="post")
    @app_commands.describe(
        channel="Where to post it",
        ping="A role to ping with it (nobody else is pinged)",
        color="The embed's colour: #ff8800, rgb(255, 136, 0) or a name like pink",
        image_url="An image to show in the embed: a full https:// link",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def post(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        ping: discord.Role | None = None,
        color: app_commands.Range[str, 1, 40] | None = None,
        image_url: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        """Write an announcement, preview it, and post it to a channel."""
        assert interaction.guild is not None  # guild_only
        me = interaction.guild.me
        colour = None
        if color is not None:
            try:
                colour = parse_colour(color)
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
        check_can_post(channel, me)
        if ping is not None:
            check_can_ping(ping, channel, me)
        draft = Draft(
            guild_id=interaction.guild.id,
            channel_id=channel.id,
            author_id=interaction.user.id,
            title="",
            body="",
            ping=ping,
            colour=colour,
            image_url=image_url,
        )
        await interaction.response.send_modal(AnnouncementForm(self, draft))

    async def publish(self, interaction: discord.Interaction, draft: Draft) -> str:
        """Post the draft and record it; return what to tell the admin."""
        guild = interaction.guild
        channel = guild.get_channel(draft.channel_id) if guild else None
        if guild is None or channel is None:
            return CHANNEL_GONE
        if draft.ping is not None and guild.get_role(draft.ping.id) is None:
            return ROLE_GONE.format(role=f"@{draft.ping.name}")
        missing = missing_post_permissions(channel.permissions_for(guild.me))
        if missing:
            return MISSING_PERMISSIONS.format(
                channel=channel.mention, permissions=", ".join(missing)
            )
        try:
            message = await channel.send(
                content=draft.content(),
                embed=draft.embed(),
                allowed_mentions=draft.allowed_mentions(),
            )
        except discord.Forbidden as error:
            return REFUSED.format(channel=channel.mention, reason=error.text or error.status)
        except discord.NotFound:
            return CHANNEL_GONE
        except discord.HTTPException as error:
            log.warning("Posting an announcement to %s failed", channel.id, exc_info=True)
            return FAILED.format(reason=error.text or error.status)
        try:
            await record_announcement(
                self.bot.db,
                NewAnnouncement(
                    guild_id=guild.id,
                    channel_id=channel.id,
                    message_id=message.id,
                    author_id=draft.author_id,
                    title=draft.title,
                    body=draft.body,
                    ping_role_id=draft.ping.id if draft.ping else None,
                    color=draft.colour.value if draft.colour else None,
                    image_url=draft.image_url,
                    posted_at=self.bot.clock.now(),
                ),
            )
        except Exception:
            log.exception("Announcement %s was posted but could not be recorded", message.id)
            return NOT_RECORDED.format(channel=channel.mention, url=message.jump_url)
        return POSTED.format(channel=channel.mention, url=message.jump_url)


async def setup(bot: KdramaBot) -> None:
    await bot.add_cog(AnnounceCog(bot))
