"""The emulated world: application, users, guilds, roles, channels and members.

A `World` is plain data plus builder helpers; the emulator serves it over REST and the
gateway.  Build one by hand::

    world = World(app_name="my-bot")
    owner = world.add_user("owner")
    guild = world.add_guild("Test Server", owner=owner)
    mods = guild.add_role("Moderators", Perm.MANAGE_GUILD)
    guild.add_channel("general")
    guild.add_channel("staff", overwrites=[
        Overwrite.role(guild.everyone, deny=Perm.VIEW_CHANNEL),
        Overwrite.role(mods, allow=Perm.VIEW_CHANNEL),
    ])
    guild.add_member(world.add_user("alice"), roles=[mods])
    world.add_bot_to(guild)            # bot member + its managed role

or start from `default_world()` (see the package docstring) and tweak it.  Permission
computation for members and the bot lives here too (`Guild.permissions_for`).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .permissions import DEFAULT_BOT, DEFAULT_EVERYONE, Perm, apply_overwrites, compute_base
from .snowflake import Clock, SnowflakeGenerator, iso


class ChannelType(enum.IntEnum):
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    GUILD_STAGE_VOICE = 13
    GUILD_FORUM = 15


TEXT_LIKE = {ChannelType.GUILD_TEXT, ChannelType.GUILD_ANNOUNCEMENT}


class Intents(enum.IntFlag):
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_EXPRESSIONS = 1 << 3
    GUILD_INTEGRATIONS = 1 << 4
    GUILD_WEBHOOKS = 1 << 5
    GUILD_INVITES = 1 << 6
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    AUTO_MODERATION_CONFIGURATION = 1 << 20
    AUTO_MODERATION_EXECUTION = 1 << 21
    GUILD_MESSAGE_POLLS = 1 << 24
    DIRECT_MESSAGE_POLLS = 1 << 25


PRIVILEGED_INTENTS = Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT

# Application flags for privileged intents enabled in the portal (apps under 100 guilds).
APP_FLAG_FOR_INTENT = {
    Intents.GUILD_PRESENCES: 1 << 13,
    Intents.GUILD_MEMBERS: 1 << 15,
    Intents.MESSAGE_CONTENT: 1 << 19,
}
APP_FLAG_COMMAND_BADGE = 1 << 23


@dataclass(eq=False)
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    locale: str = "en-US"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    def __repr__(self) -> str:
        return f"<User {self.username} {self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        # Discord renders @everyone's mention as plain "@everyone".
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(int(self.permissions)),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data

    def __repr__(self) -> str:
        return f"<Role {self.name} {self.id}>"


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    @classmethod
    def role(cls, role: Role, *, allow: int = 0, deny: int = 0) -> Overwrite:
        return cls(role.id, 0, int(allow), int(deny))

    @classmethod
    def member(cls, user: User, *, allow: int = 0, deny: int = 0) -> Overwrite:
        return cls(user.id, 1, int(allow), int(deny))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(int(self.allow)),
            "deny": str(int(self.deny)),
        }


@dataclass(eq=False)
class Channel:
    id: int
    guild_id: int
    name: str
    type: int = ChannelType.GUILD_TEXT
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    rate_limit_per_user: int = 0
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_LIKE

    def to_dict(self, *, with_guild_id: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": int(self.type),
            "name": self.name,
            "position": self.position,
            "flags": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [ow.to_dict() for ow in self.overwrites],
        }
        if with_guild_id:
            data["guild_id"] = str(self.guild_id)
        if self.is_text:
            data.update(
                topic=self.topic,
                nsfw=self.nsfw,
                rate_limit_per_user=self.rate_limit_per_user,
                last_message_id=str(self.last_message_id) if self.last_message_id else None,
                last_pin_timestamp=None,
                default_auto_archive_duration=1440,
                default_thread_rate_limit_per_user=0,
            )
        elif self.type in (ChannelType.GUILD_VOICE, ChannelType.GUILD_STAGE_VOICE):
            data.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                nsfw=self.nsfw,
                rate_limit_per_user=0,
                last_message_id=None,
            )
        return data

    def __repr__(self) -> str:
        return f"<Channel #{self.name} {self.id}>"


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    joined_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    nick: str | None = None

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
            "collectibles": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    world: World = field(repr=False)
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    preferred_locale: str = "en-US"
    description: str | None = None
    features: list[str] = field(default_factory=list)
    # Command permission overrides an admin set in Server Settings > Integrations: top-level
    # command name -> ids of the roles and users allowed to use it, whatever its
    # default_member_permissions say (those are only the default).
    command_overrides: dict[str, set[int]] = field(default_factory=dict)

    # -- building -------------------------------------------------------------------------

    def allow_command(self, command: str, *targets: Role | User) -> None:
        """Let these roles or users use `command`, as an admin's override would."""
        self.command_overrides.setdefault(command, set()).update(t.id for t in targets)

    @property
    def everyone(self) -> Role:
        return self.role(self.id)

    def add_role(
        self,
        name: str,
        permissions: int = 0,
        *,
        mentionable: bool = False,
        hoist: bool = False,
        color: int = 0,
        managed: bool = False,
        bot_id: int | None = None,
    ) -> Role:
        role = Role(
            id=self.world.snowflakes.next(),
            guild_id=self.id,
            name=name,
            permissions=int(permissions),
            position=len(self.roles),
            color=color,
            hoist=hoist,
            mentionable=mentionable,
            managed=managed,
            bot_id=bot_id,
        )
        self.roles.append(role)
        return role

    def add_channel(
        self,
        name: str,
        type: int = ChannelType.GUILD_TEXT,
        *,
        overwrites: Iterable[Overwrite] = (),
        topic: str | None = None,
        nsfw: bool = False,
        parent: Channel | None = None,
    ) -> Channel:
        channel = Channel(
            id=self.world.snowflakes.next(),
            guild_id=self.id,
            name=name,
            type=ChannelType(type),
            position=sum(1 for c in self.channels if c.type == type),
            topic=topic,
            nsfw=nsfw,
            parent_id=parent.id if parent else None,
            overwrites=list(overwrites),
        )
        self.channels.append(channel)
        if channel.type == ChannelType.GUILD_ANNOUNCEMENT and "NEWS" not in self.features:
            self.features.extend(f for f in ("COMMUNITY", "NEWS") if f not in self.features)
        return channel

    def add_member(
        self, user: User, *, roles: Iterable[Role] = (), nick: str | None = None
    ) -> Member:
        member = Member(
            user=user,
            guild_id=self.id,
            roles=[r.id for r in roles],
            joined_at=self.world.clock.utcnow(),
            nick=nick,
        )
        self.members[user.id] = member
        return member

    # -- lookups ----------------------------------------------------------------------------

    def role(self, key: int | str) -> Role:
        for role in self.roles:
            if role.id == _as_int(key) or role.name == key:
                return role
        raise KeyError(f"no role {key!r} in guild {self.name!r}")

    def channel(self, key: int | str) -> Channel:
        name = key.lstrip("#") if isinstance(key, str) else key
        for channel in self.channels:
            if channel.id == _as_int(key) or channel.name == name:
                return channel
        raise KeyError(f"no channel {key!r} in guild {self.name!r}")

    def get_channel(self, channel_id: int) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def get_role(self, role_id: int) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def member(self, user: User | int) -> Member | None:
        return self.members.get(user.id if isinstance(user, User) else int(user))

    def role_members(self, role: Role) -> list[Member]:
        if role.id == self.id:
            return list(self.members.values())
        return [m for m in self.members.values() if role.id in m.roles]

    # -- permissions ------------------------------------------------------------------------

    def base_permissions(self, user: User | int) -> int:
        member = self.member(user)
        if member is None:
            return 0
        roles = [r for r in (self.get_role(rid) for rid in member.roles) if r is not None]
        return compute_base(
            is_owner=member.user.id == self.owner_id, everyone=self.everyone, roles=roles
        )

    def permissions_for(self, user: User | int, channel: Channel | None = None) -> int:
        """Permissions of `user` in `channel` (guild-level if no channel)."""
        base = self.base_permissions(user)
        if channel is None:
            return base
        member = self.member(user)
        if member is None:
            return 0
        return apply_overwrites(
            base,
            guild_id=self.id,
            member_id=member.user.id,
            role_ids=member.roles,
            overwrites=channel.overwrites,
            text_channel=channel.is_text,
        )

    # -- serialisation ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The guild object (as in GET /guilds/{id})."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": self.description,
            "home_header": None,
            "splash": None,
            "discovery_splash": None,
            "features": list(self.features),
            "banner": None,
            "owner_id": str(self.owner_id),
            "application_id": None,
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 0,
            "roles": [r.to_dict() for r in self.roles],
            "default_message_notifications": 1,
            "mfa_level": 0,
            "explicit_content_filter": 0,
            "max_presences": None,
            "max_members": 500000,
            "max_stage_video_channel_users": 50,
            "max_video_channel_users": 25,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "rules_channel_id": None,
            "safety_alerts_channel_id": None,
            "public_updates_channel_id": None,
            "premium_progress_bar_enabled": False,
            "nsfw": False,
            "nsfw_level": 0,
            "emojis": [],
            "stickers": [],
            "incidents_data": None,
        }

    def __repr__(self) -> str:
        return f"<Guild {self.name} {self.id}>"


