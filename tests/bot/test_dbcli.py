"""`kdrama-bot db …` in-process: what each command prints, writes and returns.

(tests/bot/test_main.py runs the same commands as the real process.)
"""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import dbcli
from bot.db import DatabaseError, connection, open_database
from bot.db.community import submit_quote
from bot.db.connection import migrations
from bot.settings import SettingsError, load_settings
from tests.bot.content.test_seed import many_quotes_file
from tests.bot.db.test_connection import damage_pages, user_version
from tests.conftest import FICTIONAL, ROOT, SOUL_MATE


def settings_for(tmp_path: Path, shows_dir: Path = ROOT / "data" / "shows"):
    return load_settings(
        {"DATABASE_PATH": str(tmp_path / "kdrama.db"), "SHOWS_DIR": str(shows_dir)},
        env_file=None,
    )


@pytest.fixture
def settings(tmp_path):
    return settings_for(tmp_path)


@pytest.fixture
def seeded(settings, capsys):
    assert dbcli.seed(settings, [SOUL_MATE, FICTIONAL]) == 0
    capsys.readouterr()
    return settings


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# -- validate ------------------------------------------------------------------------------------


def test_validate_sums_up_valid_files_in_one_line(settings, capsys):
    assert dbcli.validate(settings, []) == 0
    assert capsys.readouterr() == (
        "1 file is valid: 1 show, 4 people, 2 characters, 9 quotes.\n",
        "",
    )
    assert dbcli.validate(settings, [FICTIONAL.parent, SOUL_MATE]) == 0
    assert capsys.readouterr().out == (
        "2 files are valid: 2 shows, 6 people, 3 characters, 11 quotes.\n"
    )
    assert not settings.database_path.exists()


def test_validate_lists_every_problem_then_counts_them(settings, tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[show]\ntitle = "X"\n\n[[quotes]]\ntext = "Hi"\nspeaker = "Jo Han"\n', encoding="utf-8"
    )
    assert dbcli.validate(settings, [broken, SOUL_MATE]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"{broken}:1 show.premise: is required\n"
        f"{broken}:4 quotes[0].context: is required\n"
        f"{broken}:6 quotes[0].speaker: no person or character named 'Jo Han'\n"
        "3 problems in 1 of 2 files.\n"
    )


def test_an_empty_folder_of_data_files_is_a_settings_problem(tmp_path):
    with pytest.raises(SettingsError, match=f"No data files to validate: {tmp_path} has no"):
        dbcli.validate(settings_for(tmp_path, shows_dir=tmp_path), [])


# -- seed ----------------------------------------------------------------------------------------


