"""Every command, with odd text in every option a member can type into, through the emulator.

Each answer must be the intended result or a polite message: never "something went wrong" (and
the suite's autouse fixture fails a test on any error the bot logs as unexpected). The commands
are read from what the bot synced, so a command added later is covered without a change here.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.errors import EmulatorError

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SUBCOMMAND, GROUP = 1, 2

ODD_TEXT = [
    "   ", "'", '"', "\\", "%_*", "--", "0", "-1", "999999999999999999999",
    "@everyone", "<@1>", "**x** `y`", "NEAR(a b)", "🙂🙂", "\u200b", "‏שלום", "Ｓｏｕｌ",
    "x" * 100, "택연 磯村 soul",
]  # fmt: skip
# What the world has, to fill options that are not typed; and typed options that need sense.
FILLED = {USER: "member", CHANNEL: "general", ROLE: "Watch Party", MENTIONABLE: "Watch Party"}
FILLED_TEXT = {"when": "in 2h"}
TEXT_INPUT = 4
MODAL = 9


def leaf_commands(emu) -> list[tuple[str, list[dict[str, Any]]]]:
    """("quote search", its options) for every command the bot synced."""
    leaves = []

    def walk(path: str, options: list[dict[str, Any]]) -> None:
        nested = [option for option in options if option["type"] in (SUBCOMMAND, GROUP)]
        if not nested:
            leaves.append((path, options))
        for option in nested:
            walk(f"{path} {option['name']}", option.get("options", []))

    for command in (synced.to_dict() for synced in emu.commands.scope(None)):
        if command.get("type", 1) == 1:
            walk(command["name"], command.get("options", []))
    return leaves


def filler(option: dict[str, Any]) -> Any:
    if option["type"] in (INTEGER, NUMBER):
        return max(option.get("min_value", 1), 1)
    if option["type"] == BOOLEAN:
        return False
    if option["type"] == STRING:
        choices = option.get("choices")
        return choices[0]["value"] if choices else FILLED_TEXT.get(option["name"], "soul")
    return FILLED[option["type"]]


def fitted(option: dict[str, Any], text: str) -> str | None:
    """The text as Discord's client would send it: cut to the option's length, or None when the
    client would not let it be sent at all."""
    text = text[: option.get("max_length", 6000)]
    return text if len(text) >= option.get("min_length", 1) else None


def text_inputs(component: dict[str, Any]) -> list[dict[str, Any]]:
    """The text inputs of a modal, at any depth (action rows, labels)."""
    if component.get("type") == TEXT_INPUT:
        return [component]
    children = component.get("components", []) + (
        [component["component"]] if "component" in component else []
    )
    return [found for child in children for found in text_inputs(child)]


def typed_options(emu) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(command, the other required options filled, the typed option's name, the option)."""
    cases = []
    for path, options in leaf_commands(emu):
        required = {o["name"]: filler(o) for o in options if o.get("required")}
        for option in options:
            if option["type"] == STRING and not option.get("choices"):
                cases.append((path, required, option["name"], option))
    return cases


async def test_odd_text_in_every_typed_option_gets_an_answer(emu, bot):
    cases = typed_options(emu)
    typed = {(path, name) for path, _, name, _ in cases}
    assert {("quote search", "text"), ("who", "name"), ("announce schedule", "when")} <= typed
    sent = 0
    for path, required, name, option in cases:
        for text in ODD_TEXT:
            value = fitted(option, text)
            if value is None:
                continue
            try:
                handle = await emu.slash(emu.owner, path, {**required, name: value})
            except EmulatorError:  # Discord's client would not send it either
                continue
            sent += 1
            answer = await handle.response()
            assert answer is not None, (path, name, value)
            for message in handle.messages:
                assert "something went wrong" not in message.content.lower(), (path, name, value)
    assert sent >= len(cases) * len(ODD_TEXT) // 2  # most texts reached the bot


async def test_odd_text_in_every_autocomplete_gets_valid_choices(emu, bot):
    cases = [case for case in typed_options(emu) if case[3].get("autocomplete")]
    assert cases, "no option autocompletes"
    for path, required, name, option in cases:
        for text in ["", *ODD_TEXT]:
            value = text[: option.get("max_length", 6000)]
            choices = await emu.autocomplete(emu.owner, path, {**required, name: value}, name)
            assert len(choices) <= 25, (path, name, value)
            for choice in choices:
                assert 1 <= len(choice["name"]) <= 100 and len(str(choice["value"])) <= 100


