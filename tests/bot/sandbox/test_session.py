"""The sandbox in-process: typed lines in, what the terminal would show out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.content import seed_database
from bot.db import open_database
from bot.sandbox.render import plain_text
from bot.sandbox.session import Sandbox
from bot.settings import load_settings
from tests.conftest import FICTIONAL, ROOT, SOUL_MATE


def settings_for(tmp_path: Path, **values: str):
    environ = {
        "DATABASE_PATH": str(tmp_path / "real" / "kdrama.db"),
        "SHOWS_DIR": str(ROOT / "data" / "shows"),
        **values,
    }
    return load_settings(environ, env_file=None)


def shown(renderables) -> str:
    """As piped output shows it: lines unwrapped."""
    return plain_text(renderables, width=1000)


@pytest.fixture
async def sandbox(tmp_path):
    (tmp_path / "work").mkdir()
    async with Sandbox(settings_for(tmp_path), tmp_path / "work") as running:
        yield running


async def say(sandbox: Sandbox, line: str) -> str:
    outcome = await sandbox.run(line)
    assert outcome.form is None, f"{line!r} opened a form"
    return shown(outcome.output)


async def test_a_slash_command_shows_the_embed_with_its_colour_bar(sandbox):
    text = await say(sandbox, "/who name:Ok Taec-yeon")
    lines = text.splitlines()
    assert lines[0] == "kdrama-bot"
    assert lines[1] == "▌ Ok Taec-yeon"
    assert "▌ Native name" in lines and "▌ 옥택연" in lines
    assert "▌ • Member of the South Korean boy band 2PM" in lines


async def test_names_in_any_script_and_options_with_spaces(sandbox):
    assert "▌ Ok Taec-yeon" in await say(sandbox, "/who name:옥택연")
    assert "▌ Soul Mate: cast" in await say(sandbox, "/show cast title:Soul Mate")


async def test_a_question_mark_shows_the_bots_own_suggestions(sandbox):
    text = await say(sandbox, "/who name:tae?")
    assert text.splitlines()[0] == "Suggestions for name:"
    assert "Taecyeon (Ok Taec-yeon)" in text


async def test_a_private_reply_says_so(sandbox):
    text = await say(sandbox, "/quote search text:zzzz")
    assert text.splitlines()[0] == "kdrama-bot (only you can see this)"


async def test_the_announcement_form_preview_and_post(sandbox):
    hidden = await sandbox.run("/announce post channel:#announcements")
    assert not hidden.ok
    assert "only for people with Manage Server" in shown(hidden.output)

    assert "Now typing as admin" in await say(sandbox, "as admin")
    opened = await sandbox.run("/announce post channel:#announcements ping:@Watch Party")
    form = opened.form
    assert form is not None and form.title == "New announcement"
    assert [(f.label, f.paragraph, f.max_length) for f in form.fields] == [
        ("Title", False, 256),
        ("Message", True, 4000),
    ]
    title, message = form.fields
    preview = shown(
        (
            await sandbox.submit_form({title.custom_id: "Watch party", message.custom_id: "A\nB"})
        ).output
    )
    assert preview.splitlines()[0] == "kdrama-bot (only you can see this)"
    assert "This will be posted in #announcements, pinging @Watch Party." in preview
    assert "▌ Watch party\n▌ A\n▌ B\n[ Post ]  [ Cancel ]" in preview

    posted = await say(sandbox, "press post")
    assert "Posted in #announcements: https://discord.com/channels/" in posted
    assert "kdrama-bot in #announcements\n@Watch Party\n▌ Watch party" in posted

    log = await say(sandbox, "log #announcements")
    assert log.startswith("kdrama-bot in #announcements\n@Watch Party\n▌ Watch party")
    assert "Post" not in await say(sandbox, "log #general")
    again = await sandbox.run("press Post")
    assert not again.ok
    assert shown(again.output).strip() == "No message you can see has any buttons."


async def test_refusals_are_polite_and_name_what_exists(sandbox):
    await sandbox.run("as admin")
    cases = {
        "/announce post channel:#nowhere": "There is no channel #nowhere here. The channels: "
        "#general, #announcements, #news, #mod-only, #no-embeds, #read-only.",
        "/announce post channel:#general ping:@Nobody": "There is no role @Nobody here.",
        "/shwo info": "There is no /shwo command. Did you mean /show?",
        "/who": "/who needs name: (",
        "press Launch": "No message you can see has any buttons.",
        "dance": "I don't know 'dance'.",
    }
    for line, expected in cases.items():
        outcome = await sandbox.run(line)
        assert not outcome.ok, line
        assert shown(outcome.output).startswith(expected), line


async def test_the_bots_own_refusal_is_shown_as_its_reply(sandbox):
    await sandbox.run("as admin")
    outcome = await sandbox.run("/announce post channel:#mod-only")
    assert outcome.ok  # the line was fine; the bot said no
    assert "I can't post in #mod-only: I'm missing View Channel there." in shown(outcome.output)


async def test_channels_lists_what_the_bot_may_do(sandbox):
    rows = [line.split() for line in (await say(sandbox, "channels")).splitlines()]
    assert rows[0] == ["channel", "kind", "the", "bot", "can", "you", "can", "see", "it"]
    assert ["#news", "announcement", "see,", "send,", "embed", "yes"] in rows
    assert ["#mod-only", "text", "nothing", "no"] in rows
    assert ["#no-embeds", "text", "see,", "send", "yes"] in rows


async def test_help_and_quit(sandbox):
    text = await say(sandbox, "help")
    assert "press LABEL" in text and "/announce post" in text
    assert (await sandbox.run("quit")).quit
    assert (await sandbox.run("   ")).output == []


async def test_without_a_database_it_seeds_a_new_one_and_leaves_none_behind(tmp_path, sandbox):
    assert "using a new database" in sandbox.welcome
    assert not (tmp_path / "real").exists()


async def test_it_works_on_a_copy_of_the_database_with_the_current_data_files(tmp_path):
    settings = settings_for(tmp_path, SHOWS_DIR=str(FICTIONAL.parent))
    real = await open_database(settings.database_path)
    await seed_database(real, [SOUL_MATE])
    await real.conn.execute("INSERT INTO meta (key, value) VALUES ('mine', 'untouched')")
    try:  # the real bot keeps its connection open meanwhile
        before = (await real.fetch_one("SELECT count(*) FROM shows"))[0]
        (tmp_path / "work").mkdir()
        async with Sandbox(settings, tmp_path / "work") as sandbox:
            assert f"using a copy of {settings.database_path}" in sandbox.welcome
            about = await say(sandbox, "/about")
            assert "2 shows" in about  # the copy, plus the fixture show loaded into it
            await sandbox.run("as admin")
            opened = await sandbox.run("/announce post channel:#general")
            values = {field.custom_id: "x" for field in opened.form.fields}
            await sandbox.submit_form(values)
            await sandbox.run("press Post")
        assert (await real.fetch_one("SELECT count(*) FROM shows"))[0] == before == 1
        assert (await real.fetch_one("SELECT value FROM meta WHERE key = 'mine'"))[0] == "untouched"
    finally:
        await real.close()
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("SELECT count(*) FROM announcements").fetchone() == (0,)
    conn.close()


async def test_an_unreadable_database_is_reported_and_a_new_one_used(tmp_path):
    settings = settings_for(tmp_path)
    settings.database_path.parent.mkdir()
    settings.database_path.write_bytes(b"not a database" * 300)
    (tmp_path / "work").mkdir()
    async with Sandbox(settings, tmp_path / "work") as sandbox:
        assert sandbox.warning.startswith(f"{settings.database_path} could not be read")
        assert "1 show" in await say(sandbox, "/about")
