"""Parsing what is typed at the sandbox prompt, without a bot."""

from __future__ import annotations

import pytest

from bot.sandbox.catalog import Catalog
from bot.sandbox.commandline import (
    InputError,
    Press,
    Slash,
    Suggest,
    SwitchUser,
    Verb,
    completions,
    parse_line,
)

# Application command objects as Discord stores them (the shapes the real bot syncs).
COMMANDS = [
    {
        "name": "who",
        "description": "A person or character",
        "options": [
            {
                "type": 3,
                "name": "name",
                "description": "Any name",
                "required": True,
                "autocomplete": True,
                "max_length": 100,
            }
        ],
    },
    {
        "name": "show",
        "description": "Shows",
        "options": [
            {
                "type": 1,
                "name": "info",
                "description": "The card",
                "options": [
                    {"type": 3, "name": "title", "description": "A title", "autocomplete": True}
                ],
            },
            {"type": 1, "name": "cast", "description": "The cast"},
        ],
    },
    {
        "name": "quote",
        "description": "Quotes",
        "options": [
            {
                "type": 1,
                "name": "search",
                "description": "Find quotes",
                "options": [
                    {"type": 3, "name": "text", "description": "A fragment", "required": True}
                ],
            },
        ],
    },
    {
        "name": "announce",
        "description": "Announcements",
        "default_member_permissions": "32",
        "options": [
            {
                "type": 1,
                "name": "post",
                "description": "Post one",
                "options": [
                    {
                        "type": 7,
                        "name": "channel",
                        "description": "Where",
                        "required": True,
                        "channel_types": [0, 5],
                    },
                    {"type": 8, "name": "ping", "description": "A role"},
                    {"type": 3, "name": "color", "description": "A colour"},
                ],
            },
        ],
    },
    {
        "name": "settings",
        "description": "Settings",
        "options": [
            {
                "type": 1,
                "name": "auto-publish",
                "description": "Publish",
                "options": [
                    {
                        "type": 3,
                        "name": "state",
                        "description": "on or off",
                        "required": True,
                        "choices": [{"name": "on", "value": "on"}, {"name": "off", "value": "off"}],
                    }
                ],
            },
            {
                "type": 2,
                "name": "digest",
                "description": "A group",
                "options": [
                    {
                        "type": 1,
                        "name": "every",
                        "description": "How often",
                        "options": [
                            {
                                "type": 4,
                                "name": "days",
                                "description": "Days",
                                "required": True,
                                "min_value": 1,
                                "max_value": 7,
                            },
                            {"type": 5, "name": "loud", "description": "Ping?"},
                            {"type": 10, "name": "hours", "description": "Hours"},
                        ],
                    },
                ],
            },
        ],
    },
    {"name": "Report message", "type": 3},  # a context menu: nothing to type
]
CATALOG = Catalog.from_commands(COMMANDS)


def options(line: str) -> dict:
    action = parse_line(line, CATALOG)
    assert isinstance(action, Slash)
    return action.options


def refusal(line: str) -> str:
    with pytest.raises(InputError) as raised:
        parse_line(line, CATALOG)
    return str(raised.value)


def test_the_catalog_flattens_sub_commands_and_groups():
    assert CATALOG.paths == [
        "announce post",
        "quote search",
        "settings auto-publish",
        "settings digest every",
        "show cast",
        "show info",
        "who",
    ]
    assert CATALOG.get("announce post").default_member_permissions == 32
    assert CATALOG.children("settings") == ["auto-publish", "digest"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/who name:Ok Taec-yeon", {"name": "Ok Taec-yeon"}),
        ("/who name:옥택연", {"name": "옥택연"}),
        ("/WHO   name:  spaced out  ", {"name": "spaced out"}),
        ("/show info title:Soul Mate", {"title": "Soul Mate"}),
        ("/show info", {}),
        ("/quote search text:time: 10 years", {"text": "time: 10 years"}),
        ('/quote search text:"a title: and a name:"', {"text": "a title: and a name:"}),
        ("/quote search text:'it\\'s'", {"text": "it's"}),
        ("/quote search text:why?", {"text": "why?"}),
        (
            "/announce post channel:#announcements ping:@Watch Party color:pink",
            {"channel": "announcements", "ping": "Watch Party", "color": "pink"},
        ),
        ("/settings auto-publish state:ON", {"state": "on"}),
        ("/settings digest every days:3 loud:yes", {"days": 3, "loud": True}),
        ("/settings digest every days:+3 hours:-1.5", {"days": 3, "hours": -1.5}),
        ("/settings digest every days:3 hours:.5", {"days": 3, "hours": 0.5}),
    ],
)
def test_options_are_parsed_into_discords_values(line, expected):
    assert options(line) == expected


