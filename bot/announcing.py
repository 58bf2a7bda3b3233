"""What an announcement looks like when it is sent: the embed, the ping, and the mention rules.

Only the chosen role and @here (or @everyone; those two only where the server allows them) are
ever pinged. Mentions typed into the title or text never ping anyone: they are inside the embed,
and allowed_mentions names only the chosen targets.
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


EVERYONE = "@everyone"
HERE = "@here"


def ping_targets(ping_role_id: int | None, guild_id: int, here: bool = False) -> list[str]:
    """The mentions that ping, as the message's text carries them: the role (the @everyone
    role has the server's id), then @here, which @everyone already covers."""
    targets = []
    if ping_role_id == guild_id:
        targets.append(EVERYONE)
    elif ping_role_id is not None:
        targets.append(f"<@&{ping_role_id}>")
    if here and EVERYONE not in targets:
        targets.append(HERE)
    return targets


def ping_for(
    ping_role_id: int | None, guild_id: int, here: bool = False
) -> tuple[str | None, discord.AllowedMentions]:
    """The message content that pings, and the allowed_mentions that let only it ping."""
    targets = ping_targets(ping_role_id, guild_id, here)
    if not targets:
        return None, discord.AllowedMentions.none()
    role = ping_role_id is not None and ping_role_id != guild_id
    return " ".join(targets), discord.AllowedMentions(
        everyone=EVERYONE in targets or HERE in targets,
        users=False,
        roles=[discord.Object(ping_role_id)] if role else False,
        replied_user=False,
    )


def announcement_post(
    *,
    guild_id: int,
    title: str,
    body: str,
    colour: int | None,
    image_url: str | None,
    ping_role_id: int | None,
    ping_here: bool = False,
) -> OutgoingPost:
    content, allowed = ping_for(ping_role_id, guild_id, ping_here)
    return OutgoingPost(content, announcement_embed(title, body, colour, image_url), allowed)
