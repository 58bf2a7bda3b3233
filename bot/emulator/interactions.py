"""Scripted users: interactions built exactly as Discord sends them, and handles to follow them.

`slash`, `autocomplete`, `press_button`, `select` and `submit_modal` build an INTERACTION_CREATE
payload (id, application_id, type, data, guild, guild_id, channel, channel_id, member with
permissions, token, version, app_permissions, locale, guild_locale, entitlements,
authorizing_integration_owners, context, attachment_size_limit, message for components),
dispatch it to the connected bot and return an `InteractionHandle`. Pressing, picking and
submitting wait `Emulator.reaction_time` first (0.1 s), as a person takes to react.

Things a real Discord client would refuse to do raise `EmulatorError` in the test: unknown
commands/options, wrong option types, missing required options, a user who cannot see the
channel or lacks the command's default_member_permissions, clicking a disabled or missing
button, submitting a modal without its required inputs, …

The handle exposes what the invoking user sees::

    handle = await emu.slash(emu.member, "show info", {"title": "Soul Mate"})
    cb = await handle.response()       # Callback(type=4|5|…, data=…)
    msg = await handle.message()       # the visible reply (waits through a defer + edit)
    handle.ephemeral, handle.followups, handle.original
"""

# The test-facing API takes explicit `timeout=` arguments on purpose.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import base64
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .commands import Invocation, partial_channel, resolve_invocation
from .errors import EmulatorError
from .messages import (
    COMPONENT_ACTION_ROW,
    COMPONENT_BUTTON,
    COMPONENT_LABEL,
    COMPONENT_STRING_SELECT,
    COMPONENT_TEXT_DISPLAY,
    COMPONENT_TEXT_INPUT,
    SELECT_TYPES,
    Message,
)
from .permissions import Perm
from .world import Channel, Guild, User

if TYPE_CHECKING:
    from .emulator import Emulator
    from .recording import RecordedRequest

PING = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass(eq=False)
class Interaction:
    """Server-side record of one interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    guild_id: int
    channel_id: int
    user: User
    payload: dict[str, Any]
    created_at: float
    name: str | None = None
    command_type: int | None = None
    message: Message | None = None  # the message a component was attached to
    triggering: Interaction | None = None  # for a modal submit: the interaction that opened it
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    callback_at: float | None = None
    original: Message | None = None
    original_deleted: bool = False
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    original_edits: int = 0  # edits of `original` after the callback

    @property
    def responded(self) -> bool:
        return self.callback_type is not None

    def metadata(self) -> dict[str, Any]:
        """Message interaction metadata object for messages created by this interaction."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "user": self.user.to_dict(),
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }
        if self.type == MESSAGE_COMPONENT and self.message is not None:
            data["interacted_message_id"] = str(self.message.id)
        if self.type == MODAL_SUBMIT and self.triggering is not None:
            data["triggering_interaction_metadata"] = self.triggering.metadata()
        return data


@dataclass
class Callback:
    type: int
    data: dict[str, Any]

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & 64)