def test_seed_writes_nothing_on_any_error(settings, tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text('[show]\ntitle = "X"\n', encoding="utf-8")
    assert dbcli.seed(settings, [SOUL_MATE, broken]) == 1
    assert capsys.readouterr().err == (
        f"{broken}:1 show.premise: is required\n1 problem in 1 of 2 files; nothing was written.\n"
    )
    assert not settings.database_path.exists()


def test_seed_twice_changes_nothing_and_small_imports_are_quiet(seeded, capsys):
    before = dump(seeded.database_path)
    assert dbcli.seed(seeded, [SOUL_MATE, FICTIONAL]) == 0
    assert capsys.readouterr() == (
        f"Seeded {seeded.database_path}: 2 shows, 6 people, 3 characters, 11 quotes.\n",
        "",
    )
    assert dump(seeded.database_path) == before


def test_seed_of_one_file_refuses_a_name_a_show_in_the_database_has(seeded, tmp_path, capsys):
    """The other show's file is not given, but its names are in the database: /show would
    never give the new show for a name they share."""
    before = dump(seeded.database_path)
    rival = tmp_path / "rival.toml"
    rival.write_text(
        '[show]\ntitle = "Rival"\npremise = "Made up for the tests."\n'
        'aliases = ["Second Oven", "SOUL-MATE"]\n',
        encoding="utf-8",
    )
    assert dbcli.seed(seeded, [rival]) == 1
    assert capsys.readouterr().err == (
        f"{rival}:4 show.aliases[1]: the name 'SOUL-MATE' is also a name of 'Soul Mate' in the "
        "database; two shows may not share a title, native title or alias\n"
        "1 problem; nothing was written.\n"
    )
    assert dump(seeded.database_path) == before
    # db validate says so before any seed is tried, and changes nothing either.
    assert dbcli.validate(seeded, [rival]) == 1
    assert capsys.readouterr() == (
        "",
        f"{rival}:4 show.aliases[1]: the name 'SOUL-MATE' is also a name of 'Soul Mate' in the "
        "database; two shows may not share a title, native title or alias\n1 problem.\n",
    )
    assert dump(seeded.database_path) == before
    # A show already there, seeded again on its own, is the same show: no clash with itself.
    assert dbcli.seed(seeded, [SOUL_MATE]) == 0
    assert dump(seeded.database_path) == before


def test_a_large_seed_shows_each_file_and_how_far_it_is(settings, tmp_path, capsys, monkeypatch):
    many = many_quotes_file(tmp_path / "many.toml", 2500)
    monkeypatch.setattr(dbcli, "LARGE_FILES", 100_000)
    bytes_to_check = dbcli.size(SOUL_MATE.stat().st_size + many.stat().st_size)
    assert dbcli.seed(settings, [SOUL_MATE, many]) == 0
    out, err = capsys.readouterr()
    summary = "2 shows, 5 people, 2 characters, 2509 quotes"
    assert out == f"Seeded {settings.database_path}: {summary}.\n"
    assert err == (
        f"Checking 2 files ({bytes_to_check})…\n"
        f"Importing {summary} into {settings.database_path}, in one transaction…\n"
        f"{SOUL_MATE}: 4 people, 2 characters, 9 quotes\n"
        f"{many}: 1000 of 2500 quotes\n"
        f"{many}: 2000 of 2500 quotes\n"
        f"{many}: 1 person, 0 characters, 2500 quotes\n"
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_one_line_that_counts_up(tmp_path):
    from bot.content import load_show_file

    show = load_show_file(many_quotes_file(tmp_path / "many.toml", 3000))
    stream = Terminal()
    progress = dbcli.ImportProgress(stream)
    for done in (1000, 2000, 3000):
        progress(show, done)
    clear = "\r\x1b[K"
    assert stream.getvalue() == (
        f"{show.file}: 1000 of 3000 quotes{clear}{show.file}: 2000 of 3000 quotes"
        f"{clear}{show.file}: 1 person, 0 characters, 3000 quotes\n"
    )


def test_seed_refuses_a_damaged_database(seeded):
    damage_pages(seeded.database_path, range(10, 20))
    before = seeded.database_path.read_bytes()
    with pytest.raises(DatabaseError, match="is damaged"):
        dbcli.seed(seeded, [SOUL_MATE])
    assert seeded.database_path.read_bytes() == before


# -- export --------------------------------------------------------------------------------------


def test_export_writes_a_file_per_show_and_never_overwrites_without_force(seeded, tmp_path, capsys):
    out = tmp_path / "out"
    assert dbcli.export(seeded, out, force=False) == 0
    assert capsys.readouterr() == (
        f"{out / 'fictional-bakery.toml'}: 2 people, 1 character, 2 quotes\n"
        f"{out / 'soul-mate.toml'}: 4 people, 2 characters, 9 quotes\n"
        f"Exported 2 shows from {seeded.database_path}.\n",
        "",
    )
    assert dbcli.export(seeded, out, force=False) == 1
    assert capsys.readouterr().err == (
        f"Nothing was written: {out / 'fictional-bakery.toml'}, {out / 'soul-mate.toml'} already "
        "exist. Use --force to replace them, or choose another folder.\n"
    )
    assert dbcli.export(seeded, out, force=True) == 0


def test_export_round_trip_through_the_command_line(seeded, tmp_path):
    before = dump(seeded.database_path)
    assert dbcli.export(seeded, tmp_path / "out", force=False) == 0
    assert dbcli.seed(seeded, [tmp_path / "out"]) == 0
    assert dump(seeded.database_path) == before


def test_export_of_an_empty_database_says_so(settings, capsys):
    asyncio.run(close(open_database(settings.database_path)))
    assert dbcli.export(settings, Path("out"), force=False) == 1
    assert capsys.readouterr().err == f"{settings.database_path} holds no shows to export.\n"


async def close(opening):
    await (await opening).close()


def test_reading_commands_never_create_or_upgrade_a_database(settings, capsys):
    with pytest.raises(DatabaseError, match=r"There is no database at .* db seed` creates"):
        dbcli.stats(settings)
    with pytest.raises(DatabaseError, match=r"There is no database at"):
        dbcli.export(settings, Path(), force=True)
    assert not settings.database_path.exists()
    asyncio.run(close(open_database(settings.database_path)))
    with sqlite3.connect(settings.database_path) as conn:
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    for command in (dbcli.stats, lambda s: dbcli.export(s, Path(), force=False)):
        with pytest.raises(DatabaseError, match="has schema version 2; this kdrama-bot uses"):
            command(settings)
    assert user_version(settings.database_path) == 2


# -- backup --------------------------------------------------------------------------------------


def test_backup_copies_the_database(seeded, tmp_path, capsys):
    target = tmp_path / "backup.db"
    assert dbcli.backup(seeded, target, force=False) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Backed up {seeded.database_path} to {target} (")
    assert out.endswith(" KB, quick_check passed).\n") and err == ""
    assert dump(target) == dump(seeded.database_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "kdrama.db"]


def test_backup_refuses_to_overwrite_without_force(seeded, tmp_path, capsys):
    target = tmp_path / "backup.db"
    target.write_bytes(b"an older backup")
    assert dbcli.backup(seeded, target, force=False) == 1
    assert capsys.readouterr().err == (
        f"{target} already exists, so nothing was written. Choose another PATH, or add --force to "
        "replace it.\n"
    )
    assert target.read_bytes() == b"an older backup"
    assert dbcli.backup(seeded, target, force=True) == 0
    assert dump(target) == dump(seeded.database_path)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("kdrama.db", "{target} is the database itself. Choose another file for the backup."),
        ("kdrama.db-wal", "{target} is the database itself. Choose another file for the backup."),
        (".", "{target} is a folder. Give the backup a file name, such as {target}/kdrama-"),
        ("no/such/folder.db", "The folder {target.parent} does not exist. Create it, or choose"),
    ],
)
def test_backup_refuses_paths_it_must_not_write(seeded, tmp_path, capsys, where, message):
    target = tmp_path / where
    assert dbcli.backup(seeded, target, force=True) == 1
    assert capsys.readouterr().err.startswith(message.format(target=target))


@pytest.mark.parametrize("where", ["notes.txt/kdrama.bak", "notes.txt/2026/kdrama.bak"])
def test_backup_into_a_file_says_it_is_a_file(seeded, tmp_path, capsys, where):
    # Before: "The folder …/notes.txt does not exist. Create it, or choose another PATH." (or
    # …/notes.txt/2026): it does exist, as a file, and no folder can be made in it.
    (tmp_path / "notes.txt").write_text("notes")
    assert dbcli.backup(seeded, tmp_path / where, force=False) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'notes.txt'} is a file, not a folder, so nothing was written. Choose a PATH "
        f"in a folder.\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "notes"


