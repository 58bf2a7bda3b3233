import asyncio
import logging
import socket
import sqlite3

import pytest

from bot.content import seed_database
from bot.db import DatabaseError, connection, open_database
from bot.db.connection import MIGRATING, migrations, schema_version
from tests.conftest import SOUL_MATE


async def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    db = await open_database(tmp_path / "sub" / "kdrama.db")
    try:
        assert await schema_version(db.conn) == len(migrations())
        # Settings of the writing connection.
        assert (await db.conn.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
        assert (await db.conn.execute_fetchall("PRAGMA foreign_keys"))[0][0] == 1
    finally:
        await db.close()


async def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await db.conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    await db.close()
    db = await open_database(path)
    try:
        assert (await db.fetch_one("SELECT value FROM meta WHERE key = 'k'"))[0] == "v"
    finally:
        await db.close()


async def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path):
    path = tmp_path / "kdrama.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError) as raised:
        await open_database(path)
    assert str(path) in str(raised.value)
    assert "backup" in str(raised.value)


async def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await db.conn.execute("PRAGMA user_version = 999")
    await db.close()
    with pytest.raises(DatabaseError, match="newer than this kdrama-bot knows"):
        await open_database(path)


async def test_a_failed_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM quotes")
            raise RuntimeError("boom")
    assert (await db.fetch_one("SELECT count(*) FROM quotes"))[0] == 9


@pytest.fixture
def upgrade(monkeypatch):
    """`upgrade()` adds a newer migration, as installing a newer kdrama-bot does; returns its
    version."""
    real = migrations()
    version = len(real) + 1
    extra = (version, f"{version:04d}_extra.sql", "CREATE TABLE extra (x INTEGER);")

    def install() -> int:
        monkeypatch.setattr(connection, "migrations", lambda: [*real, extra])
        return version

    return install


