import tomllib
from dataclasses import replace

import pytest

from bot.content.loader import (
    CHARACTER_FIELDS,
    PERSON_FIELDS,
    QUOTE_FIELDS,
    SHOW_FIELDS,
    DataFileError,
    load_show_file,
    load_show_files,
    parse_show,
)
from tests.conftest import FICTIONAL, ROOT, SOUL_MATE


def test_soul_mate_file_holds_every_fact():
    show = load_show_file(SOUL_MATE)
    assert show.title == "Soul Mate" and show.platform == "Netflix"
    assert show.settings == ("Berlin", "Seoul", "Tokyo")
    assert show.filmed_in == ("Japan", "Korea", "Germany")
    people = {person.name: person for person in show.people}
    assert set(people) == {"Hayato Isomura", "Ok Taec-yeon", "Shunki Hashizume", "Dai Ota"}
    assert people["Ok Taec-yeon"].native_name == "옥택연"
    assert people["Hayato Isomura"].native_name == "磯村勇斗"
    assert "Taecyeon" in people["Ok Taec-yeon"].aliases
    assert people["Shunki Hashizume"].credits == ("writer", "director")
    assert people["Dai Ota"].credits == ("executive producer",)
    characters = {c.name: c.played_by for c in show.characters}
    assert characters == {"Ryu Narutaki": ("hayato-isomura",), "Johan Hwang": ("ok-taec-yeon",)}
    assert len(show.quotes) == 9
    assert all(quote.context for quote in show.quotes)
    speakers = [quote.speaker_name for quote in show.quotes]
    assert speakers.count("Dai Ota") == 2 and speakers.count("Netflix") == 1


def parse(text: str):
    return parse_show(tomllib.loads(text), "x.toml")


def problems(text: str) -> list[str]:
    with pytest.raises(DataFileError) as raised:
        parse(text)
    return [f"{e.field}: {e.message}" for e in raised.value.errors]


def test_every_error_is_reported_with_its_field():
    found = problems(
        """
        [show]
        title = "X"
        premise = "P"
        colour = "red"

        [[people]]
        name = "A"
        credits = ["caterer"]

        [[characters]]
        name = "C"
        played_by = ["Nobody"]

        [[quotes]]
        text = "Hello"
        speaker = "Jo Han"
        context = "c"

        [[quotes]]
        text = "Bye"
        """
    )
    assert found == [
        "show.colour: unknown field (expected one of: slug, title, native_title, aliases, "
        "platform, format, premise, synopsis, origin, settings, filmed_in, notes)",
        "people[0].credits[0]: unknown role 'caterer' (expected one of: writer, director, "
        "executive producer, producer, creator)",
        "characters[0].played_by[0]: no person named 'Nobody'",
        "quotes[0].speaker: no person or character named 'Jo Han'",
        "quotes[1].context: is required",
        "quotes[1].speaker: is required (or 'source', for a speaker who is not a person)",
    ]


def test_wrong_types_and_duplicates_are_errors():
    found = problems(
        """
        [show]
        title = 3
        premise = ""
        settings = "Berlin"

        [[people]]
        name = "Same"
        [[people]]
        name = "same"

        [[quotes]]
        text = "x"
        source = "Netflix"
        speaker = "Same"
        context = "c"
        """
    )
    assert "show.title: must be text, not a number" in found
    assert "show.premise: must not be empty" in found
    assert "show.settings: must be a list of text" in found
    assert (
        "people[1].name: has the slug 'same', as people[0] does; give one of them another "
        "'slug'" in found
    )
    assert "quotes[0].source: give 'speaker' or 'source', not both" in found


def test_mistakes_are_named_in_toml_words_and_a_shared_name_says_where_else_it_is():
    found = problems(
        """
        [show]
        title = "X"
        premise = { text = "a table" }
        platform = ["a list"]
        format = true
        origin = 2024-01-01

        [[people]]
        name = "Kim Min"
        [[characters]]
        name = "Hero"
        aliases = ["kim-min"]

        [[quotes]]
        text = "x"
        source = "Test"
        context = "c"
        """
    )
    assert sorted(found) == [
        "characters[0].aliases[0]: the name 'kim-min' is also people[0].name; a speaker is "
        "found by name, so a name may belong to one person or character only",
        "show.format: must be text, not true or false",
        "show.origin: must be text, not a date or time",
        "show.platform: must be text, not a list",
        "show.premise: must be text, not a table",
    ]


