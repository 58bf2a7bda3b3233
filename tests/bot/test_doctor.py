"""`kdrama-bot doctor` against the emulator: a healthy deployment, then one fault at a time."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from bot.client import KdramaBot
from bot.content import seed_database
from bot.db import open_database
from bot.db.guild_settings import ConfiguredChannel
from bot.doctor import diagnose
from bot.doctor import remote as doctor_remote
from bot.doctor.report import Status, exit_code, table
from bot.emulator import Emulator, World
from bot.emulator.discordpy import pointed_at
from bot.invite import invite_url
from bot.sandbox.render import plain_text
from bot.settings import load_settings
from bot.sync import SYNC_HASH_KEY, sync_commands
from tests.bot.test_main import emulator_settings, run
from tests.conftest import ROOT, SOUL_MATE


def deployment(emu: Emulator, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a deployment that talks to the emulator."""
    return {
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_BASE": emu.api_base,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
        "DATABASE_PATH": str(tmp_path / "kdrama.db"),
        "SHOWS_DIR": str(ROOT / "data" / "shows"),
        **settings,
    }


async def install(environ: dict[str, str], *, sync: bool = True) -> None:
    """Create, seed and (optionally) sync, as the first start of the bot does."""
    settings = load_settings(environ, env_file=None)
    db = await open_database(settings.database_path)
    await seed_database(db, [SOUL_MATE])
    if sync:
        bot = KdramaBot(settings=settings, db=db, sync_on_start=False)
        await bot.login(environ["DISCORD_TOKEN"])
        await sync_commands(bot, force=True)
        await bot.close()
    await db.close()


async def check(environ: dict[str, str], tmp_path: Path, env_text: str = "LOG_LEVEL=INFO\n"):
    env_file = tmp_path / ".env"
    env_file.write_text(env_text)
    rows = await diagnose(env_file, environ)
    return {row.check: row for row in rows}, rows


@pytest.fixture
async def healthy(emu, tmp_path):
    environ = deployment(emu, tmp_path)
    await install(environ)
    return environ


def channels(monkeypatch, *configured: ConfiguredChannel) -> None:
    async def configured_channels(db):
        return list(configured)

    monkeypatch.setattr(doctor_remote, "configured_channels", configured_channels)


async def test_a_healthy_deployment_is_all_ticks_and_exits_0(emu, healthy, tmp_path):
    by_check, rows = await check(healthy, tmp_path)
    assert [row.check for row in rows] == [
        ".env file",
        "Settings",
        "Token",
        "Show data files",
        "Database",
        "Database schema",
        "Database integrity",
        "Content",
        "Discord login",
        "Slash commands",
        "Servers",
        "Channels",
    ]
    assert all(row.status is not Status.FAIL for row in rows), rows
    assert by_check["Show data files"].detail == f"1 data file in {ROOT / 'data' / 'shows'}"
    assert by_check["Content"].detail == "1 show, 4 people, 2 characters, 9 quotes"
    assert by_check["Discord login"].detail.endswith(
        f"of the application Test Bot (id {emu.application_id})"
    )
    assert by_check["Slash commands"].detail.endswith("synced to all servers, current")
    assert by_check["Servers"].detail == "the bot is in 1 server(s)"
    assert by_check["Channels"].status is Status.SKIPPED  # nothing scheduled yet
    assert exit_code(rows) == 0


async def test_the_table_shows_ticks_crosses_and_the_fix_under_each_cross(emu, tmp_path):
    environ = deployment(emu, tmp_path)  # never started: no database, no commands
    _, rows = await check(environ, tmp_path)
    text = plain_text([table(rows)], width=200)
    assert re.search(r"^✓  Settings +valid$", text, re.MULTILINE)
    assert re.search(r"^✗  Slash commands +Discord has no commands for all servers$", text, re.M)
    assert re.search(r"^ +Fix: Run kdrama-bot sync ", text, re.MULTILINE)
    assert exit_code(rows) == 1


# -- the settings ------------------------------------------------------------------------------


async def test_a_missing_env_file_and_token(tmp_path):
    rows = await diagnose(tmp_path / ".env", {"DATABASE_PATH": str(tmp_path / "kdrama.db")})
    by_check = {row.check: row for row in rows}
    assert by_check[".env file"].status is Status.FAIL
    assert "Copy .env.example to .env" in by_check[".env file"].fix
    assert by_check["Token"].status is Status.FAIL
    assert "Reset Token" in by_check["Token"].fix
    assert by_check["Discord"].detail == "not checked: there is no token"


async def test_a_misspelt_setting_in_env_is_named_with_the_right_spelling(tmp_path):
    by_check, _ = await check({"DISCORD_TOKEN": "x"}, tmp_path, "DISCORD_TOKN=abc\n")
    row = by_check[".env file"]
    assert row.status is Status.FAIL
    assert "DISCORD_TOKN" in row.detail
    assert "(DISCORD_TOKN → DISCORD_TOKEN)" in row.fix


