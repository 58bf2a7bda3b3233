"""The slash commands as the bot synced them, flattened to what a member can type.

`/announce post` is one entry: Discord's sub-commands and groups are only a way to spell it.
The catalog is built from the command JSON the bot sent to Discord (the emulator keeps it), so
the sandbox always offers exactly the commands and options the real bot registered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator import commands as kinds

TYPE_NAMES = {
    kinds.STRING: "text",
    kinds.INTEGER: "whole number",
    kinds.BOOLEAN: "true or false",
    kinds.USER: "member",
    kinds.CHANNEL: "channel",
    kinds.ROLE: "role",
    kinds.MENTIONABLE: "member or role",
    kinds.NUMBER: "number",
    kinds.ATTACHMENT: "file",
}


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    value: str | int | float


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    type: int
    description: str = ""
    required: bool = False
    autocomplete: bool = False
    choices: tuple[Choice, ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    channel_types: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        return TYPE_NAMES.get(self.type, "value")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    path: str  # "show info": the command and its sub-command, as typed after the slash
    description: str
    options: tuple[OptionSpec, ...]
    default_member_permissions: int | None = None

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name), None)

    @property
    def usage(self) -> str:
        parts = [f"/{self.path}"]
        for option in self.options:
            parts.append(f"{option.name}:…" if option.required else f"[{option.name}:…]")
        return " ".join(parts)


class Catalog:
    """Every command a member can type, by path."""

    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self.specs = {spec.path: spec for spec in specs}

    def get(self, path: str) -> CommandSpec | None:
        return self.specs.get(path)

    @property
    def paths(self) -> list[str]:
        return sorted(self.specs)

    @property
    def top_level(self) -> list[str]:
        return sorted({path.split()[0] for path in self.specs})

    def children(self, prefix: str) -> list[str]:
        """The next words after `prefix` ("show" -> ["cast", "info"])."""
        depth = len(prefix.split())
        return sorted(
            {
                path.split()[depth]
                for path in self.specs
                if path.startswith(prefix + " ") and len(path.split()) > depth
            }
        )

    @classmethod
    def from_commands(cls, commands: Iterable[Mapping[str, Any]]) -> Catalog:
        """From Discord's application command objects (chat input commands only)."""
        specs: list[CommandSpec] = []
        for command in commands:
            if command.get("type", 1) != 1:
                continue
            permissions = command.get("default_member_permissions")
            _flatten(
                command["name"],
                command.get("description", ""),
                command.get("options") or [],
                None if permissions is None else int(permissions),
                specs,
            )
        return cls(specs)


def _flatten(
    path: str,
    description: str,
    options: list[Mapping[str, Any]],
    permissions: int | None,
    out: list[CommandSpec],
) -> None:
    subs = [o for o in options if o.get("type") in (kinds.SUB_COMMAND, kinds.SUB_COMMAND_GROUP)]
    if not subs:
        out.append(CommandSpec(path, description, tuple(map(_option, options)), permissions))
        return
    for sub in subs:
        name = f"{path} {sub['name']}"
        _flatten(name, sub.get("description", ""), sub.get("options") or [], permissions, out)


def _option(data: Mapping[str, Any]) -> OptionSpec:
    return OptionSpec(
        name=data["name"],
        type=data["type"],
        description=data.get("description", ""),
        required=bool(data.get("required")),
        autocomplete=bool(data.get("autocomplete")),
        choices=tuple(Choice(c["name"], c["value"]) for c in data.get("choices") or ()),
        min_length=data.get("min_length"),
        max_length=data.get("max_length"),
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        channel_types=tuple(data.get("channel_types") or ()),
    )
