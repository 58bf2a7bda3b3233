"""Payload validation against Discord's documented limits.

Each `validate_*` function adds problems to a `FormErrors` under the JSON path Discord
would report (e.g. ``embeds.0.fields.3.value``); the caller raises 400 / 50035.  Only
cheap, documented checks are done: lengths, counts, required fields, URL schemes, basic
component layout, command naming.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from .errors import ApiError, FormErrors, Path
from .mentions import validate_allowed_mentions
from .messages import (
    COMPONENT_ACTION_ROW,
    COMPONENT_BUTTON,
    COMPONENT_LABEL,
    COMPONENT_STRING_SELECT,
    COMPONENT_TEXT_DISPLAY,
    COMPONENT_TEXT_INPUT,
    FLAG_IS_COMPONENTS_V2,
    SELECT_TYPES,
    walk_components,
)

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
NONCE_MAX = 25
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
INTEGER_MAX = 2**53 - 1  # INTEGER options and their choices: -(2^53 - 1) … 2^53 - 1
NUMBER_MAX = 2**53  # NUMBER options and their choices: -2^53 … 2^53
OPTION_STRING, OPTION_INTEGER, OPTION_NUMBER = 3, 4, 10
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
LABEL_MAX = 45
LABEL_DESCRIPTION_MAX = 100
TEXT_INPUT_MAX = 4000
PLACEHOLDER_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTIONS_MAX = 25
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_TOTAL_MAX = 8000
# How many commands of each type (chat input, user, message) one scope may hold.
COMMANDS_PER_TYPE_MAX = {1: 100, 2: 15, 3: 15}

SETTABLE_MESSAGE_FLAGS = 1 << 2 | 1 << 12 | 1 << 13 | 1 << 15
SETTABLE_INTERACTION_FLAGS = SETTABLE_MESSAGE_FLAGS | 1 << 6


def _len(value: Any) -> int:
    # Discord trims leading/trailing whitespace before measuring embed text.
    return len(value.strip()) if isinstance(value, str) else 0


def _is_str(value: Any, errors: FormErrors, path: Path) -> bool:
    if value is None:
        return False
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_STRING", "Must be a string.")
        return False
    return True


def _check_text(
    value: Any, errors: FormErrors, path: Path, limit: int, *, required: bool = False
) -> None:
    """A string of at most `limit` characters, if given (it must be, if `required`)."""
    if required and not value:
        errors.required(path)
    elif _is_str(value, errors, path) and len(value) > limit:
        errors.max_length(path, limit)


def _check_url(value: Any, errors: FormErrors, path: Path, *, attachment_ok: bool) -> None:
    if not _is_str(value, errors, path):
        return
    schemes = ("http://", "https://") + (("attachment://",) if attachment_ok else ())
    if not value.startswith(schemes) or len(value) <= len(value.split("//")[0]) + 2:
        errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.")
    elif len(value) > 2048:
        errors.max_length(path, 2048)


# -- messages ---------------------------------------------------------------------------------


def validate_message(
    body: dict[str, Any],
    errors: FormErrors,
    path: Path = (),
) -> None:
    """Validate a create/edit message body (or interaction callback message data)."""
    if not isinstance(body, dict):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    _check_text(body.get("content"), errors, (*path, "content"), CONTENT_MAX)
    if body.get("embeds") is not None:
        validate_embeds(body["embeds"], errors, (*path, "embeds"))
    validate_allowed_mentions(body.get("allowed_mentions"), errors, (*path, "allowed_mentions"))
    flags = body.get("flags")
    if flags is not None and not isinstance(flags, int):
        errors.add((*path, "flags"), "NUMBER_TYPE_COERCE", f"Value {flags!r} is not int.")
        flags = 0
    flags = flags or 0
    if body.get("components") is not None:
        validate_message_components(
            body["components"],
            errors,
            (*path, "components"),
            v2=bool(flags & FLAG_IS_COMPONENTS_V2),
        )
    if flags & FLAG_IS_COMPONENTS_V2:
        for key in ("content", "embeds", "poll", "sticker_ids"):
            if body.get(key):
                errors.add(
                    (*path, key),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content', 'embeds', 'sticker_ids' and 'poll' fields cannot be used "
                    "when using MessageFlags.IS_COMPONENTS_V2",
                )
    nonce = body.get("nonce")
    if isinstance(nonce, str) and len(nonce) > NONCE_MAX:
        errors.max_length((*path, "nonce"), NONCE_MAX)


def validate_embeds(embeds: Any, errors: FormErrors, path: Path) -> None:
    if not isinstance(embeds, list):
        errors.bad_type(path, "a list")
        return
    if len(embeds) > EMBEDS_MAX:
        errors.max_length(path, EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        p = (*path, i)
        if not isinstance(embed, dict):
            errors.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        total += _validate_embed(embed, errors, p)
    if total > EMBED_TOTAL_MAX:
        errors.add(
            path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
        )


def _validate_embed(embed: dict[str, Any], errors: FormErrors, p: Path) -> int:
    """Checks one embed, returns its character count towards the 6000 total."""
    total = 0
    for key, limit in (("title", EMBED_TITLE_MAX), ("description", EMBED_DESCRIPTION_MAX)):
        if _is_str(embed.get(key), errors, (*p, key)):
            total += _len(embed[key])
            if _len(embed[key]) > limit:
                errors.max_length((*p, key), limit)
    if embed.get("url") is not None:
        _check_url(embed["url"], errors, (*p, "url"), attachment_ok=False)
    color = embed.get("color")
    if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
        errors.add(
            (*p, "color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."
        )
    timestamp = embed.get("timestamp")
    if timestamp is not None:
        try:
            dt.datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
        except ValueError:
            errors.add(
                (*p, "timestamp"),
                "DATE_TYPE_PARSE",
                f"Could not parse {timestamp}. Should be ISO8601.",
            )
    fields = embed.get("fields")
    if fields is not None:
        if not isinstance(fields, list):
            errors.bad_type((*p, "fields"), "a list")
            fields = []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.max_length((*p, "fields"), EMBED_FIELDS_MAX)
        for j, fld in enumerate(fields):
            fp = (*p, "fields", j)
            if not isinstance(fld, dict):
                errors.add(fp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
                continue
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                total += _required_embed_text(fld.get(key), errors, (*fp, key), limit)
    footer = embed.get("footer")
    if isinstance(footer, dict):
        text_path = (*p, "footer", "text")
        total += _required_embed_text(footer.get("text"), errors, text_path, EMBED_FOOTER_MAX)
        if footer.get("icon_url") is not None:
            _check_url(footer["icon_url"], errors, (*p, "footer", "icon_url"), attachment_ok=True)
    author = embed.get("author")
    if isinstance(author, dict):
        name_path = (*p, "author", "name")
        total += _required_embed_text(author.get("name"), errors, name_path, EMBED_AUTHOR_MAX)
        if author.get("url") is not None:
            _check_url(author["url"], errors, (*p, "author", "url"), attachment_ok=False)
        if author.get("icon_url") is not None:
            _check_url(author["icon_url"], errors, (*p, "author", "icon_url"), attachment_ok=True)
    for key in ("image", "thumbnail"):
        media = embed.get(key)
        if isinstance(media, dict):
            if media.get("url") is None:
                errors.required((*p, key, "url"))
            else:
                _check_url(media["url"], errors, (*p, key, "url"), attachment_ok=True)
    return total


def _required_embed_text(value: Any, errors: FormErrors, path: Path, limit: int) -> int:
    """Checks a text an embed part cannot do without (a field's name or value, the footer's
    text, the author's name); returns its length towards the 6000 total."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.required(path)
        return 0
    if not _is_str(value, errors, path):
        return 0
    if _len(value) > limit:
        errors.max_length(path, limit)
    return _len(value)


def validate_message_components(
    components: Any, errors: FormErrors, path: Path, *, v2: bool
) -> None:
    if not isinstance(components, list):
        errors.bad_type(path, "a list")
        return
    if not v2 and len(components) > 5:
        errors.max_length(path, 5)
    if v2 and sum(1 for _ in walk_components(components)) > 40:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")
    custom_ids: set[str] = set()
    for i, comp in enumerate(components):
        p = (*path, i)
        if not isinstance(comp, dict):
            errors.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        if not v2 and comp.get("type") != COMPONENT_ACTION_ROW:
            errors.add(
                (*p, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).'
            )
            continue
        if comp.get("type") == COMPONENT_ACTION_ROW:
            _validate_action_row(comp, errors, p, custom_ids)
    for comp in walk_components(components):
        if comp.get("type") == COMPONENT_TEXT_INPUT:
            errors.add(path, "COMPONENT_TYPE_INVALID", "Text inputs cannot be used in messages.")


def _validate_action_row(
    row: dict[str, Any], errors: FormErrors, p: Path, custom_ids: set[str]
) -> None:
    children = row.get("components")
    if not isinstance(children, list) or not children:
        errors.bad_length((*p, "components"), 1, 5)
        return
    if len(children) > 5:
        errors.bad_length((*p, "components"), 1, 5)
    kinds = {c.get("type") for c in children if isinstance(c, dict)}
    if kinds & SELECT_TYPES and len(children) > 1:
        errors.add(
            (*p, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for j, child in enumerate(children):
        cp = (*p, "components", j)
        if not isinstance(child, dict):
            continue
        ctype = child.get("type")
        if ctype == COMPONENT_BUTTON:
            _validate_button(child, errors, cp)
        elif ctype in SELECT_TYPES:
            _validate_select(child, errors, cp)
        _check_unique_custom_id(child.get("custom_id"), errors, (*cp, "custom_id"), custom_ids)


def _validate_button(button: dict[str, Any], errors: FormErrors, p: Path) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        errors.add((*p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
        return
    if style == 5:
        if button.get("url") is None:
            errors.required((*p, "url"))
        else:
            _check_url(button["url"], errors, (*p, "url"), attachment_ok=False)
        if button.get("custom_id") is not None:
            errors.add(
                (*p, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A custom id cannot be specified for a link button",
            )
    elif style != 6:
        _check_custom_id(button.get("custom_id"), errors, (*p, "custom_id"))
    label = button.get("label")
    _check_text(label, errors, (*p, "label"), BUTTON_LABEL_MAX)
    if style != 6 and not label and not button.get("emoji"):
        errors.add(
            p, "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI", "A label or emoji must be specified."
        )


def _validate_select(select: dict[str, Any], errors: FormErrors, p: Path) -> None:
    _check_custom_id(select.get("custom_id"), errors, (*p, "custom_id"))
    _check_text(select.get("placeholder"), errors, (*p, "placeholder"), SELECT_PLACEHOLDER_MAX)
    if select.get("type") == COMPONENT_STRING_SELECT:
        options = select.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS_MAX:
            errors.bad_length((*p, "options"), 1, SELECT_OPTIONS_MAX)
            return
        for k, opt in enumerate(options):
            for key in ("label", "value", "description"):
                value = opt.get(key) if isinstance(opt, dict) else None
                if key != "description" and not value:
                    errors.required((*p, "options", k, key))
                elif isinstance(value, str) and len(value) > 100:
                    errors.max_length((*p, "options", k, key), 100)
    for key in ("min_values", "max_values"):
        value = select.get(key)
        if value is not None and not (0 if key == "min_values" else 1) <= value <= 25:
            errors.add(
                (*p, key), "NUMBER_TYPE_MAX", "int value should be less than or equal to 25."
            )


def _check_custom_id(value: Any, errors: FormErrors, path: Path) -> None:
    if value is None or value == "":
        errors.required(path)
    elif _is_str(value, errors, path) and len(value) > CUSTOM_ID_MAX:
        errors.max_length(path, CUSTOM_ID_MAX)


def _check_unique_custom_id(custom_id: Any, errors: FormErrors, path: Path, seen: set[str]) -> None:
    """Custom ids must be unique within one message or modal; `seen` holds the earlier ones."""
    if not isinstance(custom_id, str):
        return
    if custom_id in seen:
        errors.add(
            path, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"
        )
    seen.add(custom_id)


# -- interaction callbacks ---------------------------------------------------------------


def validate_autocomplete(
    data: Any, errors: FormErrors, path: Path = ("data",), *, option_type: int | None = None
) -> None:
    """Choices answering an autocomplete; `option_type` is the type of the focused option,
    which every choice's value must have."""
    if not isinstance(data, dict):
        errors.required(path)
        return
    choices = data.get("choices")
    if not isinstance(choices, list):
        errors.required((*path, "choices"))
        return
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        errors.max_length((*path, "choices"), AUTOCOMPLETE_CHOICES_MAX)
    for i, choice in enumerate(choices):
        _validate_choice(choice, errors, (*path, "choices", i), option_type)


def _validate_choice(choice: Any, errors: FormErrors, p: Path, option_type: int | None) -> None:
    if not isinstance(choice, dict):
        errors.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    name = choice.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= CHOICE_NAME_MAX:
        errors.bad_length((*p, "name"), 1, CHOICE_NAME_MAX)
    value = choice.get("value")
    if value is None:
        errors.required((*p, "value"))
    elif isinstance(value, str) and len(value) > CHOICE_VALUE_MAX:
        errors.max_length((*p, "value"), CHOICE_VALUE_MAX)
    else:
        _check_choice_value_type(value, errors, (*p, "value"), option_type)


def _check_choice_value_type(value: Any, errors: FormErrors, p: Path, option_type: Any) -> None:
    """A choice's value has its option's type: a string, an integer or a number."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if option_type == OPTION_STRING and not isinstance(value, str):
        errors.add(p, "BASE_TYPE_STRING", "Must be a string.")
    elif option_type == OPTION_INTEGER and not (isinstance(value, int) and is_number):
        errors.add(p, "NUMBER_TYPE_COERCE", f"Value {json.dumps(value)} is not int.")
    elif option_type == OPTION_INTEGER and abs(value) > INTEGER_MAX:
        errors.add(
            p, "NUMBER_TYPE_MAX", f"int value should be between -{INTEGER_MAX} and {INTEGER_MAX}."
        )
    elif option_type == OPTION_NUMBER and not is_number:
        errors.add(p, "NUMBER_TYPE_COERCE", f"Value {json.dumps(value)} is not a valid number.")
    elif option_type == OPTION_NUMBER and abs(value) > NUMBER_MAX:
        errors.add(
            p, "NUMBER_TYPE_MAX", f"Number value should be between -{NUMBER_MAX} and {NUMBER_MAX}."
        )


def validate_modal(data: Any, errors: FormErrors, path: Path = ("data",)) -> None:
    if not isinstance(data, dict):
        errors.required(path)
        return
    _check_custom_id(data.get("custom_id"), errors, (*path, "custom_id"))
    _check_text(data.get("title"), errors, (*path, "title"), MODAL_TITLE_MAX, required=True)
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        errors.bad_length((*path, "components"), 1, MODAL_COMPONENTS_MAX)
        return
    custom_ids: set[str] = set()
    for i, comp in enumerate(components):
        p = (*path, "components", i)
        ctype = comp.get("type") if isinstance(comp, dict) else None
        if ctype == COMPONENT_ACTION_ROW:
            children = comp.get("components")
            if not isinstance(children, list) or len(children) != 1:
                errors.bad_length((*p, "components"), 1, 1)
                continue
            _validate_modal_input(children[0], errors, (*p, "components", 0), custom_ids, True)
        elif ctype == COMPONENT_LABEL:
            _check_text(comp.get("label"), errors, (*p, "label"), LABEL_MAX, required=True)
            desc = comp.get("description")
            _check_text(desc, errors, (*p, "description"), LABEL_DESCRIPTION_MAX)
            child = comp.get("component")
            if not isinstance(child, dict):
                errors.required((*p, "component"))
                continue
            _validate_modal_input(child, errors, (*p, "component"), custom_ids, False)
        elif ctype == COMPONENT_TEXT_DISPLAY:
            if not comp.get("content"):
                errors.required((*p, "content"))
        else:
            errors.add(
                (*p, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1, 10, 18).',
            )


def _validate_modal_input(
    comp: Any, errors: FormErrors, p: Path, custom_ids: set[str], needs_label: bool
) -> None:
    if not isinstance(comp, dict):
        errors.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    custom_id = comp.get("custom_id")
    _check_custom_id(custom_id, errors, (*p, "custom_id"))
    _check_unique_custom_id(custom_id, errors, (*p, "custom_id"), custom_ids)
    ctype = comp.get("type")
    if ctype == COMPONENT_TEXT_INPUT:
        if comp.get("style") not in (1, 2):
            errors.add((*p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
        _check_text(comp.get("label"), errors, (*p, "label"), LABEL_MAX, required=needs_label)
        for key, low, high in (("min_length", 0, 4000), ("max_length", 1, 4000)):
            value = comp.get(key)
            if value is not None and (not isinstance(value, int) or not low <= value <= high):
                errors.add(
                    (*p, key),
                    "NUMBER_TYPE_MAX",
                    f"int value should be between {low} and {high}.",
                )
        _check_text(comp.get("value"), errors, (*p, "value"), TEXT_INPUT_MAX)
        _check_text(comp.get("placeholder"), errors, (*p, "placeholder"), PLACEHOLDER_MAX)
    elif ctype in SELECT_TYPES:
        _validate_select(comp, errors, p)
    elif ctype == COMPONENT_BUTTON:
        errors.add((*p, "type"), "COMPONENT_TYPE_INVALID", "Buttons cannot be used in modals.")


# -- application commands ---------------------------------------------------------------


def check_command_counts(commands: list[Any]) -> None:
    """A scope holds at most 100 chat input, 15 user and 15 message commands: 400 / 30032."""
    counts: dict[Any, int] = {}
    for cmd in commands:
        ctype = cmd.get("type", 1) if isinstance(cmd, dict) else None
        counts[ctype] = counts.get(ctype, 0) + 1
    for ctype, limit in COMMANDS_PER_TYPE_MAX.items():
        if counts.get(ctype, 0) > limit:
            raise ApiError(400, 30032, f"Maximum number of application commands reached ({limit})")


def valid_command_name(name: str, *, chat_input: bool) -> bool:
    if not chat_input:
        return 1 <= len(name) <= COMMAND_NAME_MAX
    if not 1 <= len(name) <= COMMAND_NAME_MAX:
        return False
    for ch in name:
        if ch in "-_'":
            continue
        category = unicodedata.category(ch)
        # \p{L}, \p{N}, plus combining marks used by Devanagari and Thai scripts.
        if not (category[0] in "LN" or (category[0] == "M" and _indic_or_thai(ch))):
            return False
        if ch.lower() != ch:
            return False
    return True


def _indic_or_thai(ch: str) -> bool:
    return 0x0900 <= ord(ch) <= 0x097F or 0x0E00 <= ord(ch) <= 0x0E7F


def validate_commands(commands: Any, errors: FormErrors) -> None:
    """Validate a bulk-overwrite body (list of application commands)."""
    if not isinstance(commands, list):
        errors.bad_type((), "a list")
        return
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        if not isinstance(cmd, dict):
            errors.add((i,), "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        ctype = cmd.get("type", 1)
        name = cmd.get("name")
        if ctype not in (1, 2, 3, 4):
            errors.add((i, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
        if not isinstance(name, str) or not valid_command_name(name, chat_input=ctype == 1):
            errors.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        elif (ctype, name) in seen:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        else:
            seen.add((ctype, name))
        description = cmd.get("description", "")
        if ctype == 1:
            if not isinstance(description, str) or not 1 <= len(description) <= 100:
                errors.bad_length((i, "description"), 1, COMMAND_DESCRIPTION_MAX)
            _validate_options(cmd.get("options") or [], errors, (i, "options"), depth=0)
            if _command_size(cmd) > COMMAND_TOTAL_MAX:
                errors.add(
                    (i,),
                    "APPLICATION_COMMAND_TOO_LARGE",
                    f"Command exceeds maximum size ({COMMAND_TOTAL_MAX})",
                )
        elif cmd.get("options"):
            errors.add(
                (i, "options"),
                "APPLICATION_COMMAND_OPTIONS_INVALID",
                "Only chat input commands can have options",
            )
        dmp = cmd.get("default_member_permissions")
        if dmp is not None and not str(dmp).isdigit():
            errors.add(
                (i, "default_member_permissions"), "NUMBER_TYPE_COERCE", f"Value {dmp} is not int."
            )


def _validate_options(options: Any, errors: FormErrors, path: Path, *, depth: int) -> None:
    if not isinstance(options, list):
        errors.bad_type(path, "a list")
        return
    if len(options) > COMMAND_OPTIONS_MAX:
        errors.max_length(path, COMMAND_OPTIONS_MAX)
    names: set[str] = set()
    optional_seen = False
    kinds = set()
    for j, opt in enumerate(options):
        p = (*path, j)
        if not isinstance(opt, dict):
            errors.add(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        otype = opt.get("type")
        kinds.add("sub" if otype in (1, 2) else "value")
        name = opt.get("name")
        if not isinstance(name, str) or not valid_command_name(name, chat_input=True):
            errors.add((*p, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        elif name in names:
            errors.add(
                (*p, "name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        else:
            names.add(name)
        description = opt.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 100:
            errors.bad_length((*p, "description"), 1, COMMAND_DESCRIPTION_MAX)
        if otype not in range(1, 12):
            errors.add((*p, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1..11}.")
            continue
        if otype in (1, 2):
            if (otype == 2 and depth > 0) or depth > 1:
                errors.add(
                    (*p, "type"),
                    "APPLICATION_COMMAND_OPTION_NESTING",
                    "Sub-command groups and sub-commands cannot be nested this deeply",
                )
            _validate_options(opt.get("options") or [], errors, (*p, "options"), depth=depth + 1)
            continue
        if opt.get("required"):
            if optional_seen:
                errors.add(
                    (*p, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = opt.get("choices")
        if choices:
            if otype not in (3, 4, 10):
                errors.add(
                    (*p, "choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                    "Choices are only allowed for string, integer and number options",
                )
            if len(choices) > 25:
                errors.max_length((*p, "choices"), 25)
            if opt.get("autocomplete"):
                errors.add(
                    (*p, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                    "Autocomplete cannot be enabled for options with choices",
                )
            for k, choice in enumerate(choices):
                _validate_choice(choice, errors, (*p, "choices", k), otype)
        for key, low, high in (("min_length", 0, 6000), ("max_length", 1, 6000)):
            value = opt.get(key)
            if value is not None and not low <= value <= high:
                errors.add(
                    (*p, key), "NUMBER_TYPE_MAX", f"int value should be between {low} and {high}."
                )
    if len(kinds) > 1:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all "
            "other types",
        )


def _command_size(cmd: dict[str, Any]) -> int:
    size = len(cmd.get("name") or "") + len(cmd.get("description") or "")
    for opt in cmd.get("options") or []:
        if isinstance(opt, dict):
            size += _command_size(opt)
            for choice in opt.get("choices") or []:
                if isinstance(choice, dict):
                    size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size
