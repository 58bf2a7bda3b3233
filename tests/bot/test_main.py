"""The `kdrama-bot` process itself, run as a subprocess against the emulator."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.invite import invite_url
from bot.settings import MISSING_TOKEN_HELP, REJECTED_TOKEN_HELP
from tests.bot.db.test_connection import damage_pages
from tests.conftest import ROOT
from tests.harness import ALL_COMMANDS

KDRAMA_BOT = str(Path(sys.executable).parent / "kdrama-bot")


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "SHOWS_", "LOG_"))
    }
    env.update(DATABASE_PATH=str(tmp_path / "kdrama.db"), SHOWS_DIR=str(ROOT / "data" / "shows"))
    env.update(settings)
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


class BotProcess:
    """`kdrama-bot run` in a subprocess; stopped with SIGTERM at the end of the `async with` if
    it is still running. Then `code`, `stdout` and `log` (its stderr) hold what it left."""

    def __init__(self, tmp_path: Path, **settings: str) -> None:
        self.tmp_path = tmp_path
        self.settings = settings

    async def __aenter__(self) -> BotProcess:
        self.process = await asyncio.create_subprocess_exec(
            KDRAMA_BOT, "run", cwd=self.tmp_path, env=environment(self.tmp_path, **self.settings),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(self.process.communicate(), 30)
        self.code, self.stdout, self.log = self.process.returncode, stdout, stderr.decode()

    def send_signal(self, signum: signal.Signals) -> None:
        self.process.send_signal(signum)


async def test_the_bot_process_answers_commands_and_stops_cleanly(emu, tmp_path):
    async with BotProcess(tmp_path, LOG_LEVEL="DEBUG", **emulator_settings(emu)) as process:
        await emu.wait_for_ready(30)
        await emu.wait_for_commands(ALL_COMMANDS, timeout=30)
        reply = await (await emu.slash(emu.member, "who", {"name": "Taecyeon"})).message(10)
        assert reply.embeds[0]["title"] == "Ok Taec-yeon"
    log, stdout = process.log, process.stdout
    assert process.code == 0, log
    assert "Seeded a new database: 1 show, 4 people, 2 characters, 9 quotes" in log
    assert "Synced 6 slash commands" in log
    assert emu.token not in log and emu.token not in stdout.decode()
    assert "Traceback" not in log
    with sqlite3.connect(tmp_path / "kdrama.db") as conn:
        assert conn.execute("SELECT count(*) FROM quotes").fetchone() == (9,)


async def test_a_missing_token_exits_2_with_help(tmp_path):
    code, _, stderr = await run(tmp_path, "run", "--no-sandbox")
    assert code == 2
    assert stderr.strip() == MISSING_TOKEN_HELP
    assert not (tmp_path / "kdrama.db").exists()


async def test_without_a_token_or_anyone_to_type_run_exits_2_instead_of_a_sandbox(tmp_path):
    # What a service manager does: standard input is /dev/null.
    process = await asyncio.create_subprocess_exec(
        KDRAMA_BOT, "run", cwd=tmp_path, env=environment(tmp_path),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip() == MISSING_TOKEN_HELP


async def test_a_rejected_token_exits_2_without_traceback_or_retries(emu, tmp_path):
    settings = {**emulator_settings(emu), "DISCORD_TOKEN": "not-the-right-token"}
    code, _, stderr = await run(tmp_path, "run", **settings)
    assert code == 2
    assert REJECTED_TOKEN_HELP in stderr
    assert "Traceback" not in stderr
    assert "not-the-right-token" not in stderr
    assert len(emu.requests_to("GET", "/users/@me")) == 1
    assert emu.gateway.ready_count == 0


@pytest.mark.parametrize("token", ["tok\x7fen", "\x1b[200~token\x1b[201~", "tok\u200ben"])
async def test_a_token_with_a_control_character_says_to_copy_it_again(emu, tmp_path, token):
    # Before: a traceback ending in "ValueError: Forbidden control character detected in
    # headers. Potential header injection attack.", exit code 1, for run, invite and doctor.
    # (DEL, a terminal's bracketed-paste marks, a zero-width space: pasted along with it.)
    position = next(i for i, c in enumerate(token) if not c.isprintable()) + 1
    message = (
        f"DISCORD_TOKEN has a character no token has, at position {position}: an invisible or "
        f"control character, copied along with it. Open the Discord developer portal "
        f"(https://discord.com/developers/applications), choose your application, then "
        f'"Bot" and "Reset Token", and put the new token in .env after DISCORD_TOKEN=.'
    )
    settings = {**emulator_settings(emu), "DISCORD_TOKEN": token}
    for command in ("run", "invite"):
        assert await run(tmp_path, command, **settings) == (2, "", message + "\n")
    code, stdout, stderr = await run(tmp_path, "doctor", **settings)
    assert (code, stderr) == (1, "")
    assert message.split(".")[0] in " ".join(stdout.split())
    assert token not in stdout
    assert emu.requests == []


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
    code, stdout, stderr = await run(tmp_path, "db", "seed", str(broken))
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"{broken}:1 show.premise: is required\n"
        f"{broken}:3 quotes[0].context: is required\n"
        f"{broken}:5 quotes[0].speaker: no person or character named 'Jo Han'\n"
        "3 problems; nothing was written.\n"
    )
    assert not (tmp_path / "kdrama.db").exists()


async def test_db_validate_exits_0_with_a_summary_or_1_with_every_problem(tmp_path):
    code, stdout, stderr = await run(tmp_path, "db", "validate")
    assert (code, stdout, stderr) == (
        0,
        "1 file is valid: 1 show, 4 people, 2 characters, 9 quotes.\n",
        "",
    )
    broken = tmp_path / "broken.toml"
    broken.write_text('[show]\ntitle = "X"\npremise = "P"\nplatform = 4\n')
    code, stdout, stderr = await run(tmp_path, "db", "validate", str(broken), str(tmp_path / "no"))
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"{broken}:4 show.platform: must be text, not a number\n"
        f"{tmp_path / 'no'} (file): cannot be read: No such file or directory\n"
        "2 problems in 2 of 2 files.\n"
    )
    assert not (tmp_path / "kdrama.db").exists()


async def test_db_export_backup_and_stats(tmp_path):
    assert (await run(tmp_path, "db", "seed"))[0] == 0
    code, stdout, stderr = await run(tmp_path, "db", "export", "shows")
    assert (code, stderr) == (0, "")
    assert stdout == (
        "shows/soul-mate.toml: 4 people, 2 characters, 9 quotes\n"
        f"Exported 1 show from {tmp_path / 'kdrama.db'}.\n"
    )
    code, stdout, stderr = await run(tmp_path, "db", "backup", "copy.db")
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"Backed up {tmp_path / 'kdrama.db'} to copy.db (")
    code, stdout, stderr = await run(tmp_path, "db", "backup", "copy.db")
    assert (code, stdout) == (1, "")
    assert stderr.startswith("copy.db already exists, so nothing was written.")
    code, stdout, stderr = await run(tmp_path, "db", "stats")
    assert (code, stderr) == (0, "")
    assert "Soul Mate       4           2       9\n" in stdout
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM quotes").fetchone() == (9,)
    copy.close()


async def test_output_into_a_closed_pipe_stops_without_a_traceback(tmp_path):
    """`kdrama-bot db stats | head -1`: the reader is gone before the command has written all."""
    assert (await run(tmp_path, "db", "seed"))[0] == 0
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = await asyncio.create_subprocess_exec(
            KDRAMA_BOT, "db", "stats", cwd=tmp_path, env=environment(tmp_path),
            stdout=write_end, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
    finally:
        os.close(write_end)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert (process.returncode, stderr.decode()) == (1, "")


@pytest.mark.parametrize("args", [["--version"], ["run", "--help"]])
async def test_command_line_basics(tmp_path, args):
    code, stdout, _ = await run(tmp_path, *args)
    assert code == 0
    assert "kdrama-bot" in stdout


@pytest.mark.parametrize(
    ("name", "value", "example"),
    [
        ("DISCORD_API_BASE", "http://", "http://127.0.0.1:8080/api/v10"),
        ("DISCORD_API_BASE", "http://[::1/api/v10", "http://127.0.0.1:8080/api/v10"),
        ("DISCORD_API_BASE", "http://127.0.0.1:80800/api/v10", "http://127.0.0.1:8080/api/v10"),
        ("DISCORD_GATEWAY_URL", "ws://", "ws://127.0.0.1:8080/gateway"),
    ],
)
async def test_a_discord_url_without_a_host_is_refused_before_any_request(
    emu, tmp_path, name, value, example
):
    # Before, discord.py or aiohttp got it: a traceback (InvalidUrlClientError, or
    # 'NoneType' object has no attribute 'sequence' for the gateway) and exit code 1.
    for command in ("run", "sync", "doctor"):
        code, stdout, stderr = await run(
            tmp_path, command, **{**emulator_settings(emu), name: value}
        )
        message = (
            f"{name} must be a URL with a host, and a port from 1 to 65535 if it has one, "
            f"such as {example}, not {value!r}."
        )
        if command == "doctor":
            assert code == 1, stderr
            assert message in stdout and "Traceback" not in stderr
        else:
            assert (code, stdout, stderr) == (2, "", message + "\n")
    assert emu.requests == []
    assert not (tmp_path / "kdrama.db").exists()


@pytest.mark.parametrize(
    ("saved", "line"),
    [
        # Latin-1 (an older editor): the é of a comment on line 2.
        ("DISCORD_TOKEN=\n# Serveur de la communauté\n".encode("latin-1"), 2),
        # UTF-16 (Windows Notepad's "Unicode"): its byte-order mark at once.
        ("DISCORD_TOKEN=\n".encode("utf-16"), 1),
    ],
)
async def test_an_env_file_not_saved_as_utf8_is_named_with_its_line(tmp_path, saved, line):
    # Before: a traceback ending in UnicodeDecodeError, exit code 1, for every command.
    (tmp_path / ".env").write_bytes(saved)
    message = (
        f".env is not saved as UTF-8 (line {line} has a byte UTF-8 does not allow), so "
        f"kdrama-bot cannot read its settings. Save it as UTF-8: most editors offer it under "
        f"Save As, as the encoding."
    )
    for args in (["run", "--no-sandbox"], ["db", "stats"]):
        assert await run(tmp_path, *args) == (2, "", message + "\n")
    code, stdout, stderr = await run(tmp_path, "doctor")
    assert (code, stderr) == (1, "")
    assert f"✗  .env file  {message}" in stdout
    assert not (tmp_path / "kdrama.db").exists()


@pytest.mark.parametrize("what", ["does not exist", "is a file, not a folder"])
async def test_a_shows_dir_that_is_not_a_folder_is_named_instead_of_an_empty_bot(
    emu, tmp_path, what
):
    # Before: the bot's first start and the sandbox went on with no show at all (members were
    # told "No shows are loaded yet. An admin can load them with kdrama-bot db seed."), and db
    # seed then said "nowhere (file): cannot be read: No such file or directory".
    shows_dir = tmp_path / "nowhere"
    if what != "does not exist":
        shows_dir.write_text("[show]\n")
    message = (
        f"SHOWS_DIR is {shows_dir}, which {what}, so there are no show data files to load. Set "
        f"SHOWS_DIR to the folder of show data files (*.toml), such as data/shows."
    )
    settings = {**emulator_settings(emu), "SHOWS_DIR": str(shows_dir)}
    for args in (["run"], ["ask", "/show info"], ["db", "seed"], ["db", "validate"]):
        code, stdout, stderr = await run(tmp_path, *args, **settings)
        assert (code, stdout) == (2, ""), (args, stderr)
        assert stderr.endswith(message + "\n"), (args, stderr)
        assert "Traceback" not in stderr
    assert emu.gateway.ready_count == 0


async def test_a_database_path_through_a_file_is_named(emu, tmp_path):
    # Before: "The database file …/README.md/kdrama.db cannot be used: [Errno 17] File exists:
    # '…/README.md'. Check that the user running kdrama-bot … may read and write it …", with
    # how to restore a damaged file; `db stats` said there was no database yet, and the doctor
    # that the bot would create it on its first start.
    readme = tmp_path / "README.md"
    readme.write_text("# not a folder\n")
    path = readme / "kdrama.db"
    message = (
        f"DATABASE_PATH is {path}, but {readme} is a file, not a folder, so no database can be "
        f"made there. Set DATABASE_PATH to a file in a folder, such as data/kdrama.db."
    )
    settings = {**emulator_settings(emu), "DATABASE_PATH": str(path)}
    for args in (["run"], ["db", "seed"], ["db", "stats"]):
        assert await run(tmp_path, *args, **settings) == (2, "", message + "\n"), args
    assert emu.requests == []
    code, stdout, stderr = await run(tmp_path, "doctor", **settings)
    assert (code, stderr) == (1, "")
    flat = " ".join(stdout.split())  # the table wraps a long path
    assert f"✗ Database {path} can't be a database: {readme} is a file, not a folder" in flat
    assert readme.read_text() == "# not a folder\n"


async def test_a_damaged_database_is_named_and_the_bot_does_not_start(emu, tmp_path):
    (tmp_path / "kdrama.db").write_bytes(b"not a database at all" * 200)
    code, _, stderr = await run(tmp_path, "run", **emulator_settings(emu))
    assert code == 2
    assert str(tmp_path / "kdrama.db") in stderr
    assert "Traceback" not in stderr
    assert emu.requests == []


async def test_a_database_that_fails_quick_check_stops_the_start(emu, tmp_path):
    path = tmp_path / "kdrama.db"
    assert (await run(tmp_path, "db", "seed"))[0] == 0
    damage_pages(path, range(10, 20))
    for command in ("run", "sync"):
        code, stdout, stderr = await run(tmp_path, command, **emulator_settings(emu))
        assert (code, stdout) == (2, "")
        assert f"The database file {path} is damaged (PRAGMA quick_check found" in stderr
        assert "`kdrama-bot db backup`" in stderr and "Traceback" not in stderr
    # The check runs while the bot logs in: it may have read who it is, but it changed nothing
    # and never went online.
    assert {(r.method, r.route) for r in emu.requests} <= {
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    }
    assert emu.gateway.ready_count == 0


@pytest.mark.parametrize(
    ("signum", "log_format"), [(signal.SIGTERM, "text"), (signal.SIGINT, "json")]
)
async def test_a_signal_lets_the_answer_in_progress_finish_then_stops_cleanly(
    emu, tmp_path, signum, log_format
):
    settings = {"LOG_FORMAT": log_format, **emulator_settings(emu)}
    async with BotProcess(tmp_path, **settings) as process:
        await emu.wait_for_ready(30)
        await emu.wait_for_commands(["who"], timeout=30)
        # Discord rate-limits the answer briefly: the signal comes while it is in flight.
        callback = "/interactions/{interaction_id}/{interaction_token}/callback"
        emu.fail("POST", callback, 429, retry_after=0.5)
        handle = await emu.slash(emu.member, "who", {"name": "Taecyeon"})
        await emu.wait_until(
            lambda: emu.failed_requests, timeout=10, what="the rate-limited answer"
        )
        process.send_signal(signum)
        reply = await handle.message(10)
        assert reply.embeds[0]["title"] == "Ok Taec-yeon"
    log = process.log
    assert process.code == 0, log
    assert emu.token not in log and process.stdout == b""
    if log_format == "json":
        events = [json.loads(line) for line in log.splitlines()]
    else:
        events = [text_event(line) for line in log.splitlines()]
    messages = [event["message"] for event in events]
    assert f"Add the bot to a server with this link: {invite_url(emu.application_id)}" in messages
    assert f"Received {signum.name}: finishing the answers in progress, then stopping" in messages
    assert messages[-1] == "Stopped cleanly"
    assert not [event for event in events if event["level"] in ("ERROR", "CRITICAL")]
    assert "Traceback" not in log
    # The last connection closed cleanly: SQLite folded the write-ahead log back and removed it.
    assert not (tmp_path / "kdrama.db-wal").exists()
    # The gateway was closed with 1000, which ends the session: the bot shows offline at once,
    # not for minutes after it stopped.
    assert [session.invalidated for session in emu.gateway.sessions.values()] == [True]


def text_event(line: str) -> dict[str, str]:
    """'2026-01-01 12:00:00,000 INFO     bot: message' as its parts."""
    match = re.fullmatch(r"\S+ \S+ (\w+) +([\w.]+): (.*)", line)
    assert match, f"not one event per line: {line!r}"
    return {"level": match[1], "logger": match[2], "message": match[3]}


async def test_invite_prints_the_link_with_the_minimal_permissions(emu, tmp_path):
    code, stdout, stderr = await run(tmp_path, "invite", **emulator_settings(emu))
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"https://discord.com/oauth2/authorize?client_id={emu.application_id}"
        "&scope=bot+applications.commands&permissions=19456\n"
    )
    assert emu.gateway.ready_count == 0
    assert not (tmp_path / "kdrama.db").exists()


async def test_invite_without_a_token_says_it_needs_one(tmp_path):
    code, stdout, stderr = await run(tmp_path, "invite")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        "kdrama-bot invite needs the bot's token, to look up its application id."
    )
    assert MISSING_TOKEN_HELP in stderr


# The `kdrama-bot` script pip wrote, run with Ctrl-C sent as the module `target` starts to load.
INTERRUPTED_START = """
import os, runpy, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == {target!r}:
            sys.meta_path.remove(self)
            print("Ctrl-C while importing", name, flush=True)
            os.kill(os.getpid(), signal.SIGINT)

sys.meta_path.insert(0, CtrlC())
sys.argv = [{script!r}, "db", "stats"]
runpy.run_path({script!r}, run_name="__main__")
"""


@pytest.mark.parametrize("target", ["argparse", "asyncio", "bot.content", "bot.dbcli"])
async def test_ctrl_c_while_the_command_loads_exits_quietly(tmp_path, target):
    code = INTERRUPTED_START.format(target=target, script=KDRAMA_BOT)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=tmp_path, env=environment(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert stdout.decode() == f"Ctrl-C while importing {target}\n"
    assert (process.returncode, stderr.decode()) == (0, "")