def test_a_file_without_a_show_table_says_so_once(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text("# To be written.\n", encoding="utf-8")
    assert load_errors(empty) == [
        f"{empty} show: is missing: a data file starts with a [show] table (data/README.md)"
    ]


def test_control_characters_and_direction_overrides_are_refused():
    # TOML's escapes put them in; a new line and a tab are text, and stay allowed.
    found = problems(
        r'''
        [show]
        title = "Null\u0000Title"
        premise = "A terminal \u001b[31mred\u001b[0m premise."
        synopsis = """Two lines,
        and a tab:\tfine."""
        aliases = ["\u202egnitset"]

        [[quotes]]
        text = "A line."
        source = "Test"
        context = "c"
        '''
    )
    assert found == [
        "show.title: holds the invisible control character U+0000; remove it",
        "show.premise: holds the invisible control character U+001B; remove it",
        "show.aliases[0]: holds the invisible control character U+202E; remove it",
    ]


def test_speaker_can_be_named_by_alias_or_native_name():
    show = parse(
        """
        [show]
        title = "X"
        premise = "P"
        [[people]]
        name = "Ok Taec-yeon"
        native_name = "옥택연"
        [[quotes]]
        text = "Hi"
        speaker = "옥택연"
        context = "c"
        """
    )
    assert show.quotes[0].person == "ok-taec-yeon"
    assert show.quotes[0].speaker_name == "Ok Taec-yeon"


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[show\ntitle = 'x'")
    with pytest.raises(DataFileError) as raised:
        load_show_file(path)
    assert raised.value.errors[0].file == str(path)
    assert "is not valid TOML" in raised.value.errors[0].message


def test_two_files_with_one_slug_are_refused(tmp_path):
    copy = tmp_path / "copy.toml"
    copy.write_bytes(SOUL_MATE.read_bytes())
    with pytest.raises(DataFileError) as raised:
        load_show_files([SOUL_MATE, copy])
    [error] = raised.value.errors
    assert str(error) == f"{copy}:5 show.slug: 'soul-mate' is used by {SOUL_MATE} too"


def load_errors(*paths) -> list[str]:
    with pytest.raises(DataFileError) as raised:
        load_show_files(paths)
    return [str(error) for error in raised.value.errors]


def test_every_error_has_its_file_line_and_field(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(
        """# A made-up show with a mistake of each kind.
[show]
title = "Broken Fiction"
colour = "red"
settings = [
  "Nowhere",
  42,
]

[[people]]
name = "Kim Example"
credits = ["caterer"]

[[people]]
name = "kim example"

[[characters]]
name = "Hero"
played_by = ["Nobody"]

[[quotes]]
speaker = "Jo Han"
context = "Made up"
text = "Hello"

[[quotes]]
text = \"\"\"A
multi-line one\"\"\"

[extra]
x = 1
""",
        encoding="utf-8",
    )
    assert load_errors(path) == [
        f"{path}:2 show.premise: is required",
        f"{path}:4 show.colour: unknown field (expected one of: slug, title, native_title, "
        "aliases, platform, format, premise, synopsis, origin, settings, filmed_in, notes)",
        f"{path}:7 show.settings[1]: must be non-empty text",
        f"{path}:12 people[0].credits[0]: unknown role 'caterer' (expected one of: writer, "
        "director, executive producer, producer, creator)",
        f"{path}:15 people[1].name: has the slug 'kim-example', as people[0] does; give one of "
        "them another 'slug'",
        f"{path}:19 characters[0].played_by[0]: no person named 'Nobody'",
        f"{path}:22 quotes[0].speaker: no person or character named 'Jo Han'",
        f"{path}:26 quotes[1].context: is required",
        f"{path}:26 quotes[1].speaker: is required (or 'source', for a speaker who is not a "
        "person)",
        f"{path}:30 extra: unknown field (expected one of: show, people, characters, quotes)",
    ]


def test_the_errors_of_several_files_come_file_by_file(tmp_path):
    first, second = tmp_path / "b.toml", tmp_path / "a.toml"
    first.write_text('[show]\ntitle = "B"\n', encoding="utf-8")
    second.write_text('[show]\npremise = "P"\n', encoding="utf-8")
    assert load_errors(first, second, first) == [
        f"{first}:1 show.premise: is required",
        f"{second}:1 show.title: is required",
    ]


def test_files_that_cannot_be_read_say_why_and_where(tmp_path):
    syntax, binary = tmp_path / "syntax.toml", tmp_path / "binary.toml"
    syntax.write_text('[show]\ntitle = "X"\npremise = "P\n', encoding="utf-8")
    binary.write_bytes(b'[show]\ntitle = "\xff"\n')
    assert load_errors(syntax, binary, tmp_path / "missing.toml") == [
        f"{syntax}:3 (syntax): is not valid TOML: Illegal character '\\n' (column 13)",
        f"{binary}:2 (file): is not UTF-8 text",
        f"{tmp_path / 'missing.toml'} (file): cannot be read: No such file or directory",
    ]


def test_a_person_in_two_files_is_described_the_same_in_both(tmp_path):
    sequel = tmp_path / "sequel.toml"
    sequel.write_text(
        """[show]
title = "The Fictional Bakery 2"
premise = "Made up for the tests."

[[people]]
name = "Yoon Ha-neul"
aliases = ["Sky"]
credits = ["director"]
""",
        encoding="utf-8",
    )
    assert load_errors(FICTIONAL, sequel) == [
        f"{sequel}:5 people[0].native_name: 'yoon-ha-neul' is also in {FICTIONAL}, with a "
        "different native_name and aliases; a person's name, native_name, aliases and known_for "
        "must be the same in every file"
    ]


def test_fixture_show_is_valid():
    assert load_show_file(FICTIONAL).title == "The Fictional Bakery"


def test_the_example_in_data_readme_is_valid_and_every_field_is_documented(tmp_path):
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    show = load_show_file(path)
    assert show.title == "The Moonlit Noodle Stand"
    assert [quote.speaker_name for quote in show.quotes] == [
        "Cook Han",
        "Yeon Bit-na",
        "The imaginary streaming service",
    ]
    used = tomllib.loads(example)
    for table, fields in [
        ("show", SHOW_FIELDS),
        ("people", PERSON_FIELDS),
        ("characters", CHARACTER_FIELDS),
        ("quotes", QUOTE_FIELDS),
    ]:
        entries = used[table] if isinstance(used[table], list) else [used[table]]
        assert {key for entry in entries for key in entry} == set(fields), table
        for field in fields:
            assert f"`{field}`" in readme, field


def test_a_file_saved_with_a_byte_order_mark_and_crlf_reads_as_without(tmp_path):
    """What Windows Notepad writes: a byte-order mark, then CRLF line ends."""
    saved = tmp_path / "saved.toml"
    saved.write_bytes(b"\xef\xbb\xbf" + FICTIONAL.read_bytes().replace(b"\n", b"\r\n"))
    assert load_show_file(saved) == replace(load_show_file(FICTIONAL), file=str(saved))
    saved.write_bytes(saved.read_bytes().replace(b'context = "A line written for the tests"', b""))
    assert load_errors(saved) == [
        f"{saved}:26 quotes[0].context: is required",
        f"{saved}:31 quotes[1].context: is required",
    ]


def test_two_shows_may_not_share_a_title_or_an_alias(tmp_path):
    """/show finds a show by any of its names, and its autocomplete gives the title: a name
    two shows share would always give the same one of them."""
    rival = tmp_path / "rival.toml"
    rival.write_text(
        """[show]
title = "Fictional Bakery, The"
aliases = ["Second Oven", "the fictional-bakery"]
premise = "Made up for the tests."
""",
        encoding="utf-8",
    )
    assert load_errors(FICTIONAL, rival) == [
        f"{rival}:3 show.aliases[1]: the name 'the fictional-bakery' is also a name of "
        f"'The Fictional Bakery' in {FICTIONAL}; two shows may not share a title, native title "
        "or alias",
    ]
