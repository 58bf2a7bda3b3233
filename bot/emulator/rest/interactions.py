"""REST: interaction callbacks and the interaction webhook (follow-ups, @original).

Modelled rules (receiving-and-responding.mdx):

* The initial callback must arrive within `emu.initial_response_deadline` (3 s) of the
  INTERACTION_CREATE, otherwise the interaction is gone: 404 / 10062 Unknown interaction.
  A second callback: 400 / 40060 "Interaction has already been acknowledged."
* Autocomplete choices carry values of the focused option's type (string, integer or
  number); anything else is a 400 / 50035 on ``data.choices.N.value``.
* ``?with_response=true`` returns the interaction callback response object
  ``{interaction: {...}, resource: {type, message?}}``; without it, 204.
* Webhook endpoints need an acknowledged interaction (404 / 10015 Unknown Webhook before
  that or for unknown tokens) and a token younger than 15 minutes (401 / 50027 after).
* A follow-up sent right after a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE edits the loading
  message instead of creating a new one (documented backwards compatibility); its
  ephemeral flag is ignored in that case.
* For component interactions answered with 6/7, ``@original`` is the component's message.
* Messages from interactions/webhooks parse only user mentions by default.
"""

from __future__ import annotations

from typing import Any

from ..errors import (
    FormErrors,
    already_acknowledged,
    empty_message,
    invalid_webhook_token,
    unknown_interaction,
    unknown_message,
    unknown_webhook,
)
from ..interactions import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    CALLBACK_AUTOCOMPLETE_RESULT,
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_UPDATE_MESSAGE,
    CALLBACK_MODAL,
    CALLBACK_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    PING,
    Interaction,
)
from ..limits import (
    SETTABLE_INTERACTION_FLAGS,
    validate_autocomplete,
    validate_message,
    validate_modal,
)
from ..mentions import DEFAULT_INTERACTION
from ..messages import (
    FLAG_EPHEMERAL,
    FLAG_LOADING,
    TYPE_CHAT_INPUT_COMMAND,
    TYPE_CONTEXT_MENU_COMMAND,
    TYPE_DEFAULT,
    Message,
    assign_component_ids,
)
from ..server import Ctx, Reply, RouteDef
from ..world import Channel, Guild
from .messages import WEBHOOK_PARTS, has_payload, message_body

MESSAGE_CALLBACKS = {CALLBACK_CHANNEL_MESSAGE, CALLBACK_UPDATE_MESSAGE}


def _where(ctx: Ctx, interaction: Interaction) -> tuple[Guild, Channel, int]:
    found = ctx.emu.world.find_channel(interaction.channel_id)
    assert found is not None
    guild, channel = found
    return guild, channel, guild.permissions_for(ctx.emu.bot_user, channel)


def _allowed_callbacks(interaction: Interaction) -> set[int]:
    if interaction.type == PING:
        return {1}
    if interaction.type == APPLICATION_COMMAND_AUTOCOMPLETE:
        return {CALLBACK_AUTOCOMPLETE_RESULT}
    allowed = {CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE}
    from_message = interaction.type == MESSAGE_COMPONENT or (
        interaction.type == MODAL_SUBMIT and interaction.message is not None
    )
    if from_message:
        allowed |= {CALLBACK_DEFERRED_UPDATE_MESSAGE, CALLBACK_UPDATE_MESSAGE}
    if interaction.type != MODAL_SUBMIT:
        allowed.add(CALLBACK_MODAL)
    return allowed


def _focused_type(interaction: Interaction) -> int | None:
    """The type of the option being typed into (autocomplete), found among nested options."""
    options = (interaction.payload.get("data") or {}).get("options") or []
    while options:
        focused = next((o for o in options if o.get("focused")), None)
        if focused is not None:
            return focused.get("type")
        options = next((o.get("options") or [] for o in options if "options" in o), [])
    return None


def _message_type(interaction: Interaction) -> int:
    if interaction.type == APPLICATION_COMMAND:
        return (
            TYPE_CHAT_INPUT_COMMAND if interaction.command_type == 1 else TYPE_CONTEXT_MENU_COMMAND
        )
    return TYPE_DEFAULT


