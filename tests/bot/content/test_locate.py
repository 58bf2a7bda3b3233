import tomllib

import pytest

from bot.content.locate import field_lines, line_of
from tests.conftest import FICTIONAL, SOUL_MATE


def lines_of(text: str) -> dict[str, int]:
    tomllib.loads(text)  # every text here is valid TOML, as the loader only locates in those
    return field_lines(text)


def test_tables_keys_and_arrays_of_tables_counted_per_table():
    lines = lines_of(
        """\
[show]
title = "X"

[[people]]
name = "A"

[[quotes]]
text = "one"

[[people]]
name = "B"
credits = ["writer"]

[[quotes]]
text = "two"
"""
    )
    assert lines == {
        "show": 1,
        "show.title": 2,
        "people": 4,
        "people[0]": 4,
        "people[0].name": 5,
        "quotes": 7,
        "quotes[0]": 7,
        "quotes[0].text": 8,
        "people[1]": 10,
        "people[1].name": 11,
        "people[1].credits": 12,
        "people[1].credits[0]": 12,
        "quotes[1]": 14,
        "quotes[1].text": 15,
    }


def test_what_strings_and_comments_hold_is_not_taken_for_keys():
    lines = lines_of(
        '''\
[show]  # [[quotes]] in a comment
premise = """Starts here
[[quotes]]
text = "not a key"
with \\""" inside, and a quote at the end\""""
synopsis = \'\'\'literal [[quotes]]
name = 'x' \'\'\'
origin = 'C:\\path\\' # a literal string may end in a backslash
notes = ["a \\"quoted\\" ] bracket", 'a "literal" one']  # two items

[[quotes]]
text = "real"
'''
    )
    assert lines["show.premise"] == 2
    assert lines["show.synopsis"] == 6
    assert lines["show.origin"] == 8
    assert lines["show.notes[1]"] == 9
    assert "show.notes[2]" not in lines
    assert lines["quotes[0].text"] == 12
    assert "quotes[1]" not in lines


def test_items_of_a_list_over_several_lines_have_their_own_lines():
    lines = lines_of(
        """\
[show]
notes = [
    "first",  # a comment
    # a line of comment
    "second",
    [
        "nested",
    ],
]
settings = []
"""
    )
    assert lines["show.notes"] == 2
    assert [lines[f"show.notes[{i}]"] for i in range(3)] == [3, 5, 6]
    assert lines["show.notes[2][0]"] == 7
    assert lines["show.settings"] == 10
    assert "show.settings[0]" not in lines


def test_inline_tables_dotted_and_quoted_keys():
    lines = lines_of(
        """\
show.title = "X"
"show".premise = "P"

quotes = [
    { text = "a", speaker = "S" },

    { text = "b" },
]
[people]
"native name" = "x"
a . b = 1
"""
    )
    assert lines["show"] == 1 and lines["show.title"] == 1 and lines["show.premise"] == 2
    assert lines["quotes[0]"] == 5 and lines["quotes[0].speaker"] == 5
    assert lines["quotes[1]"] == 7 and lines["quotes[1].text"] == 7
    assert lines["people"] == 9
    assert lines["people.native name"] == 10
    assert lines["people.a.b"] == 11


def test_a_sub_table_belongs_to_the_last_table_of_its_array():
    lines = lines_of('[[quotes]]\ntext = "a"\n[[quotes]]\n[quotes.extra]\nkey = 1\n')
    assert lines["quotes[1].extra"] == 4 and lines["quotes[1].extra.key"] == 5


def test_windows_line_ends_count_the_same():
    text = '[show]\r\ntitle = "X"\r\n\r\n[[quotes]]\r\ntext = """a\r\nb"""\r\nspeaker = "S"\r\n'
    lines = lines_of(text)
    assert lines["quotes[0].text"] == 5 and lines["quotes[0].speaker"] == 7


def test_values_of_every_other_type_are_skipped():
    lines = lines_of(
        "[show]\na = 1\nb = -2.5e3\nc = true\nd = 1979-05-27 07:32:00Z\ne = 0x1F\nf = inf\ng = 1"
    )
    assert [lines[f"show.{key}"] for key in "abcdefg"] == [2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("path", [SOUL_MATE, FICTIONAL])
def test_every_field_of_the_real_files_is_found_on_its_own_line(path):
    text = path.read_text(encoding="utf-8")
    source = text.splitlines()
    lines = field_lines(text)

    def walk(value, where):
        if isinstance(value, dict):
            for key, item in value.items():
                field = f"{where}.{key}" if where else key
                if isinstance(item, dict):
                    assert source[lines[field] - 1] == f"[{key}]"
                elif isinstance(item, list) and all(isinstance(i, dict) for i in item):
                    assert source[lines[field] - 1] == f"[[{key}]]"
                else:
                    assert source[lines[field] - 1].startswith(f"{key} = "), field
                walk(item, field)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                assert f"{where}[{index}]" in lines
                walk(item, f"{where}[{index}]")

    walk(tomllib.loads(text), "")


def test_a_field_falls_back_to_what_holds_it():
    lines = lines_of('[show]\ntitle = "X"\n\n[[quotes]]\ntext = "a"\n')
    assert line_of("quotes[0].text", lines) == 5
    assert line_of("quotes[0].speaker", lines) == 4  # missing: the table's header
    assert line_of("show.settings[2]", lines) == 1
    assert line_of("quotes[7].text", lines) == 4  # the array: its first table
    assert line_of("characters[0].name", lines) is None
    assert line_of("(file)", lines) is None
    assert line_of("", lines) is None


def test_text_it_does_not_understand_never_raises():
    text = SOUL_MATE.read_text(encoding="utf-8")
    for end in range(0, len(text), 7):
        field_lines(text[:end])
    for odd in ["[", "[[x", "a", "a =", 'a = "', "a = [1,", "a = {b", "= 1", "a = 1 2", "'''"]:
        field_lines(odd)
    assert field_lines("a = 1\n[broken\nb = 2\n") == {"a": 1}
