"""Forms the bot opens, as fields to ask for one at a time."""

from __future__ import annotations

from bot.sandbox.form import Form, FormField, piped_value


def test_fields_come_from_action_rows_and_labels():
    modal = {
        "title": "New announcement",
        "custom_id": "m",
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 4, "custom_id": "t", "label": "Title", "style": 1, "max_length": 256}
                ],
            },
            {
                "type": 18,
                "label": "Message",
                "component": {
                    "type": 4,
                    "custom_id": "b",
                    "style": 2,
                    "required": False,
                    "value": "Hi",
                },
            },
            {"type": 10, "content": "Some help text"},
        ],
    }
    form = Form.from_modal(modal)
    assert form.title == "New announcement"
    assert form.fields == (
        FormField("t", "Title", paragraph=False, max_length=256),
        FormField("b", "Message", paragraph=True, required=False, value="Hi"),
    )


def test_prompts_say_how_to_end_a_paragraph_only_at_a_terminal():
    paragraph = FormField("b", "Message", paragraph=True, required=False)
    assert paragraph.prompt(interactive=True) == (
        "Message (paragraph; end with an empty line) (optional): "
    )
    assert paragraph.prompt(interactive=False) == "Message (optional): "


def test_values_are_checked_as_discord_checks_them():
    title = FormField("t", "Title", min_length=2, max_length=5)
    assert title.problem("") == "Title is required."
    assert title.problem("a") == "Title needs at least 2 characters; that was 1."
    assert title.problem("abcdef") == "Title can be at most 5 characters; that was 6."
    assert title.problem("abc") is None
    assert FormField("x", "Note", required=False).problem("") is None


def test_a_piped_paragraph_is_one_line_with_backslash_n():
    assert piped_value("First line.\\nSecond line.\n") == "First line.\nSecond line."
