"""Stored messages and component helpers.

A `Message` is the emulator's record of a message; `to_dict()` renders the complete Discord
message object the REST API and gateway return.  Messages are mutated in place on edit (a
snapshot of each previous version is kept in `history`), so a test holding a `Message`
always sees its current state.

`NONCE_WINDOW` is how long a create with ``enforce_nonce`` returns an earlier message with
the same nonce instead of creating one.  Discord only says "the past few minutes", so the
emulator fixes it at five minutes of *emulated* time: a test moves past it with
``emu.clock.advance(NONCE_WINDOW.total_seconds() + 1)``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .snowflake import iso
from .world import User

NONCE_WINDOW = dt.timedelta(minutes=5)

FLAG_CROSSPOSTED = 1 << 0
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_IS_VOICE_MESSAGE = 1 << 13
FLAG_HAS_SNAPSHOT = 1 << 14
FLAG_IS_COMPONENTS_V2 = 1 << 15

# What a forward's message snapshot keeps of the forwarded message (the reference lists them).
SNAPSHOT_FIELDS = (
    "type", "content", "embeds", "attachments", "timestamp", "edited_timestamp", "flags",
    "mentions", "mention_roles", "stickers", "sticker_items", "components",
)  # fmt: skip

TYPE_DEFAULT = 0
TYPE_REPLY = 19
TYPE_CHAT_INPUT_COMMAND = 20
TYPE_CONTEXT_MENU_COMMAND = 23

COMPONENT_ACTION_ROW = 1
COMPONENT_BUTTON = 2
COMPONENT_STRING_SELECT = 3
COMPONENT_TEXT_INPUT = 4
COMPONENT_SECTION = 9
COMPONENT_TEXT_DISPLAY = 10
COMPONENT_CONTAINER = 17
COMPONENT_LABEL = 18
SELECT_TYPES = {3, 5, 6, 7, 8}


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    timestamp: dt.datetime
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    type: int = TYPE_DEFAULT
    edited_timestamp: dt.datetime | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    pinned: bool = False
    nonce: int | str | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    interaction: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    referenced_message: Message | None = None
    message_snapshots: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    interaction_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    # -- convenience for tests --------------------------------------------------------------

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def crossposted(self) -> bool:
        """Published to following channels (POST …/crosspost succeeded)."""
        return bool(self.flags & FLAG_CROSSPOSTED)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def mention_ids(self) -> list[int]:
        return [u.id for u in self.mentions]

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def walk_components(self) -> Iterator[dict[str, Any]]:
        return walk_components(self.components)

    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.walk_components() if c.get("type") == COMPONENT_BUTTON]

    def find_component(self, key: str, *, types: set[int] | None = None) -> dict[str, Any]:
        """A component by custom_id, label or placeholder (first match)."""
        for comp in self.walk_components():
            if types is not None and comp.get("type") not in types:
                continue
            if key in (comp.get("custom_id"), comp.get("label"), comp.get("placeholder")):
                return comp
        raise KeyError(key)

    # -- serialisation ----------------------------------------------------------------------

    def snapshot(self) -> None:
        self.history.append(self.to_dict())

    def to_dict(self, *, referenced: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "content": self.content,
            "mentions": [u.to_dict() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "attachments": copy.deepcopy(self.attachments),
            "embeds": [] if self.flags & FLAG_SUPPRESS_EMBEDS else copy.deepcopy(self.embeds),
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited_timestamp),
            "flags": self.flags,
            "components": copy.deepcopy(self.components),
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_dict(),
            "pinned": self.pinned,
            "mention_everyone": self.mention_everyone,
            "tts": self.tts,
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = copy.deepcopy(self.interaction_metadata)
        if self.interaction is not None:
            data["interaction"] = copy.deepcopy(self.interaction)
        if self.message_snapshots:
            data["message_snapshots"] = copy.deepcopy(self.message_snapshots)
        if self.message_reference is not None:
            data["message_reference"] = dict(self.message_reference)
            if referenced and self.type == TYPE_REPLY:
                ref = self.referenced_message
                data["referenced_message"] = (
                    None if ref is None or ref.deleted else ref.to_dict(referenced=False)
                )
        return data

    def snapshot_for_forward(self) -> dict[str, Any]:
        """The copy a forward carries: the documented subset of fields, taken once."""
        data = self.to_dict(referenced=False)
        return {"message": {key: data[key] for key in SNAPSHOT_FIELDS if key in data}}

    def __repr__(self) -> str:
        return f"<Message {self.id} in {self.channel_id} content={self.content[:40]!r}>"


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first, pre-order walk over nested components (rows, sections, labels…)."""
    for comp in components:
        yield comp
        if "components" in comp and isinstance(comp["components"], list):
            yield from walk_components(comp["components"])
        if isinstance(comp.get("component"), dict):
            yield from walk_components([comp["component"]])
        if isinstance(comp.get("accessory"), dict):
            yield from walk_components([comp["accessory"]])


def assign_component_ids(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every component a unique numeric `id`, sequentially where missing, as Discord does."""
    components = copy.deepcopy(components)
    used = {c["id"] for c in walk_components(components) if isinstance(c.get("id"), int)}
    next_id = 1
    for comp in walk_components(components):
        if isinstance(comp.get("id"), int):
            continue
        while next_id in used:
            next_id += 1
        comp["id"] = next_id
        used.add(next_id)
    return components


def normalise_embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Embeds as Discord stores them: always type "rich", content_scan_version added."""
    out = []
    for embed in embeds:
        embed = copy.deepcopy(embed)
        embed["type"] = "rich"
        embed.setdefault("content_scan_version", 0)
        out.append(embed)
    return out


def text_of_components(components: list[dict[str, Any]]) -> str:
    """Text displayed by components (text displays), for mention parsing in V2 messages."""
    return "\n".join(
        str(c.get("content", ""))
        for c in walk_components(components)
        if c.get("type") == COMPONENT_TEXT_DISPLAY
    )
