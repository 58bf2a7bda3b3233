"""The emulated server as the person typing meets it: names, lookups, and what they can see.

Channel, role and member names typed in options become the server's own objects here, with a
polite refusal naming what exists when a name matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import discord
from rich.console import RenderableType
from rich.table import Table

from bot.emulator import Emulator, Perm
from bot.emulator import commands as kinds
from bot.emulator.messages import Message
from bot.emulator.world import Channel, ChannelType, Guild, Role, User
from bot.sandbox.catalog import CommandSpec
from bot.sandbox.commandline import InputError
from bot.sandbox.render import Names, notice, render_message

BOT_NAME = "kdrama-bot"
COMMAND_CHANNEL = "general"  # where the person typing types
LOG_LIMIT = 10

HIDDEN = (
    "/{path} is only for people with {permissions}, and you are {user}. Type as admin to be "
    "someone who has it."
)
UNKNOWN_CHANNEL = "There is no channel #{name} here. The channels: {channels}."
WRONG_CHANNEL_TYPE = "{name}: can't be #{channel}, which is a {kind} channel."
UNKNOWN_ROLE = "There is no role @{name} here. The roles: {roles}."
UNKNOWN_USER = "There is nobody called {name} here. The people: {users}."
NOTHING_POSTED = "The bot hasn't posted in any channel yet."
NOTHING_POSTED_IN = "The bot hasn't posted in #{channel} yet."
EARLIER = "({count} earlier messages in #{channel} not shown)"
POSTED_IN = "{bot} in #{channel}"
CHANNEL_KINDS = {
    ChannelType.GUILD_TEXT: "text",
    ChannelType.GUILD_ANNOUNCEMENT: "announcement",
    ChannelType.GUILD_VOICE: "voice",
    ChannelType.GUILD_CATEGORY: "category",
    ChannelType.GUILD_FORUM: "forum",
}
CHANNEL_COLUMNS = ("channel", "kind", "the bot can", "you can see it")
ABILITIES = (
    ("see", Perm.VIEW_CHANNEL),
    ("send", Perm.SEND_MESSAGES),
    ("embed", Perm.EMBED_LINKS),
)
NOTHING = "nothing"
YES, NO = "yes", "no"

T = TypeVar("T")


class Server:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    @property
    def guild(self) -> Guild:
        return self.emu.guild

    def names(self) -> Names:
        return Names(
            channels={c.id: c.name for c in self.guild.channels},
            roles={r.id: r.name.lstrip("@") for r in self.guild.roles},
            users={u.id: u.username for u in self.emu.world.users},
        )

    def check_allowed(self, spec: CommandSpec, user: str) -> None:
        """Discord hides a command from whoever lacks its default permissions: say so."""
        needed = spec.default_member_permissions
        if needed is None:
            return
        guild = self.guild
        have = guild.permissions_for(self.emu.user(user), guild.channel(COMMAND_CHANNEL))
        if have & Perm.ADMINISTRATOR or (needed and have & needed == needed):
            return
        names = [
            name.replace("_", " ").replace("guild", "server").title()
            for name, value in discord.Permissions(needed)
            if value
        ]
        permissions = " and ".join(names) or "Administrator"
        raise InputError(HIDDEN.format(path=spec.path, permissions=permissions, user=user))

    def resolve(self, spec: CommandSpec, options: dict[str, Any]) -> dict[str, Any]:
        """Channel, role and member names typed in options, as the server's own objects."""
        resolved = dict(options)
        for name, value in options.items():
            option = spec.option(name)
            if option is None:
                continue
            if option.type == kinds.CHANNEL:
                resolved[name] = self.find_channel(value, option.channel_types, name)
            elif option.type == kinds.ROLE:
                resolved[name] = self.find_role(value)
            elif option.type == kinds.USER:
                resolved[name] = self.find_user(value)
            elif option.type == kinds.MENTIONABLE:
                try:
                    resolved[name] = self.find_user(value)
                except InputError:
                    resolved[name] = self.find_role(value)
        return resolved

    def find_channel(self, name: str, types: tuple[int, ...] = (), option: str = "") -> Channel:
        channels = self.guild.channels
        channel = _by_name(channels, name, lambda c: c.name)
        if channel is None:
            listed = ", ".join(f"#{c.name}" for c in channels if c.is_text)
            raise InputError(UNKNOWN_CHANNEL.format(name=name, channels=listed))
        if types and int(channel.type) not in types:
            kind = CHANNEL_KINDS.get(channel.type, "different")
            raise InputError(
                WRONG_CHANNEL_TYPE.format(name=option, channel=channel.name, kind=kind)
            )
        return channel

    def find_role(self, name: str) -> Role:
        roles = self.guild.roles
        # "@everyone" is the role's real name; typed as @everyone, the @ is already gone.
        role = _by_name(roles, name, lambda r: r.name) or _by_name(
            roles, f"@{name}", lambda r: r.name
        )
        if role is None:
            listed = ", ".join(f"@{r.name.lstrip('@')}" for r in roles)
            raise InputError(UNKNOWN_ROLE.format(name=name, roles=listed))
        return role

    def find_user(self, name: str) -> User:
        users = [m.user for m in self.guild.members.values()]
        user = _by_name(users, name, lambda u: u.username) or _by_name(
            users, name, lambda u: u.global_name or ""
        )
        if user is None:
            listed = ", ".join(u.username for u in users)
            raise InputError(UNKNOWN_USER.format(name=name, users=listed))
        return user

    def can_see(self, user: User, message: Message) -> bool:
        found = self.emu.world.find_channel(message.channel_id)
        if found is None or not found[0].permissions_for(user, found[1]) & Perm.VIEW_CHANNEL:
            return False
        if not message.ephemeral:
            return True
        owner = self.emu.interactions.get(message.interaction_id or 0)
        return owner is not None and owner.user.id == user.id

    def buttons(self, user: str) -> Iterator[tuple[Message, dict[str, Any]]]:
        """Every button `user` can see, on the newest messages first."""
        person = self.emu.user(user)
        for message in sorted(self.emu.messages.values(), key=lambda m: m.id, reverse=True):
            if not message.deleted and self.can_see(person, message):
                for button in message.buttons():
                    yield message, button

    def posts_after(self, mark: int, shown: set[int]) -> list[RenderableType]:
        """What the bot posted in channels for everyone after `mark` (a snowflake), except
        `shown`: an announcement it sent, as opposed to its reply to an interaction."""
        names = self.names()
        output: list[RenderableType] = []
        for message in sorted(self.emu.messages.values(), key=lambda m: m.id):
            if (
                message.id > mark
                and message.id not in shown
                and message.author.id == self.emu.bot_user.id
                and message.interaction_id is None
                and not message.ephemeral
                and not message.deleted
            ):
                heading = POSTED_IN.format(bot=BOT_NAME, channel=self._channel_name(message))
                output.append(render_message(message.to_dict(), names, heading))
        return output

    def _channel_name(self, message: Message) -> str:
        found = self.emu.world.find_channel(message.channel_id)
        return found[1].name if found else str(message.channel_id)

    def channels_table(self, user: str) -> Table:
        emu, guild = self.emu, self.guild
        person = emu.user(user)
        table = Table(*CHANNEL_COLUMNS, box=None, header_style="bold", pad_edge=False)
        for channel in guild.channels:
            bot = guild.permissions_for(emu.bot_user, channel)
            can = [word for word, flag in ABILITIES if bot & flag == flag]
            sees = guild.permissions_for(person, channel) & Perm.VIEW_CHANNEL
            table.add_row(
                f"#{channel.name}",
                CHANNEL_KINDS.get(channel.type, str(int(channel.type))),
                ", ".join(can) or NOTHING,
                YES if sees else NO,
            )
        return table

    def log(self, channel_name: str) -> list[RenderableType]:
        """What the bot posted, in one channel or all of them: the latest LOG_LIMIT each."""
        emu = self.emu
        if channel_name:
            channels = [self.find_channel(channel_name)]
        else:
            channels = [c for c in self.guild.channels if c.is_text]
        names = self.names()
        output: list[RenderableType] = []
        for channel in channels:
            posts = [m for m in emu.channel_messages(channel) if m.author.id == emu.bot_user.id]
            if len(posts) > LOG_LIMIT:
                earlier = EARLIER.format(count=len(posts) - LOG_LIMIT, channel=channel.name)
                output.append(notice(earlier))
            heading = POSTED_IN.format(bot=BOT_NAME, channel=channel.name)
            output += [render_message(m.to_dict(), names, heading) for m in posts[-LOG_LIMIT:]]
        if not output:
            if channel_name:
                return [notice(NOTHING_POSTED_IN.format(channel=channels[0].name))]
            return [notice(NOTHING_POSTED)]
        return output

    def completion_values(self, user: str) -> dict[str, list[str]]:
        """Words Tab may offer: channel and role names, and the labels of buttons to press."""
        labels = {button["label"] for _, button in self.buttons(user) if button.get("label")}
        return {
            "channel": [c.name for c in self.guild.channels if c.is_text],
            "role": [r.name.lstrip("@") for r in self.guild.roles],
            "press": sorted(labels),
        }


T = TypeVar("T")


def _by_name(items: list[T], name: str, key: Callable[[T], str]) -> T | None:
    """The item called `name`, exactly or else ignoring case."""
    exact = next((item for item in items if key(item) == name), None)
    if exact is not None:
        return exact
    return next((item for item in items if key(item).lower() == name.lower()), None)