def test_backup_without_a_database_is_a_database_problem(settings, tmp_path):
    with pytest.raises(DatabaseError, match="There is no database at"):
        dbcli.backup(settings, tmp_path / "backup.db", force=False)


def test_a_damaged_database_is_not_backed_up_over_a_good_backup(seeded, tmp_path):
    target = tmp_path / "backup.db"
    assert dbcli.backup(seeded, target, force=False) == 0
    good = target.read_bytes()
    damage_pages(seeded.database_path, range(10, 20))
    with pytest.raises(DatabaseError) as raised:
        dbcli.backup(seeded, target, force=True)
    assert str(raised.value).startswith(
        f"No backup was written. The database file {seeded.database_path} is damaged"
    )
    assert target.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "kdrama.db"]


def test_backup_is_consistent_while_another_connection_writes(seeded, tmp_path):
    """The bot writes while the backup runs: the copy is one committed state, and the writer is
    never held up."""
    path = seeded.database_path
    with sqlite3.connect(path) as conn:  # some bulk, so that the copy takes a moment
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            ((f"padding {n}", "x" * 500) for n in range(20_000)),
        )
    conn.close()
    commits = 0
    stop = threading.Event()

    def write() -> None:
        nonlocal commits
        writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        writer.execute("PRAGMA busy_timeout = 5000")
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        while not stop.is_set():
            # Two rows a transaction: a copy that held one without the other would be torn.
            writer.execute("BEGIN IMMEDIATE")
            writer.execute(
                "INSERT INTO meta VALUES (?, 'a'), (?, 'b')", (f"a{commits}", f"b{commits}")
            )
            writer.execute("COMMIT")
            commits += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while commits < 20:
            stop.wait(0.01)
        before = commits
        assert dbcli.backup(seeded, tmp_path / "backup.db", force=False) == 0
        during = commits - before
    finally:
        stop.set()
        thread.join()
    assert during > 0, "the writer waited for the backup"
    copy = sqlite3.connect(tmp_path / "backup.db")
    try:
        assert copy.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        pairs = copy.execute(
            "SELECT sum(value = 'a'), sum(value = 'b') FROM meta WHERE value IN ('a', 'b')"
        ).fetchone()
    finally:
        copy.close()
    assert pairs[0] == pairs[1]
    assert before <= pairs[0] <= commits


