"""The sandbox as a user runs it: `kdrama-bot sandbox` fed by a pipe, `ask`, and `make run`."""

from __future__ import annotations

import asyncio
import io
import logging
import signal
import sys
import tempfile
from pathlib import Path

import pytest

from bot.sandbox.terminal import Terminal
from bot.settings import load_settings
from tests.bot.test_main import KDRAMA_BOT, environment
from tests.conftest import ROOT

STARTING = (
    "No DISCORD_TOKEN set: starting the offline sandbox. Put a token in .env to connect to Discord."
)
SCRIPT = """\
/show cast
/who name:tae?
# a comment, then a form, a button and the log
as admin
/announce post channel:#announcements ping:@Watch Party
Watch party tonight!
Bring snacks.\\nAnd friends.
press Post
log #announcements
/shwo
/about
"""


async def run(tmp_path: Path, *args: str, stdin: str = "", **settings: str):
    # cwd is the test's own folder, so a developer's .env is never read.
    process = await asyncio.create_subprocess_exec(
        *args, cwd=tmp_path, env=environment(tmp_path, **settings),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(
        process.communicate(stdin.encode("utf-8", "surrogateescape")), 60
    )
    return process.returncode, stdout.decode(errors="surrogateescape"), stderr.decode()


async def test_a_piped_script_prints_each_reply_and_exits_at_the_end(tmp_path):
    code, stdout, stderr = await run(tmp_path, KDRAMA_BOT, "sandbox", stdin=SCRIPT)
    assert (code, stderr) == (1, "")  # 1: one line, /shwo, could not be used
    assert stdout.startswith(
        "> /show cast\n"
        "kdrama-bot\n"
        "▌ Soul Mate: cast\n"
        "▌ Hayato Isomura (磯村勇斗) as Ryu Narutaki\n"
        "▌ Ok Taec-yeon (옥택연) as Johan Hwang\n"
        "> /who name:tae?\n"
        "Suggestions for name:\n"
        "  Taecyeon (Ok Taec-yeon)  (name:Taecyeon)\n"
        "> # a comment, then a form, a button and the log\n"
        "> as admin\n"
    )
    assert (
        "> /announce post channel:#announcements ping:@Watch Party\n"
        "The bot opened a form: New announcement. Fill in each field.\n"
        "Title: Watch party tonight!\n"
        "Message: Bring snacks.\\nAnd friends.\n"
        "kdrama-bot (only you can see this)\n"
    ) in stdout
    assert (
        "▌ Watch party tonight!\n▌ Bring snacks.\n▌ And friends.\n[ Post ]  [ Cancel ]\n" in stdout
    )
    after_press = stdout.split("> press Post\n")[1]
    assert after_press.startswith(
        "kdrama-bot (only you can see this)\nPosted in #announcements: https://"
    )
    assert (
        "> log #announcements\n"
        "kdrama-bot in #announcements\n"
        "@Watch Party\n"
        "▌ Watch party tonight!\n"
        "▌ Bring snacks.\n"
        "▌ And friends.\n"
        "> /shwo\n"
        "There is no /shwo command. Did you mean /show?"
    ) in stdout
    assert "> /about\nkdrama-bot\n▌ kdrama-bot" in stdout  # it went on after the bad line
    assert not (tmp_path / "kdrama.db").exists()  # the real database was never created


async def test_ask_runs_one_command_and_exits_0_or_1_if_the_command_was_bad(tmp_path):
    code, stdout, stderr = await run(tmp_path, KDRAMA_BOT, "ask", "/who name:Taecyeon")
    assert (code, stderr) == (0, "")
    assert stdout.startswith("kdrama-bot\n▌ Ok Taec-yeon\n")
    code, stdout, _ = await run(tmp_path, KDRAMA_BOT, "ask", "/who nam:Taecyeon")
    assert code == 1
    assert stdout == "/who has no option 'nam'. Its options: name.\n"
    for nothing in (" ", "# a comment runs nothing"):
        code, stdout, _ = await run(tmp_path, KDRAMA_BOT, "ask", nothing)
        assert code == 1
        assert stdout.startswith("Give ask a command to type")


async def test_ask_as_admin_reads_a_form_from_standard_input(tmp_path):
    code, stdout, _ = await run(
        tmp_path, KDRAMA_BOT, "ask", "--as", "admin", "/announce post channel:#news",
        stdin="Tonight\nEpisode 3.\n",
    )  # fmt: skip
    assert code == 0
    assert "This will be posted in #news, pinging nobody." in stdout
    code, stdout, _ = await run(
        tmp_path, KDRAMA_BOT, "ask", "--as", "admin", "/announce post channel:#news"
    )
    assert code == 1
    assert stdout.endswith("The form was closed without sending it.\n")


async def test_bytes_that_are_not_utf8_are_refused_politely(tmp_path):
    # "\udcff" is the byte 0xff, which is not UTF-8. Strict, as in a UTF-8 locale.
    strict = {"PYTHONIOENCODING": "utf-8:strict"}
    script = "/who name:Tae\udcff\nas admin\n/announce post channel:#news\nT\udcff\nM\n/about\n"
    code, stdout, stderr = await run(tmp_path, KDRAMA_BOT, "sandbox", stdin=script, **strict)
    assert (code, stderr) == (1, "")
    assert (
        "Part of that line is not UTF-8 text, so Discord could not send it. "
        "Type it again, or save the file as UTF-8.\n> as admin\n"
    ) in stdout
    assert (
        "The form was not sent: Title is not all UTF-8 text, so Discord could not send it.\n"
        in (stdout)
    )
    assert "> /about\nkdrama-bot\n" in stdout  # it went on after the bad lines
    code, stdout, stderr = await run(tmp_path, KDRAMA_BOT, "ask", "/who name:\udcff", **strict)
    assert (code, stderr) == (1, "")
    assert stdout.startswith("Part of that line is not UTF-8 text")


async def test_make_run_without_a_token_starts_the_sandbox(tmp_path):
    venv = Path(sys.executable).parent.parent
    # -o: never reinstall here; VENV: the environment these tests run in.
    code, stdout, stderr = await run(
        tmp_path, "make", "--no-print-directory", "-C", str(ROOT),
        "-o", f"{venv}/.installed-run", f"VENV={venv}", "run",
        stdin="/show cast\n", DISCORD_TOKEN="",
    )  # fmt: skip
    assert code == 0, stderr
    assert stderr == STARTING + "\n"
    assert stdout.startswith("> /show cast\nkdrama-bot\n▌ Soul Mate: cast\n")

    assert not (tmp_path / "kdrama.db").exists()


async def test_sigterm_ends_the_sandbox_and_leaves_nothing_behind(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = await asyncio.create_subprocess_exec(
        KDRAMA_BOT, "sandbox", cwd=tmp_path, env=environment(tmp_path, TMPDIR=str(temporary)),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    process.stdin.write(b"/about\n")
    await process.stdin.drain()
    first = await asyncio.wait_for(process.stdout.readline(), 30)
    assert first == b"> /about\n"
    assert list(temporary.iterdir()) != []  # the sandbox's folder and log, while it runs
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    assert list(temporary.iterdir()) == []


@pytest.fixture
def root_logging():
    """The sandbox takes over the root logger, as the command line does; give it back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_bots_log_is_kept_only_when_it_holds_an_error(tmp_path, monkeypatch, root_logging):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings = load_settings({"SHOWS_DIR": str(ROOT / "data" / "shows")}, env_file=None)
    for trouble in (False, True):
        stdout, stderr = io.StringIO(), io.StringIO()
        with Terminal(settings, io.StringIO("/about\n"), stdout, stderr, "member") as terminal:
            assert terminal.prompt() == 0
            if trouble:
                logging.getLogger("bot.test").error("something broke")
        assert "▌ kdrama-bot" in stdout.getvalue()
        kept = list(tmp_path.glob("kdrama-bot-sandbox-*.log"))
        if not trouble:
            assert (kept, stderr.getvalue()) == ([], "")
            continue
        assert stderr.getvalue().strip() == (
            f"The bot logged errors during this session; its log is kept at {kept[0]}."
        )
        assert "ERROR    bot.test: something broke" in kept[0].read_text()


def test_an_empty_answer_keeps_what_the_bot_filled_in(tmp_path, root_logging):
    # /announce edit opens the form pre-filled, as Discord shows it: Enter keeps each field.
    settings = load_settings(
        {"SHOWS_DIR": str(ROOT / "data" / "shows"), "DATABASE_PATH": str(tmp_path / "k.db")},
        env_file=None,
    )
    script = "/announce post channel:#news\nWatch party\nTonight.\npress Post\n"
    script += "/announce edit id:1\n\nTonight at 8.\n"
    stdout = io.StringIO()
    with Terminal(settings, io.StringIO(script), stdout, io.StringIO(), "admin") as terminal:
        assert terminal.prompt() == 0
    text = stdout.getvalue()
    edited = text.split("> /announce edit id:1\n")[1]
    assert "Title (empty keeps: Watch party): \n" in edited
    assert "Message (empty keeps: Tonight.): Tonight at 8.\n" in edited
    assert "Edited announcement #1 in place" in edited
