import pytest

from bot.db import DatabaseError, open_database
from bot.db.connection import migrations, schema_version


async def test_new_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    db = await open_database(tmp_path / "sub" / "kdrama.db")
    try:
        assert await schema_version(db.conn) == len(migrations())
        assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetch_one("PRAGMA foreign_keys"))[0] == 1
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
