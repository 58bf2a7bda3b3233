"""REST: channel messages (create, get, list, edit, delete, crosspost, typing).

Checks happen in this order: the body against Discord's limits (400 / 50035), the channel
(404 / 10003), the bot's computed permissions in it (403 / 50001 without View Channel,
403 / 50013 without Send Messages, or Embed Links for embeds, or Attach Files for files),
then message-level rules (empty message 50006, unknown reply target, …).

A create with ``nonce`` and ``enforce_nonce`` returns the bot's earlier message with that
nonce if it is younger than `NONCE_WINDOW`, and creates and dispatches nothing.  As
documented, the check is per author, not per channel; a deleted message no longer counts.

Crossposting works only in announcement channels (403 / 50024 elsewhere), needs Send
Messages for the bot's own messages and Manage Messages as well for anyone else's
(403 / 50013), succeeds once per message (400 / 40033 after that), sets the CROSSPOSTED
flag and dispatches MESSAGE_UPDATE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import (
    ApiError,
    FormErrors,
    already_crossposted,
    cannot_edit_others,
    empty_message,
    missing_access,
    missing_permissions,
    unknown_message,
    wrong_channel_type,
)
from ..limits import SETTABLE_MESSAGE_FLAGS, validate_message
from ..mentions import DEFAULT_REGULAR
from ..messages import (
    FLAG_CROSSPOSTED,
    FLAG_HAS_SNAPSHOT,
    NONCE_WINDOW,
    TYPE_DEFAULT,
    TYPE_REPLY,
    Message,
)
from ..permissions import Perm
from ..server import Ctx, Reply, RouteDef
from ..world import Channel, ChannelType
from .core import visible_channel

if TYPE_CHECKING:
    from ..emulator import Emulator


# What makes a message more than empty, besides files.  Stickers only count in a bot's
# own channel messages: interaction responses and webhook messages cannot carry them.
MESSAGE_PARTS = ("content", "embeds", "components", "sticker_ids", "poll")
WEBHOOK_PARTS = ("content", "embeds", "components", "poll")


def has_payload(body: dict[str, Any], files: list[Any], parts: tuple[str, ...]) -> bool:
    return any(body.get(part) for part in parts) or bool(files)


def message_body(ctx: Ctx) -> dict[str, Any]:
    """The create/edit body (none counts as empty), checked against Discord's limits."""
    body = ctx.json if ctx.json is not None else {}
    errors = FormErrors()
    validate_message(body, errors)
    errors.raise_if_any()
    return body


def _message(ctx: Ctx, channel: Channel) -> Message:
    msg = ctx.emu.messages.get(ctx.snowflake("message_id"))
    if msg is None or msg.deleted or msg.ephemeral or msg.channel_id != channel.id:
        raise unknown_message()
    return msg


def _is_forward(reference: Any) -> bool:
    # A forward (reference type 1) needs no content of its own.
    return bool(reference and reference.get("type") == 1)