class InteractionHandle:
    """What the invoking user can observe about one interaction."""

    def __init__(self, emu: Emulator, interaction: Interaction) -> None:
        self.emu = emu
        self.interaction = interaction

    @property
    def id(self) -> int:
        return self.interaction.id

    @property
    def token(self) -> str:
        return self.interaction.token

    @property
    def payload(self) -> dict[str, Any]:
        """The INTERACTION_CREATE data sent to the bot."""
        return self.interaction.payload

    @property
    def callback(self) -> Callback | None:
        i = self.interaction
        return None if i.callback_type is None else Callback(i.callback_type, i.callback_data or {})

    @property
    def original(self) -> Message | None:
        i = self.interaction
        return None if i.original_deleted else i.original

    @property
    def followups(self) -> list[Message]:
        return [m for m in self.interaction.followups if not m.deleted]

    @property
    def messages(self) -> list[Message]:
        """Original response (if any) followed by the follow-ups, as the user sees them."""
        original = self.original
        return ([original] if original is not None else []) + self.followups

    @property
    def requests(self) -> list[RecordedRequest]:
        """Recorded HTTP requests the bot made with this interaction's token."""
        return [r for r in self.emu.requests if self.token in r.path]

    @property
    def ephemeral(self) -> bool:
        original = self.original
        if original is not None:
            return original.ephemeral
        cb = self.callback
        return bool(cb and cb.ephemeral)

    @property
    def deferred(self) -> bool:
        return self.interaction.callback_type in (
            CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            CALLBACK_DEFERRED_UPDATE_MESSAGE,
        )

    async def response(self, timeout: float = 5.0) -> Callback:
        """Wait for the initial callback (any type)."""
        return await self.emu.wait_until(
            lambda: self.callback, timeout=timeout, what=f"a response to interaction {self.id}"
        )

    async def message(self, timeout: float = 5.0) -> Message:
        """The visible reply: after a defer, waits for the edit/follow-up that fills it."""
        cb = await self.response(timeout)
        if cb.type in (CALLBACK_AUTOCOMPLETE_RESULT, CALLBACK_MODAL):
            raise EmulatorError(
                f"interaction {self.id} was answered with type {cb.type}, not a message"
            )

        def ready() -> Message | None:
            i = self.interaction
            original = self.original
            if cb.type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
                if original is not None and not original.loading:
                    return original
                return self.followups[0] if i.original_deleted and self.followups else None
            if cb.type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
                if original is not None and i.original_edits:
                    return original
                return self.followups[0] if self.followups else None
            return original or (self.followups[0] if self.followups else None)

        return await self.emu.wait_until(
            ready, timeout=timeout, what=f"the reply to interaction {self.id}"
        )

    async def followup(self, index: int = 0, timeout: float = 5.0) -> Message:
        return await self.emu.wait_until(
            lambda: self.followups[index] if len(self.followups) > index else None,
            timeout=timeout,
            what=f"follow-up #{index} of interaction {self.id}",
        )

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        cb = await self.response(timeout)
        if cb.type != CALLBACK_MODAL:
            raise EmulatorError(
                f"interaction {self.id} was answered with type {cb.type}, not a modal"
            )
        assert self.interaction.modal is not None
        return self.interaction.modal

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        cb = await self.response(timeout)
        if cb.type != CALLBACK_AUTOCOMPLETE_RESULT:
            raise EmulatorError(
                f"interaction {self.id} was answered with type {cb.type}, not choices"
            )
        return list(self.interaction.choices or [])

    def __repr__(self) -> str:
        return (
            f"<InteractionHandle {self.id} type={self.interaction.type} callback={self.callback}>"
        )


# -- building -----------------------------------------------------------------------------------


def member_payload(guild: Guild, user: User, channel: Channel) -> dict[str, Any]:
    member = guild.member(user)
    if member is None:
        raise EmulatorError(f"{user.username} is not a member of {guild.name}")
    data = member.to_dict()
    data["permissions"] = str(guild.permissions_for(user, channel))
    data["unusual_dm_activity_until"] = None
    return data


def _token(interaction_id: int) -> str:
    raw = f"interaction:{interaction_id}:{secrets.token_hex(24)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _check_can_use(guild: Guild, channel: Channel, user: User) -> int:
    if guild.member(user) is None:
        raise EmulatorError(f"{user.username} is not a member of {guild.name}")
    perms = guild.permissions_for(user, channel)
    if not perms & Perm.VIEW_CHANNEL:
        raise EmulatorError(f"{user.username} cannot see #{channel.name}")
    return perms