def test_backup_leaves_out_a_transaction_still_open(seeded, tmp_path):
    writer = sqlite3.connect(seeded.database_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO meta VALUES ('unfinished', 'x')")
        assert dbcli.backup(seeded, tmp_path / "backup.db", force=False) == 0
        writer.execute("COMMIT")
    finally:
        writer.close()
    copy = sqlite3.connect(tmp_path / "backup.db")
    try:
        assert copy.execute("SELECT count(*) FROM meta WHERE key = 'unfinished'").fetchone() == (0,)
    finally:
        copy.close()


# -- stats ---------------------------------------------------------------------------------------


async def add_server_activity(path: Path) -> None:
    db = await open_database(path)
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    try:
        for guild, number in [(1001, 1), (1001, 2), (1001, 3), (2002, 4)]:
            await submit_quote(
                db, guild_id=guild, show_id=None, text=f"Made-up line {number}", speaker="A fan",
                context=None, submitter_id=7, now=now,
            )  # fmt: skip
        await db.conn.execute("UPDATE community_quotes SET state = 'approved' WHERE id IN (1, 4)")
        await db.conn.execute("UPDATE community_quotes SET state = 'rejected' WHERE id = 2")
        for kind, state in [
            ("announcement", "posted"), ("announcement", "posted"),
            ("announcement", "scheduled"), ("quote_of_the_day", "scheduled"),
            ("announcement", "failed"),
        ]:  # fmt: skip
            await db.conn.execute(
                "INSERT INTO announcements (guild_id, channel_id, author_id, kind, title, body,"
                " state, created_at) VALUES (1001, 5, 7, ?, 'T', 'B', ?, ?)",
                (kind, state, now.isoformat()),
            )
    finally:
        await db.close()


def test_stats_counts_per_show_per_server_and_by_state(seeded, capsys):
    asyncio.run(add_server_activity(seeded.database_path))
    assert dbcli.stats(seeded) == 0
    out, err = capsys.readouterr()
    first, rest = out.split("\n", 1)
    assert first.startswith(f"{seeded.database_path}: ")
    assert first.endswith(f", schema version {len(migrations())}")
    assert err == ""
    assert rest == (
        "\n"
        "show                  people  characters  quotes\n"
        "Soul Mate                  4           2       9\n"
        "The Fictional Bakery       2           1       2\n"
        "all shows                  6           3      11\n"
        "\n"
        "community quotes  pending  approved  rejected  withdrawn  removed\n"
        "server 1001             1         1         1          0        0\n"
        "server 2002             0         1         0          0        0\n"
        "\n"
        "announcements  announcement  quote of the day\n"
        "scheduled                 1                 1\n"
        "posted                    2                 0\n"
        "failed                    1                 0\n"
    )


def test_stats_of_a_new_database(settings, capsys):
    asyncio.run(close(open_database(settings.database_path)))
    assert dbcli.stats(settings) == 0
    assert capsys.readouterr().out.split("\n", 2)[2] == (
        "shows: none (kdrama-bot db seed loads them)\n"
        "\n"
        "community quotes: none\n"
        "\n"
        "announcements: none\n"
    )


def test_sizes_are_short():
    assert [dbcli.size(n) for n in (0, 999, 1000, 212_992, 54_366_208, 3e12)] == [
        "0 bytes", "999 bytes", "1.0 KB", "213.0 KB", "54.4 MB", "3000.0 GB",
    ]  # fmt: skip


def test_seed_while_another_connection_holds_the_write_lock_says_so(seeded, tmp_path, monkeypatch):
    """Another `db seed`, or the bot, writing for longer than the busy timeout: a message, not
    a traceback, and nothing written."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    path = seeded.database_path
    before = dump(path)
    edited = tmp_path / "edited"
    assert dbcli.export(seeded, edited, force=False) == 0
    for file in edited.iterdir():
        file.write_text(file.read_text(encoding="utf-8").replace("Bread", "Cake"), "utf-8")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError) as raised:
            dbcli.seed(seeded, [edited])
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert str(raised.value) == (
        f"Nothing was written. The database file {path} is busy: another connection (the bot, "
        "or another `kdrama-bot db` command) kept it locked for more than 0.05 seconds. Try "
        "again once it is done."
    )
    assert dump(path) == before


@pytest.mark.parametrize(
    "command",
    [
        lambda settings: dbcli.stats(settings),
        lambda settings: dbcli.export(settings, settings.database_path.parent, force=False),
        lambda settings: dbcli.backup(settings, settings.database_path.parent / "b", force=False),
        lambda settings: dbcli.seed(settings, [FICTIONAL]),
    ],
    ids=["stats", "export", "backup", "seed"],
)
def test_database_path_at_a_folder_is_named_as_one(tmp_path, command):
    folder = tmp_path / "data"
    folder.mkdir()
    settings = load_settings({"DATABASE_PATH": str(folder)}, env_file=None)
    with pytest.raises(DatabaseError) as raised:
        command(settings)
    assert str(raised.value) == (
        f"DATABASE_PATH is {folder}, which is a folder, not a database file. Set DATABASE_PATH "
        f"to a file, such as {folder / 'kdrama.db'}."
    )
    assert sorted(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_a_backup_sqlite_cannot_create_is_refused_without_a_traceback(
    seeded, tmp_path, capsys, thread_deaths
):
    target = tmp_path / ("b" * 250)  # its partial copy's name is too long for the file system
    assert dbcli.backup(seeded, target, force=False) == 1
    assert capsys.readouterr().err == (
        f"Could not back up {seeded.database_path} to {target}: File name too long. "
        "Nothing was written.\n"
    )
    assert thread_deaths() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kdrama.db"]


def test_backup_never_replaces_what_is_not_a_file(seeded, tmp_path, capsys):
    """`--force` replaces an old backup; never a device or a pipe (`/dev/null`, as root)."""
    target = tmp_path / "pipe"
    os.mkfifo(target)
    assert dbcli.backup(seeded, target, force=True) == 1
    assert capsys.readouterr().err == (
        f"{target} is not a regular file (a device, a pipe or a socket), so nothing was "
        "written. Choose a file for the backup.\n"
    )
    assert stat.S_ISFIFO(target.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kdrama.db", "pipe"]


def test_seed_into_a_newer_schema_names_the_file_and_writes_nothing(settings):
    path = settings.database_path
    asyncio.run(close(open_database(path)))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = dump(path)
    with pytest.raises(DatabaseError) as raised:
        dbcli.seed(settings, [FICTIONAL])
    assert str(raised.value) == (
        f"{path} has schema version 99, newer than this kdrama-bot knows ({len(migrations())}). "
        "Upgrade kdrama-bot, or point DATABASE_PATH at another file."
    )
    assert dump(path) == before


def test_one_file_named_twice_in_two_ways_is_read_once(settings, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    twice = [
        Path("tests/fixtures/shows"),
        FICTIONAL.parent / ".." / "shows" / FICTIONAL.name,
        SOUL_MATE,
        Path("data/shows/soul-mate.toml"),
    ]
    assert dbcli.validate(settings, twice) == 0
    assert capsys.readouterr() == (
        "2 files are valid: 2 shows, 6 people, 3 characters, 11 quotes.\n",
        "",
    )
    assert dbcli.seed(settings, twice) == 0
    assert capsys.readouterr().out == (
        f"Seeded {settings.database_path}: 2 shows, 6 people, 3 characters, 11 quotes.\n"
    )


def test_validate_checks_the_files_alone_when_the_database_cannot_be_read(seeded, capsys):
    with sqlite3.connect(seeded.database_path) as conn:
        conn.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    assert dbcli.validate(seeded, [SOUL_MATE]) == 0
    out, err = capsys.readouterr()
    assert out == "1 file is valid: 1 show, 4 people, 2 characters, 9 quotes.\n"
    assert err.endswith(
        f"\nThe files were not compared with the shows in {seeded.database_path}.\n"
    )


# -- remove --------------------------------------------------------------------------------------


def test_remove_says_what_it_would_take_and_takes_nothing_without_yes(seeded, capsys):
    before = dump(seeded.database_path)
    assert dbcli.remove(seeded, ["fictional-bakery"], yes=False) == 1
    assert capsys.readouterr() == (
        "Would remove The Fictional Bakery (fictional-bakery): 1 character, 1 credit, 2 quotes.\n",
        "Nothing was removed: run it again with --yes to remove them.\n",
    )
    assert dump(seeded.database_path) == before


async def _submit_and_feature(path: Path, show_slug: str) -> None:
    db = await open_database(path)
    try:
        (show_id,) = await db.fetch_one("SELECT id FROM shows WHERE slug = ?", (show_slug,))
        await submit_quote(
            db, guild_id=7, show_id=show_id, text="A line from the bakery.", speaker="A fan",
            context=None, submitter_id=8, now=datetime(2026, 11, 25, tzinfo=UTC),
        )  # fmt: skip
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, featured_show_id) VALUES (7, ?)", (show_id,)
            )
    finally:
        await db.close()


def test_remove_with_yes_takes_the_show_and_whom_no_other_show_has(seeded, capsys):
    asyncio.run(_submit_and_feature(seeded.database_path, "fictional-bakery"))
    assert dbcli.remove(seeded, ["fictional-bakery"], yes=True) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Removed The Fictional Bakery (fictional-bakery): 1 character, 1 credit, 2 quotes; "
        "1 community quote stays, without a show.\n1 show removed, and 2 people in no other show."
    )
    conn = sqlite3.connect(seeded.database_path)
    try:
        assert conn.execute("SELECT slug FROM shows").fetchall() == [("soul-mate",)]
        people = {name for (name,) in conn.execute("SELECT name FROM people")}
        assert "Yoon Ha-neul" not in people and "Ok Taec-yeon" in people
        assert conn.execute("SELECT count(*) FROM names WHERE name = 'Baker Kang'").fetchone() == (
            0,
        )
        assert conn.execute("SELECT show_id, text FROM community_quotes").fetchall() == [
            (None, "A line from the bakery.")
        ]
        assert conn.execute("SELECT featured_show_id FROM guild_settings").fetchall() == [(None,)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    # Soul Mate is whole: seeding it again changes nothing.
    before = dump(seeded.database_path)
    assert dbcli.seed(seeded, [SOUL_MATE]) == 0
    assert dump(seeded.database_path) == before


def test_remove_of_an_unknown_slug_removes_nothing_and_lists_the_shows(seeded, capsys):
    before = dump(seeded.database_path)
    assert dbcli.remove(seeded, ["nope", "fictional-bakery"], yes=True) == 1
    assert capsys.readouterr() == (
        "",
        "No show has the slug 'nope'; nothing was removed. The shows: "
        "soul-mate (Soul Mate), fictional-bakery (The Fictional Bakery).\n",
    )
    assert dump(seeded.database_path) == before


def test_remove_never_creates_a_database(settings):
    with pytest.raises(DatabaseError, match="There is no database at"):
        dbcli.remove(settings, ["soul-mate"], yes=True)
    assert not settings.database_path.exists()