async def test_an_invalid_setting_stops_the_checks_that_need_it(tmp_path):
    by_check, rows = await check({"LOG_LEVEL": "LOUD"}, tmp_path)
    assert by_check["Settings"].status is Status.FAIL
    assert "LOG_LEVEL must be one of" in by_check["Settings"].detail
    assert rows[-1].check == "Discord" and rows[-1].status is Status.SKIPPED


# -- the database ------------------------------------------------------------------------------


def damage(path: str, pages: range | None = None) -> None:
    """Overwrite the whole file, or the b-tree page headers of `pages` (4 KiB each)."""
    if pages is None:
        Path(path).write_bytes(b"not a database at all" * 200)
        return
    data = bytearray(Path(path).read_bytes())
    for page in pages:
        data[(page - 1) * 4096 : (page - 1) * 4096 + 8] = b"\x0d\x00\x00\xff\xff\x00\x00\x00"
    Path(path).write_bytes(bytes(data))


async def test_a_file_that_is_not_a_database(healthy, tmp_path):
    damage(healthy["DATABASE_PATH"])
    by_check, _ = await check(healthy, tmp_path)
    assert by_check["Database"].status is Status.FAIL
    assert "file is not a database" in by_check["Database"].detail
    assert "before-v" in by_check["Database"].fix
    assert by_check["Database schema"].status is Status.SKIPPED


async def test_a_damaged_database_fails_quick_check(healthy, tmp_path):
    damage(healthy["DATABASE_PATH"], range(10, 20))
    by_check, _ = await check(healthy, tmp_path)
    assert by_check["Database"].status is Status.OK
    assert by_check["Database integrity"].status is Status.FAIL
    assert "malformed" in by_check["Database integrity"].detail


async def test_an_old_schema_says_the_bot_upgrades_it(healthy, tmp_path):
    with sqlite3.connect(healthy["DATABASE_PATH"]) as conn:
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    by_check, _ = await check(healthy, tmp_path)
    row = by_check["Database schema"]
    assert row.status is Status.FAIL
    assert row.detail.startswith("version 1; this kdrama-bot uses version")
    assert "backs the file up" in row.fix


async def test_a_shows_dir_that_is_not_a_folder_is_a_cross(emu, tmp_path):
    environ = deployment(emu, tmp_path, SHOWS_DIR=str(tmp_path / "nowhere"))
    by_check, rows = await check(environ, tmp_path)
    row = by_check["Show data files"]
    assert row.status is Status.FAIL
    assert row.detail.startswith(f"SHOWS_DIR is {tmp_path / 'nowhere'}, which does not exist")
    assert row.fix.startswith("Set SHOWS_DIR in .env")
    assert exit_code(rows) == 1


async def test_a_folder_is_not_a_database(tmp_path):
    by_check, _ = await check({"DATABASE_PATH": str(tmp_path), "DISCORD_TOKEN": "x"}, tmp_path)
    assert by_check["Database"].status is Status.FAIL
    assert by_check["Database"].detail == f"{tmp_path} is a folder, not a database file"


async def test_an_empty_database_needs_seeding(emu, tmp_path):
    environ = deployment(emu, tmp_path)
    db = await open_database(environ["DATABASE_PATH"])
    await db.close()
    by_check, _ = await check(environ, tmp_path)
    assert by_check["Content"].status is Status.FAIL
    assert "kdrama-bot db seed" in by_check["Content"].fix


async def test_the_doctor_never_changes_the_database(healthy, tmp_path):
    before = (tmp_path / "kdrama.db").read_bytes()
    await check(healthy, tmp_path)
    assert (tmp_path / "kdrama.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env", "kdrama.db"]


# -- Discord ------------------------------------------------------------------------------------


async def test_a_rejected_token(healthy, tmp_path):
    by_check, _ = await check({**healthy, "DISCORD_TOKEN": "not-the-token"}, tmp_path)
    assert by_check["Discord login"].status is Status.FAIL
    assert by_check["Discord login"].detail == "Discord rejected the token"
    assert "Reset Token" in by_check["Discord login"].fix
    for name in ("Slash commands", "Servers", "Channels"):
        assert by_check[name].status is Status.SKIPPED


async def test_discord_out_of_reach(healthy, tmp_path):
    unreachable = {**healthy, "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"}
    by_check, _ = await check(unreachable, tmp_path)
    row = by_check["Discord login"]
    assert row.status is Status.FAIL
    assert row.detail.startswith("could not reach http://127.0.0.1:9/api/v10: ")
    assert row.fix == "Check this machine's network connection, and DISCORD_API_BASE in .env."