def new_interaction(
    emu: Emulator,
    *,
    type: int,
    user: User,
    guild: Guild,
    channel: Channel,
    data: dict[str, Any],
    message: Message | None = None,
) -> Interaction:
    iid = emu.snowflakes.next()
    token = _token(iid)
    payload: dict[str, Any] = {
        "id": str(iid),
        "application_id": str(emu.application_id),
        "type": type,
        "data": data,
        "guild": {
            "id": str(guild.id),
            "locale": guild.preferred_locale,
            "features": list(guild.features),
        },
        "guild_id": str(guild.id),
        "channel": partial_channel(guild, channel, user),
        "channel_id": str(channel.id),
        "member": member_payload(guild, user, channel),
        "token": token,
        "version": 1,
        "app_permissions": str(guild.permissions_for(emu.bot_user, channel)),
        "locale": user.locale,
        "guild_locale": guild.preferred_locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message.to_dict()
    return Interaction(
        id=iid,
        token=token,
        type=type,
        guild_id=guild.id,
        channel_id=channel.id,
        user=user,
        payload=payload,
        created_at=emu.clock.now(),
        message=message,
    )


def _command_context(
    emu: Emulator, user: User | str, channel: Channel | str | int | None, guild: Guild | str | None
) -> tuple[User, Guild, Channel]:
    user_obj = emu.world.user(user)
    guild_obj = emu.world.guild(guild) if not isinstance(guild, Guild) else guild
    if channel is None:
        channel_obj = (
            guild_obj.channel("general")
            if _has(guild_obj, "general")
            else next(c for c in guild_obj.channels if c.is_text)
        )
    elif isinstance(channel, Channel):
        channel_obj = channel
    else:
        channel_obj = guild_obj.channel(channel)
    return user_obj, guild_obj, channel_obj


def _has(guild: Guild, name: str) -> bool:
    return any(c.name == name for c in guild.channels)


def _check_command_permissions(
    guild: Guild, channel: Channel, user: User, command_name: str, dmp: int | None
) -> None:
    perms = _check_can_use(guild, channel, user)
    if not perms & Perm.USE_APPLICATION_COMMANDS:
        raise EmulatorError(f"{user.username} lacks Use Application Commands in #{channel.name}")
    if dmp is None or perms & Perm.ADMINISTRATOR:
        return
    allowed = guild.command_overrides.get(command_name.split()[0], set())
    member = guild.members.get(user.id)
    ids = {user.id, guild.id, *(member.roles if member else ())}
    if allowed & ids:
        return
    if dmp == 0 or perms & dmp != dmp:
        raise EmulatorError(
            f"/{command_name} is hidden from {user.username}: default_member_permissions={dmp} "
            f"but they have {perms} in #{channel.name}"
        )


async def slash(
    emu: Emulator,
    user: User | str,
    command: str,
    options: dict[str, Any] | None = None,
    *,
    channel: Channel | str | int | None = None,
    guild: Guild | str | None = None,
) -> InteractionHandle:
    """Run a slash command ("name", "name sub" or "name group sub") as `user`."""
    user_obj, guild_obj, channel_obj, inv = _command_invocation(
        emu, user, command, options, channel, guild
    )
    data: dict[str, Any] = {"id": str(inv.command.id), "name": inv.command.name, "type": 1}
    if inv.options:
        data["options"] = inv.options
    if inv.resolved:
        data["resolved"] = inv.resolved
    return await _deliver_command(
        emu, APPLICATION_COMMAND, user_obj, guild_obj, channel_obj, inv, data
    )


async def autocomplete(
    emu: Emulator,
    user: User | str,
    command: str,
    options: dict[str, Any] | None,
    focused: str,
    *,
    channel: Channel | str | int | None = None,
    guild: Guild | str | None = None,
    timeout: float = 5.0,
) -> list[dict[str, Any]]:
    """Type into option `focused`; returns the choices the bot answered."""
    user_obj, guild_obj, channel_obj, inv = _command_invocation(
        emu, user, command, options, channel, guild, focused=focused
    )
    data: dict[str, Any] = {
        "id": str(inv.command.id),
        "name": inv.command.name,
        "type": 1,
        "version": str(inv.command.version),
        "options": inv.options,
    }
    handle = await _deliver_command(
        emu, APPLICATION_COMMAND_AUTOCOMPLETE, user_obj, guild_obj, channel_obj, inv, data
    )
    return await handle.choices(timeout)


def _command_invocation(
    emu: Emulator,
    user: User | str,
    command: str,
    options: dict[str, Any] | None,
    channel: Channel | str | int | None,
    guild: Guild | str | None,
    *,
    focused: str | None = None,
) -> tuple[User, Guild, Channel, Invocation]:
    """The command as `user` would invoke it, if their client would let them."""
    user_obj, guild_obj, channel_obj = _command_context(emu, user, channel, guild)
    inv = resolve_invocation(
        emu.commands.visible_in(guild_obj.id),
        command,
        options or {},
        world=emu.world,
        guild=guild_obj,
        channel=channel_obj,
        invoker=user_obj,
        focused=focused,
    )
    _check_command_permissions(
        guild_obj, channel_obj, user_obj, inv.full_name, inv.command.default_member_permissions
    )
    return user_obj, guild_obj, channel_obj, inv


async def _deliver_command(
    emu: Emulator,
    type: int,
    user: User,
    guild: Guild,
    channel: Channel,
    inv: Invocation,
    data: dict[str, Any],
) -> InteractionHandle:
    if inv.command.guild_id is not None:
        data["guild_id"] = str(inv.command.guild_id)
    interaction = new_interaction(
        emu, type=type, user=user, guild=guild, channel=channel, data=data
    )
    interaction.name = inv.full_name
    interaction.command_type = 1
    return await emu._deliver(interaction)


def _message_context(
    emu: Emulator, user: User | str, message: Message | int
) -> tuple[User, Guild, Channel, Message]:
    user_obj = emu.world.user(user)
    msg = message if isinstance(message, Message) else emu.messages.get(int(message))
    if msg is None or msg.deleted:
        raise EmulatorError(f"message {message!r} does not exist (any more)")
    found = emu.world.find_channel(msg.channel_id)
    if found is None:
        raise EmulatorError(f"message {msg.id} is not in a known guild channel")
    guild, channel = found
    _check_can_use(guild, channel, user_obj)
    if msg.ephemeral:
        owner = emu.interactions.get(msg.interaction_id or 0)
        if owner is None or owner.user.id != user_obj.id:
            raise EmulatorError(f"{user_obj.username} cannot see ephemeral message {msg.id}")
    return user_obj, guild, channel, msg


async def press_button(
    emu: Emulator, user: User | str, message: Message | int, button: str
) -> InteractionHandle:
    """Click a button (by label or custom_id) on a message the user can see."""
    user_obj, guild, channel, msg = _message_context(emu, user, message)
    try:
        comp = msg.find_component(button, types={COMPONENT_BUTTON})
    except KeyError:
        labels = [b.get("label") or b.get("custom_id") for b in msg.buttons()]
        raise EmulatorError(
            f"no button {button!r} on message {msg.id}; buttons: {labels}"
        ) from None
    if comp.get("disabled"):
        raise EmulatorError(f"button {button!r} is disabled")
    if comp.get("style") in (5, 6):
        raise EmulatorError(f"button {button!r} is a link/premium button and sends no interaction")
    data = {"custom_id": comp["custom_id"], "component_type": COMPONENT_BUTTON}
    return await _deliver_component(emu, user_obj, guild, channel, msg, data)


async def select(
    emu: Emulator, user: User | str, message: Message | int, menu: str, values: list[str]
) -> InteractionHandle:
    """Pick `values` (option values) in a string select found by custom_id or placeholder."""
    user_obj, guild, channel, msg = _message_context(emu, user, message)
    try:
        comp = msg.find_component(menu, types={COMPONENT_STRING_SELECT})
    except KeyError:
        raise EmulatorError(f"no string select {menu!r} on message {msg.id}") from None
    if comp.get("disabled"):
        raise EmulatorError(f"select {menu!r} is disabled")
    allowed = [o["value"] for o in comp.get("options", [])]
    bad = [v for v in values if v not in allowed]
    low, high = comp.get("min_values", 1), comp.get("max_values", 1)
    if bad or not low <= len(values) <= high:
        raise EmulatorError(f"cannot pick {values!r} in {menu!r} (options {allowed}, {low}-{high})")
    data = {
        "custom_id": comp["custom_id"],
        "component_type": COMPONENT_STRING_SELECT,
        "values": list(values),
    }
    return await _deliver_component(emu, user_obj, guild, channel, msg, data)


async def _deliver_component(
    emu: Emulator,
    user: User,
    guild: Guild,
    channel: Channel,
    message: Message,
    data: dict[str, Any],
) -> InteractionHandle:
    interaction = new_interaction(
        emu,
        type=MESSAGE_COMPONENT,
        user=user,
        guild=guild,
        channel=channel,
        data=data,
        message=message,
    )
    await _react(emu)
    return await emu._deliver(interaction)


async def _react(emu: Emulator) -> None:
    """A person acts on a message or form only after seeing it, and takes a moment to. Seeing it
    means Discord has answered the bot, which may still be taking that answer in (discord.py
    stores the view or form it sent only then): acting at once could beat it there."""
    await asyncio.sleep(emu.reaction_time)


async def submit_modal(
    emu: Emulator,
    user: User | str,
    source: InteractionHandle | Interaction,
    values: dict[str, Any],
    *,
    timeout: float = 5.0,
) -> InteractionHandle:
    """Fill and submit the modal opened in reply to `source` (values by label/custom_id).

    The submission mirrors the modal's component layout.
    """
    opener = source.interaction if isinstance(source, InteractionHandle) else source
    await InteractionHandle(emu, opener).modal(timeout)
    modal = opener.modal
    assert modal is not None
    user_obj = emu.world.user(user)
    if user_obj.id != opener.user.id:
        raise EmulatorError("only the user the modal was shown to can submit it")
    if opener.triggering is not None and opener.type == MODAL_SUBMIT:
        raise EmulatorError("a modal cannot be opened from a modal submit")
    found = emu.world.find_channel(opener.channel_id)
    assert found is not None
    guild, channel = found
    remaining = dict(values)
    components = [_submit_component(c, remaining) for c in modal["components"]]
    if remaining:
        raise EmulatorError(f"the modal has no input(s) {sorted(remaining)}")
    interaction = new_interaction(
        emu,
        type=MODAL_SUBMIT,
        user=user_obj,
        guild=guild,
        channel=channel,
        data={"custom_id": modal["custom_id"], "components": components},
        message=opener.message,
    )
    interaction.triggering = opener
    await _react(emu)
    return await emu._deliver(interaction)


def _submit_component(comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    ctype = comp.get("type")
    if ctype == COMPONENT_ACTION_ROW:
        child = comp["components"][0]
        return {
            "type": COMPONENT_ACTION_ROW,
            "id": comp["id"],
            "components": [_submit_input(child, child.get("label"), values)],
        }
    if ctype == COMPONENT_LABEL:
        return {
            "type": COMPONENT_LABEL,
            "id": comp["id"],
            "component": _submit_input(comp["component"], comp.get("label"), values),
        }
    if ctype == COMPONENT_TEXT_DISPLAY:
        return {"type": COMPONENT_TEXT_DISPLAY, "id": comp["id"]}
    raise EmulatorError(f"modal component type {ctype} is not supported by the emulator yet")


def _submit_input(
    comp: dict[str, Any], label: str | None, values: dict[str, Any]
) -> dict[str, Any]:
    custom_id = comp["custom_id"]
    keys = [k for k in (label, custom_id) if k is not None and k in values]
    provided = keys[0] if keys else None
    if provided is not None:
        value = values.pop(provided)
        for k in keys[1:]:
            values.pop(k)
    else:
        value = None
    ctype = comp.get("type")
    name = label or custom_id
    if ctype == COMPONENT_TEXT_INPUT:
        text = comp.get("value", "") if value is None else value
        if not isinstance(text, str):
            raise EmulatorError(f"modal input {name!r} takes a string, got {text!r}")
        if comp.get("required", True) and not text:
            raise EmulatorError(f"modal input {name!r} is required")
        low, high = comp.get("min_length", 0), comp.get("max_length", 4000)
        if text and not low <= len(text) <= high:
            raise EmulatorError(f"modal input {name!r}: length {len(text)} not in [{low}, {high}]")
        return {
            "type": COMPONENT_TEXT_INPUT,
            "id": comp["id"],
            "custom_id": custom_id,
            "value": text,
        }
    if ctype == COMPONENT_STRING_SELECT:
        picked = [] if value is None else ([value] if isinstance(value, str) else list(value))
        allowed = [o["value"] for o in comp.get("options", [])]
        low = comp.get("min_values", 1 if comp.get("required", True) else 0)
        high = comp.get("max_values", 1)
        if any(v not in allowed for v in picked) or not low <= len(picked) <= high:
            raise EmulatorError(f"cannot pick {picked!r} in modal select {name!r}")
        return {
            "type": COMPONENT_STRING_SELECT,
            "id": comp["id"],
            "custom_id": custom_id,
            "values": picked,
        }
    if ctype in SELECT_TYPES:
        raise EmulatorError(f"modal select type {ctype} is not supported by the emulator yet")
    raise EmulatorError(f"modal input type {ctype} is not supported by the emulator yet")