def _legacy_interaction(interaction: Interaction, guild: Guild) -> dict[str, Any] | None:
    if interaction.type != APPLICATION_COMMAND:
        return None
    member = guild.member(interaction.user)
    data: dict[str, Any] = {
        "id": str(interaction.id),
        "type": interaction.type,
        "name": interaction.name,
        "user": interaction.user.to_dict(),
    }
    if member is not None:
        data["member"] = member.to_dict(with_user=False)
    return data


def _new_message(
    ctx: Ctx, interaction: Interaction, body: dict[str, Any], *, flags: int, followup: bool
) -> Message:
    emu = ctx.emu
    guild, channel, perms = _where(ctx, interaction)
    metadata = interaction.metadata()
    if followup and interaction.original is not None:
        metadata["original_response_message_id"] = str(interaction.original.id)
    return emu.compose_message(
        guild=guild,
        channel=channel,
        author=emu.bot_user,
        body=body,
        files=ctx.files,
        default_mentions=DEFAULT_INTERACTION,
        author_permissions=perms,
        flags=flags,
        type=_message_type(interaction),
        webhook_id=emu.application_id,
        application_id=emu.application_id,
        interaction_metadata=metadata,
        interaction=_legacy_interaction(interaction, guild),
        interaction_id=interaction.id,
    )


async def create_callback(ctx: Ctx) -> Reply:
    emu = ctx.emu
    interaction = emu.interactions.get(ctx.snowflake("interaction_id"))
    if interaction is None or interaction.token != ctx.params["interaction_token"]:
        raise unknown_interaction()
    body = ctx.json
    if not isinstance(body, dict) or not isinstance(body.get("type"), int):
        errors = FormErrors()
        errors.required(("type",))
        errors.raise_if_any()
    if interaction.responded:
        raise already_acknowledged()
    if emu.clock.now() - interaction.created_at > emu.initial_response_deadline:
        raise unknown_interaction()  # the 3 second window is over; the token is invalidated
    cb_type: int = body["type"]
    data = body.get("data") or {}
    errors = FormErrors()
    if cb_type not in _allowed_callbacks(interaction):
        errors.add(
            ("type",),
            "INTERACTION_CALLBACK_TYPE_INVALID",
            f"Interaction callback type {cb_type} is not valid for interaction type "
            f"{interaction.type}.",
        )
    elif cb_type in MESSAGE_CALLBACKS:
        validate_message(data, errors, ("data",))
    elif cb_type == CALLBACK_AUTOCOMPLETE_RESULT:
        validate_autocomplete(body.get("data"), errors, option_type=_focused_type(interaction))
    elif cb_type == CALLBACK_MODAL:
        validate_modal(body.get("data"), errors)
    errors.raise_if_any()
    if cb_type == CALLBACK_CHANNEL_MESSAGE and not has_payload(data, ctx.files, WEBHOOK_PARTS):
        raise empty_message()

    message: Message | None = None
    if cb_type == CALLBACK_CHANNEL_MESSAGE:
        flags = int(data.get("flags") or 0) & SETTABLE_INTERACTION_FLAGS
        message = _new_message(ctx, interaction, data, flags=flags, followup=False)
        emu.store(message)
        interaction.original = message
    elif cb_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
        flags = FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)
        message = _new_message(ctx, interaction, {}, flags=flags, followup=False)
        emu.store(message)
        interaction.original = message
    elif cb_type == CALLBACK_DEFERRED_UPDATE_MESSAGE:
        interaction.original = interaction.message
    elif cb_type == CALLBACK_UPDATE_MESSAGE:
        assert interaction.message is not None
        message = interaction.message
        _guild, _channel, perms = _where(ctx, interaction)
        emu.apply_edit(
            message,
            data,
            ctx.files,
            default_mentions=DEFAULT_INTERACTION,
            author_permissions=perms,
        )
        interaction.original = message
    elif cb_type == CALLBACK_AUTOCOMPLETE_RESULT:
        interaction.choices = list(body["data"]["choices"])
    elif cb_type == CALLBACK_MODAL:
        modal = dict(body["data"])
        modal["components"] = assign_component_ids(modal["components"])
        interaction.modal = modal

    interaction.callback_type = cb_type
    interaction.callback_data = body.get("data") or {}
    interaction.callback_at = emu.clock.now()
    if message is not None:
        if cb_type == CALLBACK_UPDATE_MESSAGE:
            await emu.publish_update(message)
        else:
            await emu.publish_create(message)

    if not ctx.flag("with_response"):
        return 204, None
    info: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
    resource: dict[str, Any] = {"type": cb_type}
    if message is not None:
        info["response_message_id"] = str(message.id)
        info["response_message_loading"] = message.loading
        info["response_message_ephemeral"] = message.ephemeral
        if cb_type in MESSAGE_CALLBACKS:
            resource["message"] = message.to_dict()
    return 200, {"interaction": info, "resource": resource}


