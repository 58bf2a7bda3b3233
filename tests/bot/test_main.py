"""The `kdrama-bot` process itself, run as a subprocess against the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.settings import MISSING_TOKEN_HELP, REJECTED_TOKEN_HELP
from tests.conftest import ROOT
from tests.harness import ALL_COMMANDS

KDRAMA_BOT = str(Path(sys.executable).parent / "kdrama-bot")


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "SHOWS_", "LOG_"))
    }
    env.update(
        DATABASE_PATH=str(tmp_path / "kdrama.db"),
        SHOWS_DIR=str(ROOT / "data" / "shows"),
        **settings,
    )
    return env


def emulator_settings(emu) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": emu.token,
        "DISCORD_API_BASE": emu.api_base,
        "DISCORD_GATEWAY_URL": emu.gateway_url,
    }


async def run(tmp_path: Path, *args: str, **settings: str) -> tuple[int, str, str]:
    # cwd is the test's own folder, so a developer's .env is never read.
    process = await asyncio.create_subprocess_exec(
        KDRAMA_BOT, *args, cwd=tmp_path, env=environment(tmp_path, **settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, stdout.decode(), stderr.decode()


async def test_the_bot_process_answers_commands_and_stops_cleanly(emu, tmp_path):
    process = await asyncio.create_subprocess_exec(
        KDRAMA_BOT, "run", cwd=tmp_path,
        env=environment(tmp_path, LOG_LEVEL="DEBUG", **emulator_settings(emu)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await emu.wait_for_ready(30)
        await emu.wait_for_commands(ALL_COMMANDS, timeout=30)
        reply = await (await emu.slash(emu.member, "who", {"name": "Taecyeon"})).message(10)
        assert reply.embeds[0]["title"] == "Ok Taec-yeon"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Seeded a new database: 1 show, 4 people, 2 characters, 9 quotes" in log
    assert "Synced 5 slash commands" in log
    assert emu.token not in log and emu.token not in stdout.decode()
    assert "Traceback" not in log
    with sqlite3.connect(tmp_path / "kdrama.db") as conn:
        assert conn.execute("SELECT count(*) FROM quotes").fetchone() == (9,)


async def test_a_missing_token_exits_2_with_help(tmp_path):
    code, _, stderr = await run(tmp_path, "run")
    assert code == 2
    assert stderr.strip() == MISSING_TOKEN_HELP
    assert not (tmp_path / "kdrama.db").exists()


async def test_a_rejected_token_exits_2_without_traceback_or_retries(emu, tmp_path):
    settings = {**emulator_settings(emu), "DISCORD_TOKEN": "not-the-right-token"}
    code, _, stderr = await run(tmp_path, "run", **settings)
    assert code == 2
    assert REJECTED_TOKEN_HELP in stderr
    assert "Traceback" not in stderr
    assert "not-the-right-token" not in stderr
    assert len(emu.requests_to("GET", "/users/@me")) == 1
    assert emu.gateway.ready_count == 0


async def test_sync_forces_a_sync_then_exits(emu, tmp_path):
    for _ in range(2):
        code, stdout, stderr = await run(tmp_path, "sync", **emulator_settings(emu))
        assert code == 0, stderr
        assert stdout.strip() == "Slash commands synced."
    assert len(emu.requests_to("PUT", "/applications/{application_id}/commands")) == 2
    assert emu.gateway.ready_count == 0


async def test_db_seed_is_idempotent(tmp_path):
    for _ in range(2):
        code, stdout, stderr = await run(tmp_path, "db", "seed")
        assert code == 0, stderr
        assert "1 show, 4 people, 2 characters, 9 quotes." in stdout
    with sqlite3.connect(tmp_path / "kdrama.db") as conn:
        assert conn.execute("SELECT count(*) FROM names").fetchone() == (12,)


async def test_db_seed_reports_every_error_and_writes_nothing(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[show]\ntitle = "X"\n[[quotes]]\ntext = "Hi"\nspeaker = "Jo Han"\n')
    code, _, stderr = await run(tmp_path, "db", "seed", str(broken))
    assert code == 1
    assert f"{broken}: show.premise: is required" in stderr
    assert f"{broken}: quotes[0].speaker: no person or character named 'Jo Han'" in stderr
    with sqlite3.connect(tmp_path / "kdrama.db") as conn:
        assert conn.execute("SELECT count(*) FROM shows").fetchone() == (0,)


@pytest.mark.parametrize("args", [["--version"], ["run", "--help"]])
async def test_command_line_basics(tmp_path, args):
    code, stdout, _ = await run(tmp_path, *args)
    assert code == 0
    assert "kdrama-bot" in stdout


async def test_a_damaged_database_is_named_and_the_bot_does_not_start(emu, tmp_path):
    (tmp_path / "kdrama.db").write_bytes(b"not a database at all" * 200)
    code, _, stderr = await run(tmp_path, "run", **emulator_settings(emu))
    assert code == 2
    assert str(tmp_path / "kdrama.db") in stderr
    assert "Traceback" not in stderr
    assert emu.requests == []
