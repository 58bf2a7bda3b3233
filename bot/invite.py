"""The invite link, with the least permissions the bot's features need.

Each permission, and why:

* View Channel: see the channel an announcement goes to, and the channels the doctor checks.
* Send Messages: post announcements. Publishing (crossposting) a message in an announcement
  channel needs only Send Messages when the bot sent the message itself; Manage Messages is
  needed only to publish other people's messages, which the bot never does.
* Embed Links: every answer and announcement is an embed, and without this permission Discord
  drops the embeds of a message the bot posts in a channel.

Slash command replies need no permission at all: Discord posts them on the bot's behalf. Pinging
a role that is not mentionable needs Mention Everyone; that one is optional (the README says
when to add it), so it is not in the link.
"""

from __future__ import annotations

import discord

REQUIRED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
SCOPES = ("bot", "applications.commands")
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"


def invite_url(application_id: int) -> str:
    return (
        f"{AUTHORIZE_URL}?client_id={application_id}&scope={'+'.join(SCOPES)}"
        f"&permissions={REQUIRED_PERMISSIONS.value}"
    )
