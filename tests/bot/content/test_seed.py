import pytest

from bot.content import DataFileError, seed_database
from bot.db.people import search_names
from bot.db.quotes import search_quotes
from bot.db.stats import content_counts
from tests.conftest import FICTIONAL, SOUL_MATE


async def dump(db) -> list[str]:
    return [line async for line in db.conn.iterdump()]


async def test_seed_loads_the_soul_mate_file(empty_db):
    report = await seed_database(empty_db, [SOUL_MATE])
    assert (report.shows, report.people, report.characters, report.quotes) == (1, 4, 2, 9)
    counts = await content_counts(empty_db)
    assert (counts.shows, counts.people, counts.characters, counts.quotes) == (1, 4, 2, 9)


async def test_seeding_twice_changes_nothing(empty_db):
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL])
    before = await dump(empty_db)
    await seed_database(empty_db, [SOUL_MATE, FICTIONAL])
    assert await dump(empty_db) == before


async def test_reseed_applies_edits_and_keeps_quote_ids(empty_db, tmp_path):
    await seed_database(empty_db, [SOUL_MATE])
    ids = await empty_db.fetch_all("SELECT id, text FROM quotes ORDER BY id")
    edited = tmp_path / "soul-mate.toml"
    edited.write_text(
        SOUL_MATE.read_text(encoding="utf-8").replace('platform = "Netflix"', 'platform = "N"'),
        encoding="utf-8",
    )
    await seed_database(empty_db, [edited])
    row = await empty_db.fetch_one("SELECT platform FROM shows")
    assert row["platform"] == "N"
    assert await empty_db.fetch_all("SELECT id, text FROM quotes ORDER BY id") == ids


async def test_removed_entries_are_removed(empty_db, tmp_path):
    await seed_database(empty_db, [SOUL_MATE])
    text = SOUL_MATE.read_text(encoding="utf-8")
    # Drop the last quote (Netflix's) from the file.
    trimmed = tmp_path / "soul-mate.toml"
    trimmed.write_text(text[: text.rindex("[[quotes]]")], encoding="utf-8")
    await seed_database(empty_db, [trimmed])
    assert (await content_counts(empty_db)).quotes == 8


async def test_an_invalid_file_writes_nothing_at_all(empty_db, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[show]\ntitle = "Broken"\n', encoding="utf-8")
    with pytest.raises(DataFileError):
        await seed_database(empty_db, [SOUL_MATE, broken])
    assert (await content_counts(empty_db)).shows == 0


async def test_search_indexes_follow_edits(empty_db, tmp_path):
    await seed_database(empty_db, [SOUL_MATE])
    edited = tmp_path / "soul-mate.toml"
    edited.write_text(
        SOUL_MATE.read_text(encoding="utf-8")
        .replace("is a soulmate.", "is a kindred spirit.")
        .replace('aliases = ["Taecyeon", ', 'aliases = ["Okcat", '),
        encoding="utf-8",
    )
    await seed_database(empty_db, [edited])
    assert (await search_quotes(empty_db, "soulmate"))[1] == 0
    assert (await search_quotes(empty_db, "kindred"))[1] == 1
    assert [m.name for m in await search_names(empty_db, "okcat")] == ["Ok Taec-yeon"]
    assert [m.matched for m in await search_names(empty_db, "taecyeon")] != ["Taecyeon"]


def many_quotes_file(path, count: int):
    """A made-up show with `count` generated quotes."""
    lines = ['[show]\ntitle = "Generated Fiction"\npremise = "Made up for the tests."\n']
    lines.append('[[people]]\nname = "Speaker One"\n')
    for number in range(count):
        lines.append(
            f'[[quotes]]\nspeaker = "Speaker One"\ncontext = "Generated"\n'
            f'text = "Generated line {number}."\n'
        )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def test_progress_is_reported_every_thousand_quotes_and_at_each_show(empty_db, tmp_path):
    many = many_quotes_file(tmp_path / "many.toml", 2500)
    calls = []
    await seed_database(
        empty_db, [SOUL_MATE, many], progress=lambda show, done: calls.append((show.title, done))
    )
    assert calls == [
        ("Soul Mate", 9),
        ("Generated Fiction", 1000),
        ("Generated Fiction", 2000),
        ("Generated Fiction", 2500),
    ]
    assert (await content_counts(empty_db)).quotes == 2509


async def test_quotes_dropped_from_a_large_file_are_removed(empty_db, tmp_path):
    many = many_quotes_file(tmp_path / "many.toml", 2500)
    await seed_database(empty_db, [many])
    many_quotes_file(many, 1200)
    await seed_database(empty_db, [many])
    assert (await content_counts(empty_db)).quotes == 1200
    assert (await search_quotes(empty_db, "line 2499"))[1] == 0