async def test_commands_changed_since_the_last_sync(healthy, tmp_path):
    with sqlite3.connect(healthy["DATABASE_PATH"]) as conn:
        conn.execute(
            "UPDATE meta SET value = 'an older definition' WHERE key = ?", (SYNC_HASH_KEY,)
        )
    conn.close()
    by_check, _ = await check(healthy, tmp_path)
    row = by_check["Slash commands"]
    assert row.status is Status.FAIL
    assert row.detail == "the commands changed since they were last synced"
    assert row.fix.startswith("Run kdrama-bot sync")


async def test_discord_has_other_commands_than_the_bot_defines(emu, healthy, tmp_path):
    emu.commands.bulk_overwrite(None, [{"name": "old", "description": "An old command"}])
    by_check, _ = await check(healthy, tmp_path)
    row = by_check["Slash commands"]
    assert row.status is Status.FAIL
    assert row.detail.startswith("Discord has /old for all servers; the bot defines /about")


async def test_a_bot_in_no_server_gets_the_invite_link(tmp_path):
    async with Emulator(World("Lonely Bot")) as emu:
        with pointed_at(emu):
            environ = deployment(emu, tmp_path)
            await install(environ)
            by_check, _ = await check(environ, tmp_path)
    row = by_check["Servers"]
    assert row.status is Status.FAIL
    assert row.fix == f"Add the bot to your server with {invite_url(emu.application_id)}"


async def test_a_guild_id_the_bot_is_not_in(emu, healthy, tmp_path):
    by_check, _ = await check({**healthy, "DISCORD_GUILD_ID": "123456789012345678"}, tmp_path)
    row = by_check["Servers"]
    assert row.status is Status.FAIL
    assert "the bot is not in that server" in row.detail
    assert invite_url(emu.application_id) in row.fix


# -- channels ----------------------------------------------------------------------------------


async def test_every_configured_channel_is_checked(emu, healthy, tmp_path, monkeypatch):
    guild = emu.guild.id

    def configured(name: str, publish: bool = False, purpose="scheduled announcements"):
        return ConfiguredChannel(guild, emu.channel(name).id, purpose, publish)

    channels(
        monkeypatch,
        configured("announcements"),
        configured("news", publish=True, purpose="quote of the day"),
        configured("general", publish=True),
        configured("mod-only"),
        configured("read-only"),
        configured("no-embeds"),
        ConfiguredChannel(guild, 42, "scheduled announcements", False),
        ConfiguredChannel(43, 44, "quote of the day", False),
    )
    by_check, rows = await check(healthy, tmp_path)

    assert by_check["#announcements (scheduled announcements)"].status is Status.OK
    news = by_check["#news (quote of the day)"]
    assert news.status is Status.OK
    assert news.detail.endswith("auto-publish is on and it can publish there")
    general = by_check["#general (scheduled announcements)"]
    assert general.status is Status.OK
    assert "not an announcement channel" in general.detail

    hidden = by_check["#mod-only (scheduled announcements)"]
    assert (hidden.status, hidden.detail) == (
        Status.FAIL,
        "the bot can't see there: it lacks View Channel",
    )
    assert hidden.fix.startswith(
        "In Discord, open #mod-only → Edit Channel → Permissions, and allow View Channel for the "
        "Test Bot role"
    )
    assert by_check["#read-only (scheduled announcements)"].detail.endswith("lacks Send Messages")
    assert by_check["#no-embeds (scheduled announcements)"].detail.endswith("lacks Embed Links")
    gone = by_check["channel 42 (scheduled announcements)"]
    assert (gone.status, gone.detail) == (Status.FAIL, "this channel no longer exists")
    elsewhere = by_check["channel 44 (quote of the day)"]
    assert elsewhere.detail == "the bot is not in server 43 (any more)"
    assert exit_code(rows) == 1


async def test_the_configured_channels_come_from_the_database(healthy, tmp_path):
    by_check, _ = await check(healthy, tmp_path)
    assert by_check["Channels"].detail.startswith("no channel to check yet")


# -- the command ---------------------------------------------------------------------------------


async def test_kdrama_bot_doctor_prints_the_table_and_exits_0_when_all_is_well(emu, tmp_path):
    await install(deployment(emu, tmp_path))
    (tmp_path / ".env").write_text("LOG_LEVEL=INFO\n")
    code, stdout, stderr = await run(tmp_path, "doctor", **emulator_settings(emu))
    assert (code, stderr) == (0, ""), stdout
    lines = stdout.splitlines()
    assert lines[0].startswith("✓  .env file ")
    assert re.search(
        r"^✓  Slash commands +\d+ commands synced to all servers, current$", stdout, re.M
    )
    assert lines[-1] == "Everything checks out."
    assert emu.token not in stdout


async def test_kdrama_bot_doctor_exits_1_with_the_fixes(emu, tmp_path):
    code, stdout, _ = await run(
        tmp_path, "doctor", **{**emulator_settings(emu), "DISCORD_TOKEN": "nope"}
    )
    assert code == 1
    assert re.search(r"^✗  Discord login +Discord rejected the token$", stdout, re.M)
    assert stdout.splitlines()[-1] == "1 thing to fix."
