"""A local Discord emulator that the unmodified discord.py client cannot tell from Discord.

It is an aiohttp server on 127.0.0.1 (random port) speaking the gateway (``/gateway``,
JSON, optional zlib-stream) and the REST API (``/api/v10``).  Point discord.py at it
before login::

    discord.http.Route.BASE = emu.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)

(`bot.emulator.discordpy.pointed_at(emu)` does that and restores the old values.)  A bot
process can be pointed at it the same way through the network; nothing is shared in memory.

Usage in a test::

    async with Emulator(default_world()) as emu:
        ...start the bot with emu.token...
        await emu.wait_for_ready()
        await emu.wait_for_commands(["ping"])
        handle = await emu.slash(emu.member, "ping")
        reply = await handle.message()          # handles defer + edit too
        assert reply.content == "pong" and not reply.ephemeral
        assert not emu.unhandled                # every request hit a known route

Default world (`default_world()`): application/bot "Test Bot" (app id == bot user id,
token `emu.token`), one guild "Test Server" (`emu.guild`) owned by user ``owner`` — who is
neither the admin nor the member, so owner powers never mask permission bugs.

Roles (`emu.role(name)`), lowest first:

* ``@everyone`` — chat permissions, application commands; no Mention Everyone.
* ``Watch Party`` — no permissions, **mentionable** (pingable by anyone).
* ``Moderators`` — Manage Server.
* ``Test Bot`` — the bot's managed role (tags.bot_id): view/send/embed/attach/history/
  reactions/external emojis/**Mention Everyone**.

Members (`emu.user(name)`, shortcuts `emu.admin`, `emu.member`, `emu.owner`,
`emu.bot_user`): ``owner``; ``admin`` (Moderators → Manage Server); ``member`` (Watch Party,
no Manage Server); the bot.

Channels (`emu.channel(name)`):

* ``#general``, ``#announcements`` — text channels, everything allowed.
* ``#news`` — announcement channel (type 5).
* ``#mod-only`` — @everyone denied View Channel, Moderators allowed: the bot cannot see it
  (403 / 50001), the admin can.
* ``#no-embeds`` — @everyone denied Embed Links: the bot can view and send, but embeds are
  403 / 50013 (a channel @everyone deny beats the bot role's guild-level allow).
* ``#read-only`` — @everyone denied Send Messages, Moderators allowed: the bot can view but
  not send (403 / 50013).

Build other worlds with `World` (see `bot.emulator.world`).  Ids are real-looking snowflakes
generated when the world is built; look things up by name.

Posting reliably:

* Crossposting (``Message.publish()``) works in ``#news`` only; ``emu.message(id).crossposted``
  tells whether a message was published.
* A create with a nonce (discord.py adds ``enforce_nonce``) returns the bot's earlier message
  with that nonce for `NONCE_WINDOW` of emulated time; ``emu.clock.advance(...)`` moves past it.
* ``emu.fail("POST", "/channels/{channel_id}/messages", 404, 10003)`` answers the next
  matching request with that error (``times=``, ``retry_after=`` for 429, ``predicate=``).
* ``hold = emu.hold("POST", "/channels/{channel_id}/messages", after_processing=True)`` keeps
  the next matching request open: ``await hold.arrived`` returns it once it is held, then
  ``hold.release()`` answers it or ``hold.drop()`` closes the connection unanswered.
  Without `after_processing` nothing has happened yet; with it the message already exists.
  Requests still held when the emulator stops are dropped.

Changing the world while the bot runs (each dispatches the gateway event Discord sends)::

    await emu.delete_channel("announcements")          # CHANNEL_DELETE; then 404 / 10003
    bot_role = emu.world.bot_role(emu.guild)
    await emu.set_overwrites("general", [Overwrite.role(bot_role, deny=Perm.SEND_MESSAGES)])
    await emu.update_role("Watch Party", mentionable=False, permissions=0)
    await emu.delete_role("Watch Party")               # GUILD_ROLE_DELETE

Restarts: stop or kill a bot and start another against the same emulator; it gets READY for
a new session, and commands and messages are still there (``emu.wait_for_ready(count=n)``
waits for the n-th READY).
"""

from __future__ import annotations

from .commands import Command
from .emulator import Emulator
from .errors import ApiError, EmulatorError, EmulatorTimeout
from .interactions import Callback, Interaction, InteractionHandle
from .messages import NONCE_WINDOW, Message
from .permissions import DEFAULT_BOT, DEFAULT_EVERYONE, Perm
from .recording import Fault, GatewayFrame, Hold, RecordedFile, RecordedRequest
from .world import (
    Application,
    Channel,
    ChannelType,
    Guild,
    Intents,
    Member,
    Overwrite,
    Role,
    User,
    World,
    default_world,
)

__all__ = [
    "DEFAULT_BOT",
    "DEFAULT_EVERYONE",
    "NONCE_WINDOW",
    "ApiError",
    "Application",
    "Callback",
    "Channel",
    "ChannelType",
    "Command",
    "Emulator",
    "EmulatorError",
    "EmulatorTimeout",
    "Fault",
    "GatewayFrame",
    "Guild",
    "Hold",
    "Intents",
    "Interaction",
    "InteractionHandle",
    "Member",
    "Message",
    "Overwrite",
    "Perm",
    "RecordedFile",
    "RecordedRequest",
    "Role",
    "User",
    "World",
    "default_world",
]
