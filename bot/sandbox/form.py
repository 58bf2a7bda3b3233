"""A form (modal) the bot opened, asked one field at a time at the prompt.

In a terminal a paragraph field takes several lines and ends with an empty line. Piped, every
field is one line, and the two characters `\\n` in it become a line break.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.commandline import not_utf8

TEXT_INPUT = 4
PARAGRAPH = 2

PARAGRAPH_HINT = " (paragraph; end with an empty line)"
OPTIONAL_HINT = " (optional)"
KEEP_HINT = " (empty keeps: {value})"
REQUIRED = "{label} is required."
TOO_SHORT = "{label} needs at least {limit} characters; that was {length}."
TOO_LONG = "{label} can be at most {limit} characters; that was {length}."
NOT_UTF8 = "{label} is not all UTF-8 text, so Discord could not send it."
OPENED = "The bot opened a form: {title}. Fill in each field{how}."
HOW_INTERACTIVE = " (an empty line leaves an optional field empty; Ctrl-C cancels)"
CANCELLED = "The form was closed without sending it."
NOT_SENT = "The form was not sent: {problem}"


@dataclass(frozen=True, slots=True)
class FormField:
    custom_id: str
    label: str
    paragraph: bool = False
    required: bool = True
    min_length: int = 0
    max_length: int = 4000
    placeholder: str = ""
    value: str = ""  # what the bot filled in beforehand

    def prompt(self, *, interactive: bool) -> str:
        hints = ""
        if self.paragraph and interactive:
            hints += PARAGRAPH_HINT
        if not self.required:
            hints += OPTIONAL_HINT
        if self.value:
            hints += KEEP_HINT.format(value=self.value.replace("\n", "\\n"))
        return f"{self.label}{hints}: "

    def answer(self, typed: str) -> str:
        """What the field holds after `typed`: an empty answer keeps what the bot filled in."""
        return typed or self.value

    def problem(self, value: str) -> str | None:
        """Why Discord's form would refuse `value`, or None if it is fine."""
        if not value:
            return REQUIRED.format(label=self.label) if self.required else None
        if not_utf8(value):
            return NOT_UTF8.format(label=self.label)
        if len(value) < self.min_length:
            return TOO_SHORT.format(label=self.label, limit=self.min_length, length=len(value))
        if len(value) > self.max_length:
            return TOO_LONG.format(label=self.label, limit=self.max_length, length=len(value))
        return None


@dataclass(frozen=True, slots=True)
class Form:
    title: str
    fields: tuple[FormField, ...]

    @classmethod
    def from_modal(cls, modal: Mapping[str, Any]) -> Form:
        """From the modal the bot sent: action rows or labels, each around one text input."""
        fields = []
        for row in modal.get("components") or ():
            label = row.get("label")
            for item in [row.get("component") or {}, *(row.get("components") or ())]:
                if item.get("type") == TEXT_INPUT:
                    fields.append(_field(item, item.get("label") or label or item["custom_id"]))
        return cls(modal.get("title", ""), tuple(fields))


def _field(item: Mapping[str, Any], label: str) -> FormField:
    return FormField(
        custom_id=item["custom_id"],
        label=label,
        paragraph=item.get("style") == PARAGRAPH,
        required=item.get("required", True),
        min_length=item.get("min_length", 0),
        max_length=item.get("max_length", 4000),
        placeholder=item.get("placeholder", ""),
        value=item.get("value", ""),
    )


def piped_value(line: str) -> str:
    """A field read from a piped line: `\\n` stands for a line break."""
    return line.rstrip("\r\n").replace("\\n", "\n")
