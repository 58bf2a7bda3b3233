"""The benchmark's content generator, at a tiny size: a valid database the bot can search."""

import asyncio
import sqlite3

import pytest

from bench.generate import FTS_TABLES, build_database, check_database, ensure_database
from bench.inputs import HANGUL, KANA_KANJI, LATIN, draw_inputs
from bot.db import open_database
from bot.db.people import find_by_name, search_names
from bot.db.quotes import search_quotes
from bot.db.shows import find_show
from bot.search import fold_name, fold_text

QUOTES = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same content written both ways: through the FTS triggers, and rebuilt after."""
    folder = tmp_path_factory.mktemp("bench")
    paths = {}
    for method in ("triggers", "rebuild"):
        paths[method] = folder / f"{method}.db"
        asyncio.run(build_database(paths[method], QUOTES, method=method))
    return paths


def rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_database_is_valid_with_both_load_methods(built):
    for path in built.values():
        assert check_database(path) == []
        assert rows(path, "SELECT count(*) FROM quotes") == [(QUOTES,)]
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert rows(built["rebuild"], schema) == rows(built["triggers"], schema)
    for table in ("shows", "people", "characters", "names", "quotes", *FTS_TABLES.values()):
        everything = f"SELECT * FROM {table} ORDER BY rowid"
        assert rows(built["rebuild"], everything) == rows(built["triggers"], everything), table


def test_names_come_in_three_scripts_and_are_folded_like_the_bot_does(built):
    names = rows(built["rebuild"], "SELECT name, search_text FROM names")
    assert all(search_text == fold_name(name) for name, search_text in names)
    for script in (LATIN, HANGUL, KANA_KANJI):
        assert any(script.search(name) for name, _ in names), script.pattern
    quotes = rows(built["rebuild"], "SELECT text, search_text FROM quotes")
    assert all(search_text == fold_text(text) for text, search_text in quotes)


async def test_the_bot_finds_quotes_names_and_shows_in_every_script(built):
    path = built["rebuild"]
    inputs = draw_inputs(path, count=10)
    db = await open_database(path)
    try:
        for kind in ("Latin word", "Hangul", "kanji / kana", "phrase"):
            for text in inputs.quotes[kind]:
                found, total = await search_quotes(db, text)
                assert found and total >= len(found), (kind, text)
        for kind in ("Latin prefix", "Latin substring", "Hangul", "kanji / kana"):
            for text in inputs.names[kind]:
                assert await search_names(db, text), (kind, text)
        for text in inputs.quotes["no match"]:
            assert await search_quotes(db, text) == ([], 0)
        # Misspelled names find nothing, so /who answers "did you mean".
        assert inputs.misspelled["misspelled name"]
        for text in inputs.misspelled["misspelled name"]:
            assert await find_by_name(db, text) is None, text
            assert not await search_names(db, text), text
        (title, native), *_ = rows(path, "SELECT title, native_title FROM shows")
        assert (await find_show(db, title)).title == title
        assert (await find_show(db, native)).title == title
    finally:
        await db.close()


async def test_a_cached_database_is_reused(tmp_path):
    path, report = await ensure_database(40, cache_dir=tmp_path, log=lambda _: None)
    written = path.stat().st_mtime_ns
    again, cached = await ensure_database(40, cache_dir=tmp_path, log=lambda _: None)
    assert (again, cached) == (path, report)
    assert path.stat().st_mtime_ns == written
    assert report.quotes == 40 and report.shows >= 1
