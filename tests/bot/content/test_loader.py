import tomllib

import pytest

from bot.content.loader import DataFileError, load_show_file, load_show_files, parse_show
from tests.conftest import FICTIONAL, SOUL_MATE


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
    assert "show.title: must be text, not int" in found
    assert "show.premise: must not be empty" in found
    assert "show.settings: must be a list of text" in found
    assert "people: two entries share the slug 'same'; give one a 'slug'" in found
    assert "quotes[0].source: give 'speaker' or 'source', not both" in found


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
    with pytest.raises(DataFileError, match="'soul-mate' is used by another file"):
        load_show_files([SOUL_MATE, copy])


def test_fixture_show_is_valid():
    assert load_show_file(FICTIONAL).title == "The Fictional Bakery"
