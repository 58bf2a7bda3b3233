"""Messages as the terminal shows them, read as plain text (what piped output looks like)."""

from __future__ import annotations

from bot.sandbox.render import Names, markdown, plain_text, render_message

NAMES = Names(channels={1: "announcements"}, roles={2: "Watch Party"}, users={3: "admin"})


def shown(message: dict, heading: str = "kdrama-bot", width: int = 60) -> str:
    return plain_text([render_message(message, NAMES, heading)], width=width)


def test_markdown_and_mentions_read_plainly():
    text = markdown(
        "**Posted** in <#1> for <@&2> by <@3>: *soon*, `code`, __under__, ~~old~~, "
        "[the trailer](https://example.com/t) at <t:1764072000:F> \\*not bold\\*",
        NAMES,
    )
    assert text.plain == (
        "Posted in #announcements for @Watch Party by @admin: soon, code, under, old, "
        "the trailer (https://example.com/t) at 2025-11-25 12:00 UTC *not bold*"
    )
    spans = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert spans["Posted"] == "bold"
    assert spans["soon"] == "italic"


def test_unknown_ids_and_snake_case_stay_readable():
    text = markdown("<#99> <@&98> <@97> file_name_here", NAMES)
    assert text.plain == "#unknown-channel @unknown role @unknown user file_name_here"


def test_an_embed_has_a_bar_title_description_fields_image_and_footer():
    message = {
        "content": "",
        "flags": 0,
        "embeds": [
            {
                "title": "Soul Mate",
                "description": "A love story.",
                "color": 0xE50914,
                "fields": [{"name": "Set in", "value": "Berlin, Seoul", "inline": True}],
                "image": {"url": "https://example.com/p.png"},
                "footer": {"text": "Try /who"},
                "timestamp": "2026-11-25T12:00:00+00:00",
            }
        ],
    }
    assert shown(message) == (
        "kdrama-bot\n"
        "▌ Soul Mate\n"
        "▌ A love story.\n"
        "▌\n"
        "▌ Set in\n"
        "▌ Berlin, Seoul\n"
        "▌ Image: https://example.com/p.png\n"
        "▌\n"
        "▌ Try /who • 2026-11-25 12:00 UTC\n"
    )


def test_long_text_wraps_beside_the_bar():
    message = {"embeds": [{"description": "word " * 30}]}
    lines = shown(message, width=40).splitlines()[1:]
    assert len(lines) > 3
    assert all(line.startswith("▌ ") and len(line) <= 40 for line in lines)


def test_a_private_reply_with_buttons():
    message = {
        "content": "**Preview.** Press **Post**.",
        "flags": 64,
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 3, "label": "Post", "custom_id": "a"},
                    {"type": 2, "style": 2, "label": "Cancel", "custom_id": "b", "disabled": True},
                    {"type": 2, "style": 5, "label": "Docs", "url": "https://example.com"},
                ],
            }
        ],
    }
    assert shown(message, width=100) == (
        "kdrama-bot (only you can see this)\n"
        "Preview. Press Post.\n"
        "[ Post ]  [ Cancel ] (disabled)  [ Docs ] (https://example.com)\n"
    )


def test_an_edited_post_in_a_channel():
    message = {"content": "<@&2>", "edited_timestamp": "2026-11-25T12:00:00+00:00"}
    assert shown(message, "kdrama-bot in #news") == "kdrama-bot in #news (edited)\n@Watch Party\n"
