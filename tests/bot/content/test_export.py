import dataclasses
import tomllib

import pytest

from bot.content import load_show_file, load_show_files, seed_database
from bot.content.export import (
    ExportError,
    read_shows,
    show_toml,
    toml_string,
    write_show_files,
)
from bot.db import open_database
from tests.bot.content.test_seed import dump
from tests.conftest import FICTIONAL, SOUL_MATE

# A made-up sequel to the made-up bakery: one person in both shows, credits in another order.
SEQUEL = """\
[show]
slug = "fictional-bakery-2"
title = "The Fictional Bakery 2"
premise = "A second show that does not exist, for the tests."

[[people]]
name = "Mori Aoi"
native_name = "森葵"
credits = ["director", "writer"]

[[people]]
name = "Park Imaginary"
slug = "imaginary-park"
credits = ["producer"]

[[characters]]
name = "Baker Kang"
played_by = ["Mori Aoi"]

[[quotes]]
source = "A made-up trailer"
context = "A line written for the tests"
text = "The oven is back."
"""


@pytest.fixture
def sequel(tmp_path):
    path = tmp_path / "fictional-bakery-2.toml"
    path.write_text(SEQUEL, encoding="utf-8")
    return path


async def export_to(db, folder):
    return write_show_files(await read_shows(db), folder, force=False)


async def test_seed_export_seed_leaves_the_database_unchanged(empty_db, tmp_path, sequel):
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL, sequel])
    before = await dump(empty_db)
    files = await export_to(empty_db, tmp_path / "out")
    assert [path.name for path in files] == [
        "fictional-bakery.toml",
        "fictional-bakery-2.toml",
        "soul-mate.toml",
    ]
    await seed_database(empty_db, files)
    assert await dump(empty_db) == before


async def test_a_new_database_seeded_from_the_export_is_the_same_database(tmp_path, sequel):
    originals = [FICTIONAL, sequel, SOUL_MATE]  # in the order the exported files come in
    first = await open_database(tmp_path / "first.db")
    second = await open_database(tmp_path / "second.db")
    try:
        await seed_database(first, originals)
        await seed_database(second, await export_to(first, tmp_path / "out"))
        assert await dump(second) == await dump(first)
    finally:
        await first.close()
        await second.close()


async def test_exporting_soul_mate_gives_an_equivalent_file(empty_db, tmp_path):
    await seed_database(empty_db, [SOUL_MATE])
    [path] = await export_to(empty_db, tmp_path)
    original = load_show_file(SOUL_MATE)
    assert load_show_file(path) == dataclasses.replace(original, file=str(path))
    assert tomllib.loads(path.read_text(encoding="utf-8"))["show"]["title"] == "Soul Mate"


async def test_the_output_is_deterministic_and_a_fixed_point(empty_db, tmp_path, sequel):
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL, sequel])
    first = [p.read_bytes() for p in await export_to(empty_db, tmp_path / "one")]
    second = [p.read_bytes() for p in await export_to(empty_db, tmp_path / "two")]
    assert first == second
    for text, show in zip(first, await read_shows(empty_db), strict=True):
        assert show_toml(show).encode("utf-8") == text
    # Written again from what it parses to, an exported file does not change.
    for path in (tmp_path / "one").iterdir():
        assert show_toml(load_show_file(path)) == path.read_text(encoding="utf-8")


async def test_reordered_people_keep_their_credit_positions(empty_db, tmp_path, sequel):
    """A file's people order is not stored; export must still give credits their positions."""
    await seed_database(empty_db, [sequel])
    people = SEQUEL.index("[[people]]")
    characters = SEQUEL.index("[[characters]]")
    second_person = SEQUEL.index("[[people]]", people + 1)
    reordered = (
        SEQUEL[:people]
        + SEQUEL[second_person:characters]
        + SEQUEL[people:second_person]
        + SEQUEL[characters:]
    )
    sequel.write_text(reordered, encoding="utf-8")
    await seed_database(empty_db, [sequel])
    before = await dump(empty_db)
    [exported] = await export_to(empty_db, tmp_path / "out")
    assert [p.name for p in load_show_file(exported).people] == ["Park Imaginary", "Mori Aoi"]
    await seed_database(empty_db, [exported])
    assert await dump(empty_db) == before


def test_the_file_lists_fields_in_the_documented_order():
    show = load_show_files([FICTIONAL])[0]
    assert show_toml(show) == (
        "# Written by `kdrama-bot db export`. data/README.md describes the format.\n"
        "\n"
        "[show]\n"
        'slug = "fictional-bakery"\n'
        'title = "The Fictional Bakery"\n'
        'platform = "Nowhere TV"\n'
        'premise = "A show that does not exist, used by the tests."\n'
        'settings = ["Testville"]\n'
        "\n"
        "[[people]]\n"
        'name = "Yoon Ha-neul"\n'
        'native_name = "윤하늘"\n'
        'aliases = ["Haneul"]\n'
        "\n"
        "[[people]]\n"
        'name = "Mori Aoi"\n'
        'native_name = "森葵"\n'
        'credits = ["writer"]\n'
        "\n"
        "[[characters]]\n"
        'name = "Baker Kang"\n'
        'aliases = ["Kang"]\n'
        'played_by = ["Yoon Ha-neul"]\n'
        "\n"
        "[[quotes]]\n"
        'speaker = "Baker Kang"\n'
        'context = "A line written for the tests"\n'
        'text = "Bread rises when nobody is watching."\n'
        "\n"
        "[[quotes]]\n"
        'speaker = "Mori Aoi"\n'
        'context = "A line written for the tests"\n'
        'text = "Every test needs a second show."\n'
    )


def test_a_long_list_has_one_item_a_line():
    show = load_show_file(SOUL_MATE)
    text = show_toml(show)
    assert 'settings = ["Berlin", "Seoul", "Tokyo"]\n' in text
    first_note = show.notes[0]
    assert f'notes = [\n    "{first_note}",\n' in text


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'She said "hi" \\ and left',
        "three \"\"\" quotes and ''' apostrophes",
        "line one\nline two\r\nthree\ttabbed",
        "control \x00\x01\x08\x0c\x1b\x7f characters",
        "옥택연 磯村勇斗 — “quotes” 😀",
        "ends with a backslash \\",
        "\u2028 line separator",
    ],
)
def test_any_text_is_written_as_a_string_that_reads_back_the_same(value):
    written = toml_string(value)
    assert "\n" not in written and "\r" not in written
    assert tomllib.loads(f"k = {written}")["k"] == value


def test_existing_files_are_not_replaced_without_force(tmp_path):
    show = load_show_file(FICTIONAL)
    target = tmp_path / "fictional-bakery.toml"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match=r"Nothing was written: .* already exists\. Use --force"):
        write_show_files([show], tmp_path, force=False)
    assert target.read_text(encoding="utf-8") == "mine"
    write_show_files([show], tmp_path, force=True)
    assert load_show_file(target) == dataclasses.replace(show, file=str(target))
    assert [p.name for p in tmp_path.iterdir()] == ["fictional-bakery.toml"]  # no leftovers


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    (tmp_path / "out").write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        write_show_files([load_show_file(FICTIONAL)], tmp_path / "out", force=True)