def user_version(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


async def test_an_upgrade_backs_up_the_database_first(tmp_path, upgrade):
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await db.conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    await db.close()
    current = user_version(path)

    new_version = upgrade()
    db = await open_database(path)
    await db.close()

    backup = tmp_path / f"kdrama.db.before-v{new_version}.bak"
    assert user_version(backup) == current
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone() == ("yes",)
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in tables
    finally:
        copy.close()
    assert user_version(path) == new_version


async def test_a_new_or_current_database_is_not_backed_up(tmp_path):
    path = tmp_path / "kdrama.db"
    for _ in range(2):
        db = await open_database(path)
        await db.close()
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


async def test_an_earlier_backup_is_never_overwritten(tmp_path, upgrade):
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await db.close()
    new_version = upgrade()
    earlier = tmp_path / f"kdrama.db.before-v{new_version}.bak"
    earlier.write_bytes(b"an older backup")
    db = await open_database(path)
    await db.close()
    assert earlier.read_bytes() == b"an older backup"
    assert user_version(tmp_path / f"kdrama.db.before-v{new_version}.1.bak") == new_version - 1


async def test_a_failed_backup_leaves_the_database_unchanged(tmp_path, monkeypatch, upgrade):
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await db.close()
    current = user_version(path)

    async def no_space(conn, target):
        target.write_bytes(b"half a copy")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(connection, "backup_database", no_space)
    upgrade()
    with pytest.raises(DatabaseError, match="Nothing was changed") as raised:
        await open_database(path)
    assert "No space left on device" in str(raised.value)
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []
    assert user_version(path) == current


def damage_pages(path, pages: range) -> None:
    """Overwrite the b-tree page headers of `pages` (4 KiB each), as a failing disk might."""
    data = bytearray(path.read_bytes())
    for page in pages:
        data[(page - 1) * 4096 : (page - 1) * 4096 + 8] = b"\x0d\x00\x00\xff\xff\x00\x00\x00"
    path.write_bytes(bytes(data))


@pytest.fixture
async def damaged(tmp_path):
    """A seeded database whose pages 10 to 19 are damaged: SQLite still opens it."""
    path = tmp_path / "kdrama.db"
    db = await open_database(path)
    await seed_database(db, [SOUL_MATE])
    await db.close()
    damage_pages(path, range(10, 20))
    return path


async def test_quick_check_refuses_a_damaged_database_and_says_how_to_restore(damaged):
    with pytest.raises(DatabaseError) as raised:
        await open_database(damaged, check=True)
    message = str(raised.value)
    assert message.startswith(f"The database file {damaged} is damaged (PRAGMA quick_check found:")
    assert "kdrama-bot will not use it" in message
    assert "`kdrama-bot db backup`" in message
    assert f"move {damaged} aside, with its -wal and -shm files" in message
    assert "kdrama.db.before-vN.bak" in message


async def test_without_check_a_damaged_database_still_opens(damaged):
    # The doctor and the sandbox open it this way: they report or copy, and decide themselves.
    db = await open_database(damaged)
    await db.close()


async def test_quick_check_passes_on_a_healthy_database(db):
    await connection.quick_check(db.conn, db.path)


async def test_an_unreadable_database_file_is_named_with_what_to_check(tmp_path):
    path = tmp_path / ("kdrama" * 50 + ".db")  # a name longer than the file system allows
    with pytest.raises(DatabaseError) as raised:
        await open_database(path, check=True)
    message = str(raised.value)
    assert message.startswith(f"The database file {path} cannot be used:")
    assert "may read and write it" in message and "`kdrama-bot db backup`" in message


def test_damage_is_told_apart_from_other_errors():
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    assert connection.is_damage(corrupt)
    assert not connection.is_damage(busy)
    assert not connection.is_damage(OSError("no space"))


async def test_quick_reads_run_on_the_event_loop_and_slow_ones_on_the_thread(db, monkeypatch):
    thread_reads = []
    original = db.conn.execute_fetchall

    async def on_thread(sql, params=()):
        thread_reads.append(sql)
        return await original(sql, params)

    monkeypatch.setattr(db.conn, "execute_fetchall", on_thread)
    assert (await db.fetch_one("SELECT title FROM shows"))["title"] == "Soul Mate"
    assert thread_reads == []
    # Over the budget: stopped on the loop, then answered in full on the thread.
    slow = """
        WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)
        SELECT count(*) FROM n
    """
    assert (await db.fetch_one(slow))[0] == 3_000_000
    assert thread_reads == [slow]


async def test_reads_see_what_the_writing_connection_committed(db):
    before = db.data_version()
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('seen', 'yes')")
        # Not committed yet: reads don't see it.
        assert await db.fetch_one("SELECT value FROM meta WHERE key = 'seen'") is None
    assert (await db.fetch_one("SELECT value FROM meta WHERE key = 'seen'"))[0] == "yes"
    assert db.data_version() != before


async def test_the_reading_connection_cannot_write(db):
    with pytest.raises(sqlite3.OperationalError):
        db._reader.execute("DELETE FROM shows")
    assert (await db.fetch_one("SELECT count(*) FROM shows"))[0] == 1


async def test_the_reading_connection_keeps_the_busy_pages_of_the_search_indexes(db):
    # With SQLite's default 2 MB, a search's pages came from the file again on most answers.
    (kib,) = db._reader.execute("PRAGMA cache_size").fetchone()
    assert kib == -connection.READ_CACHE_KIB


def test_the_file_check_names_a_damaged_file(damaged):
    with pytest.raises(DatabaseError) as raised:
        connection.start_file_check(damaged).result(timeout=30)
    message = str(raised.value)
    assert message.startswith(f"The database file {damaged} is damaged (PRAGMA quick_check found:")
    assert "`kdrama-bot db backup`" in message


async def test_the_file_check_passes_a_healthy_file_and_leaves_a_missing_one_missing(db, tmp_path):
    assert connection.start_file_check(db.path).result(timeout=30) is None
    missing = tmp_path / "new" / "kdrama.db"
    connection.check_file_now(missing)
    assert not missing.exists()


def test_the_file_check_tells_an_unreadable_file_from_a_damaged_one(tmp_path):
    path = tmp_path / "kdrama.db"
    with socket.socket(socket.AF_UNIX) as listening:  # there, but no file SQLite can open
        listening.bind(str(path))
        with pytest.raises(DatabaseError, match="cannot be used:"):
            connection.check_file_now(path)


def test_the_file_check_names_a_folder_as_one(tmp_path):
    (tmp_path / "kdrama.db").mkdir()
    with pytest.raises(DatabaseError, match="is a folder, not a database file"):
        connection.check_file_now(tmp_path / "kdrama.db")


def database_at_version(folder, version: int, rows: str):
    """A database file as migration `version` left it, holding `rows` (SQL inserts)."""
    path = folder / "kdrama.db"
    with sqlite3.connect(path) as conn:
        for _version, _name, sql in migrations()[:version]:
            conn.executescript(sql)
        conn.executescript(f"{rows}\nPRAGMA user_version = {version};")
    return path


async def test_upgrading_to_version_5_indexes_the_short_pieces_already_there(tmp_path):
    from bot.db.people import search_names
    from bot.db.quotes import search_quotes

    # A database as version 4 left it, with a show, a person and a quote.
    path = database_at_version(
        tmp_path,
        4,
        """
        INSERT INTO shows (id, slug, title, premise, search_text)
            VALUES (1, 'bridges', 'Bridges', 'A test show.', '|bridges|');
        INSERT INTO people (id, slug, name) VALUES (1, 'ok', 'Ok Taec-yeon');
        INSERT INTO names (person_id, name, kind, search_text)
            VALUES (1, '옥택연', 'native', '옥택연');
        INSERT INTO quotes (show_id, position, text, speaker_name, context, search_text)
            VALUES (1, 0, '古い橋', 'Test', 'A test', '古い橋');
        """,
    )
    db = await open_database(path)
    try:
        assert await schema_version(db.conn) == len(migrations())
        # 橋 ends the text; 택 is inside the name: neither is found without the pieces.
        assert [q.text for q in (await search_quotes(db, "橋"))[0]] == ["古い橋"]
        assert [q.text for q in (await search_quotes(db, "い橋"))[0]] == ["古い橋"]
        assert [m.name for m in await search_names(db, "택")] == ["Ok Taec-yeon"]
        tables = {row[0] for row in await db.fetch_all("SELECT name FROM sqlite_master")}
        assert "quote_bigrams" not in tables
    finally:
        await db.close()


async def test_telling_the_data_version_is_never_stopped_by_an_earlier_reads_budget(
    db, monkeypatch
):
    # SQLite counts a statement's steps across its runs, so the budget check also comes up
    # while the data version is read, long after the last read's budget ran out. A budget this
    # long is never spent by one PRAGMA, even on a machine busy enough to pause the process.
    monkeypatch.setattr(connection, "INLINE_READ_BUDGET", 0.1)
    await db.fetch_one("SELECT 1")
    await asyncio.sleep(2 * connection.INLINE_READ_BUDGET)
    versions = {db.data_version() for _ in range(3 * connection._BUDGET_CHECK_STEPS)}
    assert len(versions) == 1


TWO_QUOTES = """
    INSERT INTO shows (id, slug, title, premise, search_text)
        VALUES (1, 'words', 'Words', 'A test show.', '|words|');
    INSERT INTO quotes (show_id, position, text, speaker_name, context, search_text)
        VALUES (1, 0, 'Army, the young ones!', 'Test', 'A test', 'army the young ones'),
               (1, 1, 'My, the end', 'Test', 'A test', 'my the end');
"""


@pytest.mark.parametrize(
    ("version", "table", "match", "rowids", "search"),
    [
        # 0006: the words' pairs, in order ("the_you", and a word ending in "my" before "the").
        (5, "quote_pairs", 'forward : ("the_you")', [1], "my the you"),
        # 0008: the pairs by quote, for the prefixes ("the_y"*, and "the.ym"*).
        (7, "quote_pair_terms", '"the.ym"*', [1, 2], "my the y"),
        # 0009: quote_pairs made again, forward only.
        (8, "quote_pairs", 'forward : ("the_you")', [1], "my the you"),
    ],
)
async def test_an_upgrade_indexes_the_pairs_of_the_quotes_already_there(
    tmp_path, caplog, version, table, match, rowids, search
):
    from bot.db.quotes import search_quotes

    with caplog.at_level(logging.INFO, logger="bot.db.connection"):
        db = await open_database(database_at_version(tmp_path, version, TWO_QUOTES))
    # Whoever watches a big database's first start after an upgrade is told why it waits.
    assert MIGRATING % migrations()[-1][1] in caplog.messages
    try:
        assert await schema_version(db.conn) == len(migrations())
        found = await db.fetch_all(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,))
        assert [row[0] for row in found] == rowids
        texts = [quote.text for quote in (await search_quotes(db, search))[0]]
        assert texts == ["Army, the young ones!"]
        columns = await db.conn.execute_fetchall(
            "SELECT name FROM pragma_table_info(?)", ("quote_pairs",)
        )
        assert [row[0] for row in columns] == ["forward"]
    finally:
        await db.close()