def test_a_question_mark_after_an_option_with_suggestions_asks_for_them():
    action = parse_line("/who name:tae?", CATALOG)
    assert isinstance(action, Suggest)
    assert (action.focused.name, action.typed, action.options) == ("name", "tae", {})
    empty = parse_line("/who name:?", CATALOG)
    assert isinstance(empty, Suggest) and empty.typed == ""
    choices = parse_line("/settings auto-publish state:?", CATALOG)
    assert isinstance(choices, Suggest) and choices.focused.name == "state"
    assert isinstance(parse_line('/who name:"tae?"', CATALOG), Slash)  # quoted: a real value


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/", "Type a command after the slash. The commands: /announce, /quote, /settings, "),
        ("/shwo", "There is no /shwo command. Did you mean /show? The commands:"),
        ("/show", "/show needs one more word: cast, info. For example: /show cast"),
        ("/show trailer", "/show has no 'trailer'. Choose one of: cast, info."),
        ("/who", "/who needs name: (Any name). For example: /who name:…"),
        (
            "/who Taecyeon",
            "I can't tell which option 'Taecyeon' is for. Write options as "
            "name:value, for example /who name:Taecyeon",
        ),
        ("/who nam:x", "/who has no option 'nam'. Its options: name."),
        ("/who name:a name:b", "You gave name: twice; give it once."),
        ("/who name:", "name: needs a value after the colon."),
        ('/who name:"Ok', 'The quoted value of name: has no closing ".'),
        ('/who name:"Ok"x', "Leave a space after the quoted value of name:."),
        ("/who name:" + "x" * 101, "name: can be at most 100 characters; that was 101."),
        ("/show cast title:x", "/show cast takes no options, so 'title:x' can't go anywhere."),
        ("/settings auto-publish state:maybe", "state: must be one of on, off."),
        ("/settings digest every days:often", "days: needs a whole number, not 'often'."),
        ("/settings digest every days:9", "days: must be at most 7."),
        # Discord's number boxes take plain digits: not what Python's int and float also read.
        ("/settings digest every days:1_0", "days: needs a whole number, not '1_0'."),
        ("/settings digest every days:٣", "days: needs a whole number, not '٣'."),
        ("/settings digest every days:2 hours:nan", "hours: needs a number, not 'nan'."),
        ("/settings digest every days:2 hours:1e999", "hours: needs a number, not '1e999'."),
        ("/settings digest every days:2 loud:perhaps", "loud: needs a true or false"),
        ("/quote search text:?", "text: has no suggestions to show; type a value instead."),
        ("as owner", "Type as admin or as member"),
        ("press", "Type press and a button's label"),
        ("channels please", "channels takes nothing after it."),
        ("dance", "I don't know 'dance'. Type a slash command such as /show info, or help"),
    ],
)
def test_every_mistake_gets_a_sentence_that_says_what_to_do(line, message):
    assert refusal(line).startswith(message)


@pytest.mark.parametrize(
    ("line", "action"),
    [
        ("help", Verb("help")),
        ("?", Verb("help")),
        ("quit", Verb("quit")),
        ("exit", Verb("quit")),
        ("channels", Verb("channels")),
        ("log", Verb("log")),
        ("log #news", Verb("log", "news")),
        ("as Admin", SwitchUser("admin")),
        ("as @member", SwitchUser("member")),
        ("press Post", Press("Post")),
        ('press "Post it"', Press("Post it")),
        ("", None),
        ("# a comment in a script", None),
    ],
)
def test_sandbox_verbs(line, action):
    assert parse_line(line, CATALOG) == action


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("/s", ["/settings ", "/show "]),
        (
            "",
            [
                "/announce ",
                "/quote ",
                "/settings ",
                "/show ",
                "/who ",
                "help ",
                "as ",
                "press ",
                "channels ",
                "log ",
                "quit ",
                "exit ",
            ],
        ),
        ("/show ", ["cast ", "info "]),
        ("/settings digest e", ["every "]),
        ("/show info ", ["title:"]),
        ("/announce post channel:#general ", ["ping:", "color:"]),
        ("/announce post channel:#a", ["channel:#announcements"]),
        ("/announce post ping:@w", ["ping:@Watch Party"]),
        ("/settings auto-publish state:o", ["state:on", "state:off"]),
        ("as a", ["admin"]),
        ("press P", ["Post"]),
        ("log #n", ["#news"]),
        ("dance ", []),
    ],
)
def test_tab_completion(typed, offered):
    values = {
        "channel": ["general", "announcements", "news"],
        "role": ["everyone", "Watch Party"],
        "press": ["Post", "Cancel"],
    }
    assert completions(typed, CATALOG, values) == offered


def test_a_whole_number_discord_could_not_send_is_refused():
    # /quote withdraw id has only a min_value; Discord still keeps integers within ±(2^53 - 1).
    withdraw = {
        "name": "withdraw",
        "description": "Take back a quote",
        "options": [
            {"type": 4, "name": "id", "description": "The id", "required": True, "min_value": 1}
        ],
    }
    catalog = Catalog.from_commands([withdraw])
    line = "/withdraw id:" + "9" * 23
    with pytest.raises(InputError) as raised:
        parse_line(line, catalog)
    assert str(raised.value) == "id: must be at most 9007199254740991."
    action = parse_line("/withdraw id:9007199254740991", catalog)
    assert isinstance(action, Slash) and action.options == {"id": 9007199254740991}
