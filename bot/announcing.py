"""What an announcement looks like when it is sent: the embed, the ping, and the mention rules.

Only the chosen role (or @everyone, where the server allows it) is ever pinged. Mentions typed
into the title or text never ping anyone: they are inside the embed, and allowed_mentions names
only the chosen target.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    content: str | None
    embed: discord.Embed
    allowed_mentions: discord.AllowedMentions


def announcement_embed(
    title: str, body: str, colour: int | None, image_url: str | None
) -> discord.Embed:
    embed = discord.Embed(title=title, description=body, colour=colour)
    if image_url:
        embed.set_image(url=image_url)
    return embed


def ping_for(ping_role_id: int | None, guild_id: int) -> tuple[str | None, discord.AllowedMentions]:
    """The message content that pings, and the allowed_mentions that let only it ping."""
    if ping_role_id is None:
        return None, discord.AllowedMentions.none()
    if ping_role_id == guild_id:  # the @everyone role has the server's id
        return "@everyone", discord.AllowedMentions(
            everyone=True, users=False, roles=False, replied_user=False
        )
    return f"<@&{ping_role_id}>", discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(ping_role_id)], replied_user=False
    )


def announcement_post(
    *,
    guild_id: int,
    title: str,
    body: str,
    colour: int | None,
    image_url: str | None,
    ping_role_id: int | None,
) -> OutgoingPost:
    content, allowed = ping_for(ping_role_id, guild_id)
    return OutgoingPost(content, announcement_embed(title, body, colour, image_url), allowed)
