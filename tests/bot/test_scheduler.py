"""The scheduler across real process restarts and crashes: every post goes out exactly once.

These run the `kdrama-bot` process itself against the emulator, with the real clock, and kill it
(SIGTERM or SIGKILL) around the due time.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.bot.test_main import KDRAMA_BOT, emulator_settings, environment
from tests.harness import ALL_COMMANDS


async def start(emu, tmp_path: Path) -> asyncio.subprocess.Process:
    ready_before = emu.gateway.ready_count
    process = await asyncio.create_subprocess_exec(
        KDRAMA_BOT, "run", cwd=tmp_path,
        env=environment(tmp_path, **emulator_settings(emu)),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await emu.wait_for_ready(30, count=ready_before + 1)
    await emu.wait_for_commands(ALL_COMMANDS, timeout=30)
    return process


async def stop(process: asyncio.subprocess.Process, signum: int) -> None:
    if process.returncode is None:
        process.send_signal(signum)
    await asyncio.wait_for(process.wait(), 30)


def state(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "kdrama.db") as conn:
        return conn.execute("SELECT state FROM announcements WHERE id = 1").fetchone()[0]


async def schedule(emu, when: str) -> None:
    handle = await emu.slash(
        emu.admin, "announce schedule", {"channel": "announcements", "when": when}
    )
    submitted = await emu.submit_modal(
        emu.admin, handle, {"Title": "Exactly once", "Message": "Only one of me."}, timeout=10
    )
    preview = await submitted.message(10)
    await emu.press_button(emu.admin, preview, "Schedule")
    await emu.wait_until(lambda: preview.content.startswith("**Scheduled**"), timeout=10)


def posts(emu) -> list:
    return [m for m in emu.channel_messages("announcements") if not m.deleted]


async def wait_posted(emu, tmp_path: Path) -> None:
    await emu.wait_until(lambda: state(tmp_path) == "posted", timeout=30, what="the post recorded")


async def test_stopped_before_due_and_restarted_after_posts_once_at_start_up(emu, tmp_path):
    process = await start(emu, tmp_path)
    await schedule(emu, "in 3s")
    await stop(process, signal.SIGTERM)
    assert process.returncode == 0
    await asyncio.sleep(3.5)  # the bot is down when the post comes due
    assert posts(emu) == []
    process = await start(emu, tmp_path)
    try:
        await wait_posted(emu, tmp_path)
        assert len(posts(emu)) == 1
    finally:
        await stop(process, signal.SIGTERM)


@pytest.mark.parametrize("after_processing", [False, True], ids=["before-send", "after-send"])
async def test_killed_just_after_claiming_leaves_exactly_one_message(
    emu, tmp_path, after_processing
):
    channel = emu.channel("announcements")
    process = await start(emu, tmp_path)
    hold = emu.hold("POST", f"/channels/{channel.id}/messages", after_processing=after_processing)
    await schedule(emu, "in 2s")
    await asyncio.wait_for(hold.arrived, 30)  # claimed and sending
    process.kill()
    await process.wait()
    hold.drop()
    assert state(tmp_path) == "posting"
    assert len(posts(emu)) == (1 if after_processing else 0)

    process = await start(emu, tmp_path)
    try:
        await wait_posted(emu, tmp_path)
        assert len(posts(emu)) == 1
        nonces = {
            r.json["nonce"] for r in emu.requests_to("POST", f"/channels/{channel.id}/messages")
        }
        assert len(nonces) == 1  # every attempt at the occurrence sent the same nonce
    finally:
        await stop(process, signal.SIGTERM)