def _forwarded(ctx: Ctx, reference: dict[str, Any]) -> Message:
    """The message a forward copies: it names its channel and message, which the bot must be
    able to see (403 / 50001 otherwise), and which must exist."""
    errors = FormErrors()
    for key in ("message_id", "channel_id"):
        if not str(reference.get(key) or "").isdigit():
            errors.required(("message_reference", key))
    errors.raise_if_any()
    found = ctx.emu.world.find_channel(int(reference["channel_id"]))
    if found is not None:
        guild, channel = found
        if not guild.permissions_for(ctx.emu.bot_user, channel) & Perm.VIEW_CHANNEL:
            raise missing_access()
    msg = ctx.emu.messages.get(int(reference["message_id"]))
    if found is None or msg is None or msg.deleted or msg.channel_id != channel.id:
        errors.add(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        errors.raise_if_any()
    return msg


async def create_message(ctx: Ctx) -> Reply:
    emu = ctx.emu
    body = message_body(ctx)
    guild, channel, perms = visible_channel(ctx)
    if not channel.is_text:
        raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
    if not perms & Perm.SEND_MESSAGES:
        raise missing_permissions()
    if body.get("embeds") and not perms & Perm.EMBED_LINKS:
        raise missing_permissions()
    if ctx.files and not perms & Perm.ATTACH_FILES:
        raise missing_permissions()
    reference = body.get("message_reference")
    if not has_payload(body, ctx.files, MESSAGE_PARTS) and not _is_forward(reference):
        raise empty_message()

    forwarded = _forwarded(ctx, reference) if _is_forward(reference) else None
    referenced: Message | None = None
    if reference and forwarded is None:
        if not perms & Perm.READ_MESSAGE_HISTORY:
            raise missing_permissions()
        ref_id = int(reference.get("message_id") or 0)
        referenced = emu.messages.get(ref_id)
        ref_channel = int(reference.get("channel_id") or channel.id)
        if referenced is None or referenced.deleted or referenced.channel_id != ref_channel:
            referenced = None
            if reference.get("fail_if_not_exists", True):
                errors = FormErrors()
                errors.add(
                    ("message_reference",),
                    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                    "Unknown message",
                )
                errors.raise_if_any()

    if body.get("nonce") is not None and body.get("enforce_nonce"):
        earlier = _earlier_with_nonce(emu, body["nonce"])
        if earlier is not None:
            return 200, earlier.to_dict()

    if body.get("tts") and not perms & Perm.SEND_TTS_MESSAGES:
        body = {**body, "tts": False}  # silently dropped, like Discord
    msg = emu.compose_message(
        guild=guild,
        channel=channel,
        author=emu.bot_user,
        body=body,
        files=ctx.files,
        default_mentions=DEFAULT_REGULAR,
        author_permissions=perms,
        flags=int(body.get("flags") or 0) & SETTABLE_MESSAGE_FLAGS,
        type=TYPE_REPLY if referenced is not None else TYPE_DEFAULT,
    )
    if forwarded is not None:
        # A forward stays a default message: it carries a copy of the other, not a reply to it.
        msg.message_reference = {
            "type": 1,
            "channel_id": str(forwarded.channel_id),
            "message_id": str(forwarded.id),
        }
        if forwarded.guild_id is not None:
            msg.message_reference["guild_id"] = str(forwarded.guild_id)
        msg.message_snapshots = [forwarded.snapshot_for_forward()]
        msg.flags |= FLAG_HAS_SNAPSHOT
    if referenced is not None:
        msg.message_reference = {
            "type": 0,
            "channel_id": str(referenced.channel_id),
            "message_id": str(referenced.id),
            "guild_id": str(guild.id),
        }
        msg.referenced_message = referenced
        # Mentions depend on the reply target (replied_user), so compute them again.
        emu._set_mentions(msg, body.get("allowed_mentions"), DEFAULT_REGULAR, guild, perms)
    emu.store(msg)
    await emu.publish_create(msg)
    return 200, msg.to_dict()


def _earlier_with_nonce(emu: Emulator, nonce: int | str) -> Message | None:
    since = emu.clock.utcnow() - NONCE_WINDOW
    return next(
        (
            m
            for m in emu.messages.values()
            if m.author.id == emu.bot_user.id
            and m.nonce == nonce
            and m.timestamp >= since
            and not m.deleted
            and not m.ephemeral
        ),
        None,
    )


async def get_message(ctx: Ctx) -> Reply:
    _guild, channel, perms = visible_channel(ctx)
    if not perms & Perm.READ_MESSAGE_HISTORY:
        raise missing_access()
    return 200, _message(ctx, channel).to_dict()


async def list_messages(ctx: Ctx) -> Reply:
    """Newest first; `before`, `after` and `around` are exclusive, as documented."""
    _guild, channel, perms = visible_channel(ctx)
    errors = FormErrors()
    limit = ctx.query_int("limit", 50, 1, 100, errors)
    anchors = {k: ctx.query_snowflake(k) for k in ("before", "after", "around") if k in ctx.query}
    if len(anchors) > 1:
        # The docs allow one at a time; refusing the rest makes a bot's mistake visible.
        for name in anchors:
            errors.add((name,), "BASE_TYPE_INVALID", "before, after and around are exclusive.")
    errors.raise_if_any()
    if not perms & Perm.READ_MESSAGE_HISTORY:
        return 200, []
    messages = ctx.emu.channel_messages(channel)  # oldest first
    if "before" in anchors:
        messages = [m for m in messages if m.id < anchors["before"]][-limit:]
    elif "after" in anchors:
        # The `limit` messages right after the anchor (still sent newest first).
        messages = [m for m in messages if m.id > anchors["after"]][:limit]
    elif "around" in anchors:
        # Half before the anchor; the rest from the anchor (included, if it exists) on.
        older = [m for m in messages if m.id < anchors["around"]]
        newer = [m for m in messages if m.id >= anchors["around"]]
        take = min(limit // 2, len(older))
        messages = older[len(older) - take :] + newer[: limit - take]
    else:
        messages = messages[-limit:]
    return 200, [m.to_dict() for m in reversed(messages)]


async def edit_message(ctx: Ctx) -> Reply:
    emu = ctx.emu
    body = message_body(ctx)
    _guild, channel, perms = visible_channel(ctx)
    msg = _message(ctx, channel)
    if msg.author.id != emu.bot_user.id:
        raise cannot_edit_others()
    if body.get("embeds") and not perms & Perm.EMBED_LINKS:
        raise missing_permissions()
    if ctx.files and not perms & Perm.ATTACH_FILES:
        raise missing_permissions()
    emu.apply_edit(msg, body, ctx.files, default_mentions=DEFAULT_REGULAR, author_permissions=perms)
    await emu.publish_update(msg)
    return 200, msg.to_dict()


async def delete_message(ctx: Ctx) -> Reply:
    emu = ctx.emu
    _guild, channel, perms = visible_channel(ctx)
    msg = _message(ctx, channel)
    if msg.author.id != emu.bot_user.id and not perms & Perm.MANAGE_MESSAGES:
        raise missing_permissions()
    msg.deleted = True
    await emu.publish_delete(msg)
    return 204, None


async def crosspost_message(ctx: Ctx) -> Reply:
    emu = ctx.emu
    _guild, channel, perms = visible_channel(ctx)
    if channel.type != ChannelType.GUILD_ANNOUNCEMENT:
        raise wrong_channel_type()
    msg = _message(ctx, channel)
    needed = Perm.SEND_MESSAGES
    if msg.author.id != emu.bot_user.id:
        needed |= Perm.MANAGE_MESSAGES
    if perms & needed != needed:
        raise missing_permissions()
    if msg.crossposted:
        raise already_crossposted()
    msg.flags |= FLAG_CROSSPOSTED
    await emu.publish_update(msg)
    return 200, msg.to_dict()


async def trigger_typing(ctx: Ctx) -> Reply:
    _guild, _channel, perms = visible_channel(ctx)
    if not perms & Perm.SEND_MESSAGES:
        raise missing_permissions()
    return 204, None


ROUTES = [
    RouteDef("GET", "/channels/{channel_id}/messages", list_messages),
    RouteDef("POST", "/channels/{channel_id}/messages", create_message),
    RouteDef("GET", "/channels/{channel_id}/messages/{message_id}", get_message),
    RouteDef("PATCH", "/channels/{channel_id}/messages/{message_id}", edit_message),
    RouteDef("DELETE", "/channels/{channel_id}/messages/{message_id}", delete_message),
    RouteDef("POST", "/channels/{channel_id}/messages/{message_id}/crosspost", crosspost_message),
    RouteDef("POST", "/channels/{channel_id}/typing", trigger_typing),
]