@dataclass(eq=False)
class Application:
    id: int
    name: str
    bot: User
    owner: User
    token: str
    description: str = ""
    privileged_intents: int = int(PRIVILEGED_INTENTS)
    bot_public: bool = True
    verify_key: str = field(default_factory=lambda: secrets.token_hex(32))
    _world: World | None = field(default=None, repr=False)

    @property
    def flags(self) -> int:
        flags = APP_FLAG_COMMAND_BADGE
        for intent, flag in APP_FLAG_FOR_INTENT.items():
            if self.privileged_intents & intent:
                flags |= flag
        return flags

    def to_dict(self) -> dict[str, Any]:
        """The application as GET /oauth2/applications/@me returns it."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "description": self.description,
            "summary": "",
            "type": None,
            "is_monetized": False,
            "is_verified": False,
            "is_discoverable": False,
            "bot_public": self.bot_public,
            "bot_require_code_grant": False,
            "verify_key": self.verify_key,
            "flags": self.flags,
            "hook": True,
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "owner": self.owner.to_dict(),
            "team": None,
            "approximate_guild_count": len(self.bot_guilds()),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "integration_types_config": {"0": {}},
            "tags": [],
            "bot": self.bot.to_dict(),
            "rpc_origins": [],
        }

    def bot_guilds(self) -> list[Guild]:
        guilds = self._world.guilds if self._world is not None else []
        return [g for g in guilds if self.bot.id in g.members]


class World:
    """All entities the emulator knows about."""

    def __init__(
        self,
        app_name: str = "Test Bot",
        *,
        token: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.snowflakes = SnowflakeGenerator(self.clock)
        self.users: list[User] = []
        self.guilds: list[Guild] = []
        bot = self.add_user(app_name, bot=True)
        app_owner = self.add_user(f"{app_name}-developer")
        self.application = Application(
            id=bot.id,  # like Discord for apps created after 2016: app id == bot user id
            name=app_name,
            bot=bot,
            owner=app_owner,
            token=token or _make_token(bot.id),
            _world=self,
        )

    @property
    def bot(self) -> User:
        return self.application.bot

    def add_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> User:
        user = User(self.snowflakes.next(), username, global_name=global_name, bot=bot)
        self.users.append(user)
        return user

    def add_guild(self, name: str, *, owner: User) -> Guild:
        guild = Guild(id=self.snowflakes.next(), name=name, owner_id=owner.id, world=self)
        guild.roles.append(
            Role(id=guild.id, guild_id=guild.id, name="@everyone", permissions=DEFAULT_EVERYONE)
        )
        guild.add_member(owner)
        self.guilds.append(guild)
        return guild

    def add_bot_to(self, guild: Guild, permissions: int = DEFAULT_BOT) -> Member:
        """Join the bot to `guild` with its managed integration role."""
        role = guild.add_role(self.application.name, permissions, managed=True, bot_id=self.bot.id)
        return guild.add_member(self.bot, roles=[role])

    def bot_role(self, guild: Guild) -> Role:
        return next(r for r in guild.roles if r.bot_id == self.bot.id)

    # -- lookups ----------------------------------------------------------------------------

    def user(self, key: User | int | str) -> User:
        if isinstance(key, User):
            return key
        for user in self.users:
            if user.id == _as_int(key) or user.username == key:
                return user
        raise KeyError(f"no user {key!r}")

    def get_user(self, user_id: int) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def guild(self, key: int | str | None = None) -> Guild:
        if key is None:
            if not self.guilds:
                raise KeyError("the world has no guild")
            return self.guilds[0]
        for guild in self.guilds:
            if guild.id == _as_int(key) or guild.name == key:
                return guild
        raise KeyError(f"no guild {key!r}")

    def get_guild(self, guild_id: int) -> Guild | None:
        return next((g for g in self.guilds if g.id == guild_id), None)

    def find_channel(self, channel_id: int) -> tuple[Guild, Channel] | None:
        for guild in self.guilds:
            channel = guild.get_channel(channel_id)
            if channel is not None:
                return guild, channel
        return None


def _as_int(key: object) -> int | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _make_token(bot_id: int) -> str:
    # Same shape as a real bot token: base64(id).timestamp-ish.hmac-ish
    head = base64.urlsafe_b64encode(str(bot_id).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(5)[:6]}.{secrets.token_urlsafe(28)[:38]}"


def default_world(app_name: str = "Test Bot") -> World:
    """The standard test world; see the package docstring for its contents."""
    world = World(app_name)
    owner = world.add_user("owner", global_name="Server Owner")
    admin = world.add_user("admin", global_name="Admin")
    member = world.add_user("member", global_name="Member")
    guild = world.add_guild("Test Server", owner=owner)
    everyone = guild.everyone
    watch_party = guild.add_role("Watch Party", mentionable=True, color=0xE91E63)
    mods = guild.add_role("Moderators", Perm.MANAGE_GUILD, hoist=True, color=0x3498DB)
    world.add_bot_to(guild)
    guild.add_member(admin, roles=[mods])
    guild.add_member(member, roles=[watch_party])

    guild.add_channel("general", topic="General chat")
    guild.add_channel("announcements", topic="Announcements (a plain text channel)")
    guild.add_channel("news", ChannelType.GUILD_ANNOUNCEMENT, topic="Announcement channel")
    guild.add_channel(
        "mod-only",
        overwrites=[
            Overwrite.role(everyone, deny=Perm.VIEW_CHANNEL),
            Overwrite.role(mods, allow=Perm.VIEW_CHANNEL),
        ],
    )
    guild.add_channel("no-embeds", overwrites=[Overwrite.role(everyone, deny=Perm.EMBED_LINKS)])
    guild.add_channel(
        "read-only",
        overwrites=[
            Overwrite.role(everyone, deny=Perm.SEND_MESSAGES),
            Overwrite.role(mods, allow=Perm.SEND_MESSAGES),
        ],
    )
    return world