# -- webhook ------------------------------------------------------------------------------


def _webhook_interaction(ctx: Ctx) -> Interaction:
    emu = ctx.emu
    interaction = emu.interactions_by_token.get(ctx.params["interaction_token"])
    if interaction is None or ctx.params["application_id"] != str(emu.application_id):
        raise unknown_webhook()
    if emu.clock.now() - interaction.created_at > emu.token_lifetime:
        raise invalid_webhook_token()
    if not interaction.responded:
        raise unknown_webhook()
    return interaction


def _target(ctx: Ctx, interaction: Interaction) -> Message:
    key = ctx.params["message_id"]
    if key == "@original":
        msg = interaction.original
        if msg is None or interaction.original_deleted or msg.deleted:
            raise unknown_message()
        return msg
    if not key.isdigit():
        raise unknown_message()
    for msg in interaction.followups:
        if msg.id == int(key) and not msg.deleted:
            return msg
    original = interaction.original
    if original is not None and original.id == int(key) and not interaction.original_deleted:
        return original
    raise unknown_message()


async def _edit(ctx: Ctx, interaction: Interaction, msg: Message, body: dict[str, Any]) -> None:
    emu = ctx.emu
    _guild, _channel, perms = _where(ctx, interaction)
    if msg.loading and not has_payload(body, ctx.files, WEBHOOK_PARTS):
        raise empty_message()  # filling a "thinking" message with nothing
    emu.apply_edit(
        msg, body, ctx.files, default_mentions=DEFAULT_INTERACTION, author_permissions=perms
    )
    msg.flags &= ~FLAG_LOADING
    if msg is interaction.original:
        interaction.original_edits += 1
    await emu.publish_update(msg)


async def execute(ctx: Ctx) -> Reply:
    emu = ctx.emu
    interaction = _webhook_interaction(ctx)
    body = message_body(ctx)
    if not has_payload(body, ctx.files, WEBHOOK_PARTS):
        raise empty_message()
    original = interaction.original
    if (
        interaction.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE
        and original is not None
        and original.loading
        and not interaction.original_deleted
    ):
        # Documented compatibility: the first follow-up after a defer fills the loading message.
        body = {k: v for k, v in body.items() if k != "flags"}
        await _edit(ctx, interaction, original, body)
        return 200, original.to_dict()
    flags = int(body.get("flags") or 0) & SETTABLE_INTERACTION_FLAGS
    msg = _new_message(ctx, interaction, body, flags=flags, followup=True)
    emu.store(msg)
    interaction.followups.append(msg)
    await emu.publish_create(msg)
    return 200, msg.to_dict()


async def get_webhook_message(ctx: Ctx) -> Reply:
    interaction = _webhook_interaction(ctx)
    return 200, _target(ctx, interaction).to_dict()


async def edit_webhook_message(ctx: Ctx) -> Reply:
    interaction = _webhook_interaction(ctx)
    body = message_body(ctx)
    msg = _target(ctx, interaction)
    await _edit(ctx, interaction, msg, body)
    return 200, msg.to_dict()


async def delete_webhook_message(ctx: Ctx) -> Reply:
    interaction = _webhook_interaction(ctx)
    msg = _target(ctx, interaction)
    msg.deleted = True
    if msg is interaction.original:
        interaction.original_deleted = True
    await ctx.emu.publish_delete(msg)
    return 204, None


ROUTES = [
    RouteDef(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        create_callback,
        auth=False,
    ),
    RouteDef("POST", "/webhooks/{application_id}/{interaction_token}", execute, auth=False),
    RouteDef(
        "GET",
        "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
        get_webhook_message,
        auth=False,
    ),
    RouteDef(
        "PATCH",
        "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
        edit_webhook_message,
        auth=False,
    ),
    RouteDef(
        "DELETE",
        "/webhooks/{application_id}/{interaction_token}/messages/{message_id}",
        delete_webhook_message,
        auth=False,
    ),
]
