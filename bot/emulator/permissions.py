"""Permission bits and Discord's permission computation.

`compute_base` and `compute_channel` follow the documented algorithm: owner gets everything;
@everyone's permissions OR the member's roles; ADMINISTRATOR means everything; then in a
channel the @everyone overwrite, the combined role overwrites (deny then allow) and finally
the member overwrite.  Implicit denials are applied afterwards the way Discord (and
discord.py) treat them: without VIEW_CHANNEL no channel permission applies, and in text
channels without SEND_MESSAGES the send-dependent permissions are void too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol


class Perm(enum.IntFlag):
    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    USE_VAD = 1 << 25
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    USE_EXTERNAL_STICKERS = 1 << 37
    SEND_MESSAGES_IN_THREADS = 1 << 38
    USE_EMBEDDED_ACTIVITIES = 1 << 39
    MODERATE_MEMBERS = 1 << 40
    VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
    USE_SOUNDBOARD = 1 << 42
    CREATE_GUILD_EXPRESSIONS = 1 << 43
    CREATE_EVENTS = 1 << 44
    USE_EXTERNAL_SOUNDS = 1 << 45
    SEND_VOICE_MESSAGES = 1 << 46
    SET_VOICE_CHANNEL_STATUS = 1 << 48
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51
    BYPASS_SLOWMODE = 1 << 52


ALL = 0
for _p in Perm:
    ALL |= _p.value
del _p

# Permissions that only exist at guild level; they survive a missing VIEW_CHANNEL.
GUILD_ONLY = (
    Perm.KICK_MEMBERS
    | Perm.BAN_MEMBERS
    | Perm.ADMINISTRATOR
    | Perm.MANAGE_GUILD
    | Perm.VIEW_AUDIT_LOG
    | Perm.VIEW_GUILD_INSIGHTS
    | Perm.CHANGE_NICKNAME
    | Perm.MANAGE_NICKNAMES
    | Perm.MANAGE_GUILD_EXPRESSIONS
    | Perm.MODERATE_MEMBERS
    | Perm.VIEW_CREATOR_MONETIZATION_ANALYTICS
    | Perm.CREATE_GUILD_EXPRESSIONS
)
SEND_DEPENDENT = (
    Perm.SEND_TTS_MESSAGES | Perm.MENTION_EVERYONE | Perm.EMBED_LINKS | Perm.ATTACH_FILES
)

# A plausible @everyone for a community server: chat, but no @everyone pings.
DEFAULT_EVERYONE = (
    Perm.CREATE_INSTANT_INVITE
    | Perm.ADD_REACTIONS
    | Perm.STREAM
    | Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CONNECT
    | Perm.SPEAK
    | Perm.USE_VAD
    | Perm.CHANGE_NICKNAME
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
)

# What a typical bot invite grants.  MENTION_EVERYONE is included on purpose: a bot that
# can ping @everyone makes accidental pings in tests visible instead of silently inert.
DEFAULT_BOT = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.MENTION_EVERYONE
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CREATE_PUBLIC_THREADS
)


class _OverwriteLike(Protocol):
    id: int
    type: int
    allow: int
    deny: int


class _RoleLike(Protocol):
    id: int
    permissions: int


def compute_base(*, is_owner: bool, everyone: _RoleLike, roles: Iterable[_RoleLike]) -> int:
    """Guild-level permissions of a member."""
    if is_owner:
        return ALL
    perms = int(everyone.permissions)
    for role in roles:
        perms |= int(role.permissions)
    if perms & Perm.ADMINISTRATOR:
        return ALL
    return perms


def apply_overwrites(
    base: int,
    *,
    guild_id: int,
    member_id: int,
    role_ids: Iterable[int],
    overwrites: Iterable[_OverwriteLike],
    text_channel: bool = True,
) -> int:
    """Channel-level permissions from the base permissions and the channel's overwrites."""
    if base & Perm.ADMINISTRATOR:
        return ALL
    by_id = {ow.id: ow for ow in overwrites}
    perms = base
    everyone = by_id.get(guild_id)
    if everyone is not None:
        perms &= ~int(everyone.deny)
        perms |= int(everyone.allow)
    allow = deny = 0
    for role_id in role_ids:
        ow = by_id.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= int(ow.allow)
            deny |= int(ow.deny)
    perms &= ~deny
    perms |= allow
    member = by_id.get(member_id)
    if member is not None and member.type == 1:
        perms &= ~int(member.deny)
        perms |= int(member.allow)
    return implicit(perms, text_channel=text_channel)


def implicit(perms: int, *, text_channel: bool = True) -> int:
    """Drop permissions that are implicitly denied by a missing VIEW/SEND permission."""
    if not perms & Perm.VIEW_CHANNEL:
        return perms & GUILD_ONLY
    if text_channel and not perms & Perm.SEND_MESSAGES:
        perms &= ~SEND_DEPENDENT
    return perms


def has(perms: int, *wanted: Perm) -> bool:
    return all(perms & p == p for p in wanted)
