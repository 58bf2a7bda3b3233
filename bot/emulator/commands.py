"""Application command storage (what the bot synced) and slash option building.

Bulk overwrite keeps a command's id when a command of the same type and name already
existed in that scope (as Discord does) and bumps its `version` when it changed.

`resolve_invocation` turns a test's ``"show info", {"title": "Soul Mate"}`` into the typed,
nested `options` list and the `resolved` map of an APPLICATION_COMMAND interaction.  Values
for USER / CHANNEL / ROLE / MENTIONABLE options may be given as world objects, ids or names
(user name, channel name with or without "#", role name).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import EmulatorError
from .snowflake import SnowflakeGenerator
from .world import Channel, Guild, Role, User, World

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
ROLE = 8
MENTIONABLE = 9
NUMBER = 10
ATTACHMENT = 11

T = TypeVar("T")


@dataclass(eq=False)
class Command:
    id: int
    application_id: int
    guild_id: int | None
    version: int
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def type(self) -> int:
        return self.data.get("type", 1)

    @property
    def options(self) -> list[dict[str, Any]]:
        return self.data.get("options") or []

    @property
    def default_member_permissions(self) -> int | None:
        value = self.data.get("default_member_permissions")
        return None if value is None else int(value)

    def to_dict(self) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        data.pop("id", None)
        out: dict[str, Any] = {
            "id": str(self.id),
            "application_id": str(self.application_id),
            "version": str(self.version),
            "default_member_permissions": data.pop("default_member_permissions", None),
            "type": data.pop("type", 1),
            "name": data.pop("name"),
            "description": data.pop("description", ""),
            "nsfw": data.pop("nsfw", False),
        }
        if self.guild_id is not None:
            out["guild_id"] = str(self.guild_id)
            data.pop("dm_permission", None)
            data.pop("contexts", None)
            data.pop("integration_types", None)
        else:
            out["dm_permission"] = data.pop("dm_permission", None) is not False
            out["contexts"] = data.pop("contexts", None)
            out["integration_types"] = data.pop("integration_types", None) or [0]
        options = data.pop("options", None)
        if options:
            out["options"] = _clean_options(options)
        for key in ("name_localizations", "description_localizations"):
            if data.get(key):
                out[key] = data[key]
        return out

    def __repr__(self) -> str:
        scope = f"guild {self.guild_id}" if self.guild_id else "global"
        return f"<Command /{self.name} {self.id} {scope}>"


def _clean_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for opt in options:
        opt = {k: v for k, v in opt.items() if v is not None}
        if not opt.get("required", False):
            opt.pop("required", None)
        if opt.get("autocomplete") is False:
            opt.pop("autocomplete")
        if "options" in opt:
            opt["options"] = _clean_options(opt["options"])
        cleaned.append(opt)
    return cleaned


@dataclass
class CommandStore:
    snowflakes: SnowflakeGenerator
    application_id: int
    scopes: dict[int | None, list[Command]] = field(default_factory=dict)
    syncs: int = 0

    def scope(self, guild_id: int | None) -> list[Command]:
        return self.scopes.get(guild_id, [])

    def bulk_overwrite(self, guild_id: int | None, payload: list[dict[str, Any]]) -> list[Command]:
        old = {(c.type, c.name): c for c in self.scope(guild_id)}
        new: list[Command] = []
        for data in payload:
            data = copy.deepcopy(data)
            data.setdefault("type", 1)
            prev = old.get((data["type"], data["name"]))
            if prev is not None:
                changed = _comparable(prev.data) != _comparable(data)
                version = self.snowflakes.next() if changed else prev.version
                new.append(Command(prev.id, self.application_id, guild_id, version, data))
            else:
                cid = self.snowflakes.next()
                new.append(Command(cid, self.application_id, guild_id, cid, data))
        self.scopes[guild_id] = new
        self.syncs += 1
        return new

    def upsert(self, guild_id: int | None, data: dict[str, Any]) -> tuple[Command, bool]:
        """Create-or-overwrite one command by name; returns (command, created)."""
        data = copy.deepcopy(data)
        data.setdefault("type", 1)
        commands = self.scopes.setdefault(guild_id, [])
        for i, cmd in enumerate(commands):
            if (cmd.type, cmd.name) == (data["type"], data["name"]):
                commands[i] = Command(
                    cmd.id, self.application_id, guild_id, self.snowflakes.next(), data
                )
                return commands[i], False
        cid = self.snowflakes.next()
        cmd = Command(cid, self.application_id, guild_id, cid, data)
        commands.append(cmd)
        return cmd, True

    def get(self, guild_id: int | None, command_id: int) -> Command | None:
        return next((c for c in self.scope(guild_id) if c.id == command_id), None)

    def delete(self, guild_id: int | None, command_id: int) -> bool:
        commands = self.scope(guild_id)
        for cmd in commands:
            if cmd.id == command_id:
                commands.remove(cmd)
                return True
        return False

    def visible_in(self, guild_id: int) -> list[Command]:
        """Guild commands first (they win name clashes in our lookups), then global ones."""
        return [*self.scope(guild_id), *self.scope(None)]


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "id"}


# -- slash invocation ---------------------------------------------------------------------


@dataclass
class Invocation:
    command: Command
    options: list[dict[str, Any]]
    resolved: dict[str, dict[str, Any]]
    full_name: str  # "show info"
    leaf_defs: list[dict[str, Any]]


def find_command(
    commands: list[Command], path: str, *, type: int = 1
) -> tuple[Command, list[dict[str, Any]], list[dict[str, Any]]]:
    """(command, [sub-command group/sub-command option defs], leaf option defs)."""
    parts = path.strip().lstrip("/").split()
    if not parts:
        raise EmulatorError("empty command name")
    cmd = next((c for c in commands if c.name == parts[0] and c.type == type), None)
    if cmd is None:
        names = sorted(c.name for c in commands if c.type == type)
        raise EmulatorError(f"no synced command named {parts[0]!r}; synced: {names}")
    chain: list[dict[str, Any]] = []
    defs = cmd.options
    for part in parts[1:]:
        sub = next((o for o in defs if o.get("name") == part and o.get("type") in (1, 2)), None)
        if sub is None:
            raise EmulatorError(f"/{cmd.name} has no sub-command (group) {part!r}")
        chain.append(sub)
        defs = sub.get("options") or []
    if any(o.get("type") in (1, 2) for o in defs):
        subs = [o["name"] for o in defs]
        raise EmulatorError(f"/{path} needs a sub-command, one of {subs}")
    return cmd, chain, defs


def resolve_invocation(
    commands: list[Command],
    path: str,
    values: dict[str, Any],
    *,
    world: World,
    guild: Guild,
    channel: Channel,
    invoker: User,
    focused: str | None = None,
) -> Invocation:
    cmd, chain, defs = find_command(commands, path)
    by_name = {d["name"]: d for d in defs}
    for key in values:
        if key not in by_name:
            raise EmulatorError(f"/{path} has no option {key!r}; options: {list(by_name)}")
    if focused is not None:
        if focused not in by_name:
            raise EmulatorError(f"/{path} has no option {focused!r} to focus")
        if not by_name[focused].get("autocomplete"):
            raise EmulatorError(f"option {focused!r} of /{path} has no autocomplete")
    resolved: dict[str, dict[str, Any]] = {}
    options: list[dict[str, Any]] = []
    for d in defs:
        name = d["name"]
        if name not in values:
            if d.get("required") and focused is None:
                raise EmulatorError(f"/{path}: required option {name!r} missing")
            continue
        if name == focused:
            # While typing, Discord sends the raw partial text of the focused option.
            options.append(
                {"type": d["type"], "name": name, "value": str(values[name]), "focused": True}
            )
            continue
        value = _convert(d, values[name], path, world, guild, channel, invoker, resolved)
        options.append({"type": d["type"], "name": name, "value": value})
    if focused is not None and focused not in values:
        options.append(
            {"type": by_name[focused]["type"], "name": focused, "value": "", "focused": True}
        )
    for sub in reversed(chain):
        options = [{"type": sub["type"], "name": sub["name"], "options": options}]
    full = " ".join([cmd.name, *(s["name"] for s in chain)])
    return Invocation(cmd, options, resolved, full, defs)


def _convert(
    d: dict[str, Any],
    value: Any,
    path: str,
    world: World,
    guild: Guild,
    channel: Channel,
    invoker: User,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    otype, name = d["type"], d["name"]
    where = f"/{path} option {name!r}"
    if otype == STRING:
        if not isinstance(value, str):
            raise EmulatorError(f"{where} expects a string, got {value!r}")
        if len(value) < d.get("min_length", 0) or len(value) > d.get("max_length", 6000):
            raise EmulatorError(f"{where}: length {len(value)} outside the allowed range")
    elif otype == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise EmulatorError(f"{where} expects an integer, got {value!r}")
    elif otype == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise EmulatorError(f"{where} expects a number, got {value!r}")
    elif otype == BOOLEAN and not isinstance(value, bool):
        raise EmulatorError(f"{where} expects a boolean, got {value!r}")
    if otype in (INTEGER, NUMBER):
        low, high = d.get("min_value"), d.get("max_value")
        if (low is not None and value < low) or (high is not None and value > high):
            raise EmulatorError(f"{where}: {value} outside [{low}, {high}]")
    if otype in (STRING, INTEGER, NUMBER, BOOLEAN):
        choices = d.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise EmulatorError(f"{where}: {value!r} is not one of the choices {choices}")
        return value
    if otype == USER:
        user = _lookup(value, User, world.user, where)
        _resolve_user(resolved, guild, channel, user)
        return str(user.id)
    if otype == ROLE:
        role = _lookup(value, Role, guild.role, where)
        resolved.setdefault("roles", {})[str(role.id)] = role.to_dict()
        return str(role.id)
    if otype == MENTIONABLE:
        if isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        try:
            user = _lookup(value, User, world.user, where)
        except EmulatorError:
            role = _lookup(value, Role, guild.role, where)
            resolved.setdefault("roles", {})[str(role.id)] = role.to_dict()
            return str(role.id)
        _resolve_user(resolved, guild, channel, user)
        return str(user.id)
    if otype == CHANNEL:
        target = _lookup(value, Channel, guild.channel, where)
        types = d.get("channel_types")
        if types and int(target.type) not in types:
            raise EmulatorError(f"{where}: #{target.name} is not one of channel types {types}")
        resolved.setdefault("channels", {})[str(target.id)] = partial_channel(
            guild, target, invoker
        )
        return str(target.id)
    raise EmulatorError(f"{where}: option type {otype} is not supported by the emulator yet")


def _lookup(value: Any, kind: type[T], find: Callable[[Any], T], where: str) -> T:
    """`value` itself if it is a `kind` already, else the one `find` names by id or name."""
    if isinstance(value, kind):
        return value
    try:
        return find(value)
    except KeyError:
        raise EmulatorError(f"{where}: unknown {kind.__name__.lower()} {value!r}") from None


def _resolve_user(
    resolved: dict[str, dict[str, Any]], guild: Guild, channel: Channel, user: User
) -> None:
    resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
    member = guild.member(user)
    if member is not None:
        data = member.to_dict(with_user=False)
        data.pop("deaf", None)
        data.pop("mute", None)
        data["permissions"] = str(guild.permissions_for(user, channel))
        resolved.setdefault("members", {})[str(user.id)] = data


def partial_channel(guild: Guild, channel: Channel, viewer: User) -> dict[str, Any]:
    """The partial channel object of interactions (with the viewer's permissions)."""
    full = channel.to_dict()
    keep = (
        "id",
        "name",
        "type",
        "last_message_id",
        "last_pin_timestamp",
        "nsfw",
        "parent_id",
        "guild_id",
        "flags",
        "rate_limit_per_user",
        "topic",
        "position",
    )
    data = {k: full[k] for k in keep if k in full}
    data["permissions"] = str(guild.permissions_for(viewer, channel))
    return data