BLANKS = ["   ", "\u200b", "\u200f \u200b"]  # spaces, a zero-width space, a direction mark


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(
    ("command", "options", "typed", "answer"),
    [
        ("quote search", {}, "text", "Type some letters or numbers to search for"),
        ("who", {}, "name", "Type a name to look up"),
        ("quote add", {"speaker": "Johan"}, "text", "A quote needs words"),
        ("quote add", {"text": "A brand new line."}, "speaker", "Say who said it"),
        ("announce schedule", {"channel": "general"}, "when", "Type when to post it."),
        ("settings featured-show", {}, "title", "There is no featured show"),
    ],
)
async def test_blank_input_gets_the_sentence_for_it(
    emu, bot, blank, command, options, typed, answer
):
    reply = await (await emu.slash(emu.owner, command, {**options, typed: blank})).message()
    assert reply.ephemeral
    assert reply.content.startswith(answer), reply.content


async def test_blank_optional_options_count_as_left_out(emu, bot):
    await emu.slash(emu.owner, "settings featured-show", {"title": "Soul Mate"})
    cleared = await emu.slash(emu.owner, "settings featured-show", {"title": "\u200b"})
    assert (await cleared.message()).content.startswith("There is no featured show")
    options = {"text": "A brand new line.", "speaker": "Me", "show": " ", "context": "\u200b"}
    added = await emu.slash(emu.member, "quote add", options)
    assert (await added.message()).content.startswith("Thanks!")
    # As if left out: the only show, and no context.
    row = await bot.db.fetch_one(
        "SELECT s.title, c.context FROM community_quotes c LEFT JOIN shows s ON s.id = c.show_id"
    )
    assert tuple(row) == ("Soul Mate", None)


@pytest.mark.parametrize(("title", "body"), [("\u200b", "Body"), ("Title", "\u200b \u200f")])
async def test_an_announcement_that_shows_nothing_is_refused(emu, bot, title, body):
    opened = await emu.slash(emu.owner, "announce post", {"channel": "general"})
    submitted = await emu.submit_modal(emu.owner, opened, {"Title": title, "Message": body})
    reply = await submitted.message()
    assert reply.content == "An announcement needs both a title and a message."


async def test_an_unknown_zone_or_time_is_shown_as_typed(emu, bot):
    zone = await (
        await emu.slash(emu.owner, "settings timezone", {"zone": "Mars/*Base*"})
    ).message()
    assert zone.content.startswith("I don't know the time zone `Mars/*Base*`.")
    options = {"channel": "general", "time": "2_pm"}
    time = await emu.slash(emu.owner, "settings quote-of-the-day on", options)
    assert (await time.message()).content.startswith("I couldn't read `2_pm` as a time of day.")


@pytest.mark.parametrize(
    ("zone", "when", "answer"),
    [
        ("UTC", "0001-01-01T00:00+14:00", "`0001-01-01T00:00+14:00` is in the past."),
        ("UTC", "9999-12-31T23:59-01:00", "`9999-12-31T23:59-01:00` is more than 10 years away."),
        ("Asia/Seoul", "0001-01-01 00:00", "`0001-01-01 00:00` is in the past."),
        ("America/New_York", "9999-12-31 23:59", "`9999-12-31 23:59` is more than 10 years away."),
    ],
)
async def test_a_time_at_the_edge_of_the_calendar_is_refused_politely(emu, bot, zone, when, answer):
    # An offset or the server's zone moves year 1 or 9999 past the calendar's end in UTC.
    await (await emu.slash(emu.owner, "settings timezone", {"zone": zone})).message()
    options = {"channel": "general", "when": when}
    reply = await (await emu.slash(emu.owner, "announce schedule", options)).message()
    assert reply.ephemeral
    assert reply.content.startswith(answer), reply.content
    assert (await bot.db.fetch_one("SELECT count(*) FROM announcements"))[0] == 0


async def test_odd_text_in_every_form_gets_an_answer(emu, bot):
    forms = 0
    for path, options in leaf_commands(emu):
        required = {o["name"]: filler(o) for o in options if o.get("required")}
        opened = await emu.slash(emu.owner, path, required)
        if (await opened.response()).type != MODAL:
            continue
        forms += 1
        for text in ODD_TEXT:
            opened = await emu.slash(emu.owner, path, required)
            form = await opened.modal()
            values = {}
            for field in text_inputs({"components": form["components"]}):
                value = fitted(field, text)
                values[field["custom_id"]] = (
                    value if value is not None else "x" * field.get("min_length", 1)
                )
            submitted = await emu.submit_modal(emu.owner, opened, values)
            await submitted.response()
            for message in submitted.messages:
                assert "something went wrong" not in message.content.lower(), (path, text)
    assert forms >= 2  # /announce post and schedule
