"""A meta-test over every registered command: the names, descriptions and limits Discord enforces,
checked on the exact payload that a sync sends."""

from __future__ import annotations

import re

import pytest

from bot.client import EXTENSIONS, KdramaBot
from bot.settings import load_settings

NAME = re.compile(r"^[-_'\w]{1,32}$")
OPTION_TYPES_WITH_CHOICES = {3, 4, 10}
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


@pytest.fixture
async def payload(db) -> list[dict]:
    bot = KdramaBot(settings=load_settings({}, env_file=None), db=db, sync_on_start=False)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    yield [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    await bot.close()


def walk(options: list[dict], path: str):
    for option in options:
        yield f"{path} {option['name']}", option
        if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
            yield from walk(option.get("options", []), f"{path} {option['name']}")


def counted_characters(command: dict) -> int:
    total = len(command["name"]) + len(command.get("description", ""))
    for _, option in walk(command.get("options", []), ""):
        total += len(option["name"]) + len(option.get("description", ""))
        for choice in option.get("choices", []):
            total += len(choice["name"]) + len(str(choice["value"]))
    return total


def leaf_names(command: dict) -> set[str]:
    subs = [o for o in command.get("options", []) if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if not subs:
        return {command["name"]}
    return {f"{command['name']} {name}" for sub in subs for name in leaf_names(sub)}


def test_the_expected_commands_exist(payload):
    names = set().union(*(leaf_names(command) for command in payload))
    assert names == {
        "show info", "show cast", "show list", "who",
        "quote random", "quote search", "quote add", "quote withdraw", "quote review",
        "quote remove", "about",
        "announce post", "announce schedule", "announce list", "announce edit",
        "announce delete", "announce resume", "announce log",
        "settings view", "settings timezone", "settings announcer-role",
        "settings ping-roles add", "settings ping-roles remove", "settings allow-everyone",
        "settings auto-publish", "settings featured-show", "settings quote-of-the-day on",
        "settings quote-of-the-day off",
    }  # fmt: skip


def test_names_are_unique_and_valid(payload):
    top = [command["name"] for command in payload]
    assert len(top) == len(set(top))
    for command in payload:
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        for path, option in walk(command.get("options", []), command["name"]):
            assert NAME.match(option["name"]), path
            assert option["name"] == option["name"].lower(), path


def test_descriptions_and_counts_are_within_discords_limits(payload):
    for command in payload:
        assert 1 <= len(command["description"]) <= 100, command["name"]
        assert len(command.get("options", [])) <= 25
        for path, option in walk(command.get("options", []), command["name"]):
            assert 1 <= len(option["description"]) <= 100, path
            assert len(option.get("options", [])) <= 25, path
            assert len(option.get("choices", [])) <= 25, path
            assert not (option.get("choices") and option.get("autocomplete")), path
            if "max_length" in option:
                assert 1 <= option["max_length"] <= 6000, path
        assert counted_characters(command) <= 8000, command["name"]


def test_required_options_come_first(payload):
    for command in payload:
        groups = [command] + [o for _, o in walk(command.get("options", []), "")]
        for group in groups:
            leaves = [o for o in group.get("options", []) if o["type"] > SUB_COMMAND_GROUP]
            required = [o.get("required", False) for o in leaves]
            assert required == sorted(required, reverse=True), group["name"]


def test_admin_commands_are_hidden_and_guild_only(payload):
    admin = {"announce", "settings"}
    for command in payload:
        if command["name"] in admin:
            assert int(command["default_member_permissions"]) == 1 << 5  # MANAGE_GUILD
            assert command["contexts"] == [0]  # guild only
        else:
            assert command.get("default_member_permissions") is None, command["name"]


def test_free_text_options_have_a_maximum_length(payload):
    for command in payload:
        for path, option in walk(command.get("options", []), command["name"]):
            if option["type"] == 3 and not option.get("choices"):  # free text
                assert "max_length" in option, path
