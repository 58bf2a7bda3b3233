"""Round trips through the emulator, with the real bot process and the `/ping` floor.

Each interaction is timed by the emulator's own clock: from the moment its gateway writes
INTERACTION_CREATE to the bot's socket (the frame's recorded `time`) to the moment the first
bytes of the bot's callback request reach it (the request's `arrived`), so the time covers the
gateway, discord.py, the bot's work and the REST call, and nothing of the emulator's own work
on either side nor of the benchmark's own waiting.
Runs go one at a time, on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.inprocess import median_search_work
from bench.inputs import PER_KIND, Inputs
from bench.ping_bot import iterations_per_ms
from bench.stats import Job, K, Timings, interleaved
from bot.emulator import Emulator, EmulatorError, EmulatorTimeout
from bot.sync import SYNC_HASH_KEY

ROOT = Path(__file__).resolve().parent.parent
KDRAMA_BOT = str(Path(sys.executable).parent / "kdrama-bot")
# Discord's limit is 3 s; waiting a little longer tells a late answer from none.
ANSWER_TIMEOUT = 3.5
CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"
READ_COMMANDS = ("show info", "show cast", "who", "quote random", "quote search", "about")
AUTOCOMPLETES = (
    ("who", "name", "names"),
    ("show info", "title", "titles"),
    ("quote random", "person", "names"),
)
DID_YOU_MEAN = "/who name (nothing matches: did you mean)"
# `bench/ping_bot.py`: "pong" as text, as an embed, and after some CPU work.
FLOOR_COMMANDS = ("ping", "embed-ping", "work-ping")


@dataclass(frozen=True, slots=True)
class Effort:
    """How many runs each measurement makes, and how long it may take at most (seconds)."""

    command_runs: int = 300
    command_budget: float = 40.0
    # A p99 of 100 runs is their second slowest: a few runs of noise move it by milliseconds, and
    # the worst of several such rows is worse still. One run per input of each kind.
    class_runs: int = PER_KIND
    class_budget: float = 8.0
    starts: int = 3


@dataclass(slots=True)
class BotProcess:
    """A bot process connected to the emulator, with its log in a file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    _log: Any = field(default=None, repr=False)

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.started_at = time.perf_counter()
        # cwd is the log's folder: a developer's .env in the repository is never read.
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, cwd=self.log_path.parent, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=self._log, stderr=self._log,
        )  # fmt: skip

    def memory_mb(self) -> dict[str, float]:
        """Resident memory now (VmRSS) and at its peak (VmHWM), from /proc."""
        assert self.process is not None
        found = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = round(int(value.split()[0]) / 1024, 1)
        return {"rss": found["VmRSS"], "peak": found["VmHWM"]}

    async def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        self._log.close()
        return self.process.returncode

    def log_problems(self) -> list[str]:
        """Warnings and errors the bot logged, such as discord.py's "Can't keep up"."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        levels = (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")
        return [line for line in lines if any(level in line for level in levels)]


def bot_environment(emu: Emulator, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "SHOWS_", "LOG_"))
    }
    env.update(
        DISCORD_TOKEN=emu.token,
        DISCORD_API_BASE=emu.api_base,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        **settings,
    )
    return env


def _latency(emu: Emulator, interaction_id: int) -> float | None:
    """From writing INTERACTION_CREATE to the bot's socket to the arrival of its callback request.

    From the write, not from the interaction's creation, so the emulator's encoding and
    compressing of the event is not counted against the bot; to the arrival of the request's
    first bytes, not to its handler, so neither is the emulator's parsing and routing of it, nor
    its checking of the reply's embeds (more work for an embed than for "pong").
    """
    interaction = emu.interactions[interaction_id]
    if interaction.callback_at is None:
        return None
    sent = _sent_at(emu, interaction_id) or interaction.created_at
    for request in reversed(emu.requests):
        if request.route == CALLBACK_ROUTE and interaction.token in request.path:
            arrived = request.time if request.arrived is None else request.arrived
            return (arrived - sent) * 1000
    return (interaction.callback_at - sent) * 1000


def _sent_at(emu: Emulator, interaction_id: int) -> float | None:
    """When the gateway wrote the interaction's INTERACTION_CREATE (the newest frames first)."""
    wanted = str(interaction_id)
    for frame in reversed(emu.gateway_frames):
        dispatched = frame.t == "INTERACTION_CREATE" and frame.direction == "send"
        if dispatched and frame.d["id"] == wanted:
            return frame.time
    return None


def emulator_share(emu: Emulator) -> dict[str, Any]:
    """The emulator's own work on each callback request before its handler took it (parsing
    and routing, in milliseconds): left out of the round trips, and shown beside them."""
    timing = Timings()
    for request in emu.requests:
        if request.route == CALLBACK_ROUTE and request.arrived is not None:
            timing.samples.append((request.time - request.arrived) * 1000)
    summary = timing.summary()
    del summary["samples"]
    return summary


async def slash_ms(emu: Emulator, command: str, options: dict[str, Any]) -> float | None:
    """One slash command by a member: milliseconds to its callback, or None (none in time)."""
    handle = await emu.slash(emu.member, command, options)
    try:
        await handle.response(ANSWER_TIMEOUT)
    except EmulatorTimeout:
        return None
    return _latency(emu, handle.id)


async def autocomplete_ms(emu: Emulator, command: str, option: str, text: str) -> float | None:
    try:
        await emu.autocomplete(emu.member, command, {option: text}, option, timeout=ANSWER_TIMEOUT)
    except (EmulatorTimeout, EmulatorError):
        return None
    # Runs go one at a time, so the newest interaction is this one.
    return _latency(emu, next(reversed(emu.interactions)))


async def _measure(
    jobs: dict[K, Job], runs: int, budget: float, warm_up: int = 0
) -> dict[K, dict[str, Any]]:
    """The jobs' summaries, measured interleaved, after `warm_up` unrecorded runs of each."""
    if warm_up:
        await interleaved(jobs, runs=warm_up, budget=budget)
    timings = await interleaved(jobs, runs=runs, budget=budget)
    return {key: timing.summary() for key, timing in timings.items()}


@contextlib.asynccontextmanager
async def floor_bot(emu: Emulator, log_dir: Path) -> AsyncIterator[BotProcess]:
    """The `/ping` bot, running on its own emulator (one emulator serves one application)."""
    process = BotProcess(
        "ping",
        [sys.executable, "-m", "bench.ping_bot"],
        bot_environment(emu, PYTHONPATH=str(ROOT)),
        log_dir / "ping_bot.log",
    )
    await process.start()
    try:
        await emu.wait_for_commands(list(FLOOR_COMMANDS), timeout=30)
        await emu.wait_for_ready(30)
        yield process
    finally:
        await process.stop()


# A process that sat idle while the other bot worked answers its next interaction slower (a cold
# process: 0.5 ms more at the median), so each bot's part of a round starts with an answer that
# is not timed: `/ping` for the floor, `/about` for kdrama-bot.
FLOOR_WAKE, KDRAMA_BOT_WAKE = "floor: wake", "kdrama-bot: wake"


def _slash_job(emu: Emulator, command: str, options: dict[str, Any] | None = None) -> Job:
    async def run(_: str) -> float | None:
        return await slash_ms(emu, command, options or {})

    return Job(run, [""])


def floor_jobs(emu: Emulator, work: int | None = None) -> dict[str, Job]:
    """The floor's commands, to time in the same rounds as the bot's, so the machine's other
    work falls on both alike; after FLOOR_WAKE. `/ping`, and `/embed-ping`; or, given `work`
    (iterations of `bench.ping_bot.spin`), `/work-ping` with that much CPU work."""
    jobs = {FLOOR_WAKE: _slash_job(emu, "ping"), "ping": _slash_job(emu, "ping")}
    if work is None:
        return jobs | {"embed-ping": _slash_job(emu, "embed-ping")}
    return jobs | {"work-ping": _slash_job(emu, "work-ping", {"iterations": work})}


def _timed(jobs: dict[str, Job]) -> list[str]:
    return [key for key in jobs if key not in (FLOOR_WAKE, KDRAMA_BOT_WAKE)]


def forget_last_sync(database: Path) -> None:
    """Make the next start sync its commands: the emulator starts without any."""
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("DELETE FROM meta WHERE key = ?", (SYNC_HASH_KEY,))


async def start_kdrama_bot(
    emu: Emulator, database: Path, log_dir: Path
) -> tuple[BotProcess, dict[str, float]]:
    """Start `kdrama-bot run`; time it to commands synced, to READY and to its first answer."""
    forget_last_sync(database)
    process = BotProcess(
        "kdrama-bot",
        [KDRAMA_BOT, "run"],
        bot_environment(emu, DATABASE_PATH=str(database), SHOWS_DIR=str(ROOT / "data" / "shows")),
        log_dir / f"kdrama-bot-{database.stem}.log",
    )
    ready, syncs = emu.gateway.ready_count, emu.commands.syncs
    await process.start()
    try:
        await emu.wait_for_commands(list(_top_level(READ_COMMANDS)), syncs=syncs + 1, timeout=60)
        synced = time.perf_counter()
        await emu.wait_for_ready(60, count=ready + 1)
        connected = time.perf_counter()
        while await slash_ms(emu, "about", {}) is None:
            if time.perf_counter() - process.started_at > 60:
                raise RuntimeError("kdrama-bot did not answer /about within 60 s of starting")
        answered = time.perf_counter()
    except BaseException:
        await process.stop()
        raise
    since = process.started_at
    return process, {
        "commands_synced": round(synced - since, 3),
        "ready": round(connected - since, 3),
        "first_answer": round(answered - since, 3),
    }


def _top_level(commands: tuple[str, ...]) -> dict[str, None]:
    return dict.fromkeys(command.split()[0] for command in commands)


async def read_commands(
    emu: Emulator, inputs: Inputs, effort: Effort, floor: dict[str, Job]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each read command with typical input, `command_runs` times, and the floor's commands in
    the same rounds: (the commands' summaries, the floor's)."""
    titles, names = inputs.show_titles, inputs.who_names
    runs: dict[str, tuple[Callable[[str], dict[str, Any]], list[str]]] = {
        "show info": (lambda value: {"title": value}, titles),
        "show cast": (lambda value: {"title": value}, titles),
        "who": (lambda value: {"name": value}, names),
        "quote random": (lambda _: {}, [""]),
        "quote search": (lambda value: {"text": value}, inputs.typical_searches),
        "about": (lambda _: {}, [""]),
    }
    jobs = {}
    for command in READ_COMMANDS:
        options, values = runs[command]

        async def run(value: str, command: str = command, options=options) -> float | None:
            return await slash_ms(emu, command, options(value))

        jobs[command] = Job(run, values)
    results = await _measure(
        {**floor, KDRAMA_BOT_WAKE: _slash_job(emu, "about"), **jobs},
        effort.command_runs,
        effort.command_budget,
        warm_up=10,
    )
    return {c: results[c] for c in jobs}, {c: results[c] for c in _timed(floor)}


async def searches(
    emu: Emulator, inputs: Inputs, effort: Effort, floor: dict[str, Job]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Autocomplete and `/quote search` round trips, by class of input, and the floor's
    commands in the same rounds: (a row per command and class, the floor's summaries)."""
    jobs: dict[tuple[str, str], Job] = {(key, ""): job for key, job in floor.items()}
    jobs[KDRAMA_BOT_WAKE, ""] = _slash_job(emu, "about")
    for command, option, pool in AUTOCOMPLETES:
        for kind, values in getattr(inputs, pool).items():

            async def complete(value: str, command: str = command, option: str = option):
                return await autocomplete_ms(emu, command, option, value)

            jobs[f"/{command} {option} (autocomplete)", kind] = Job(complete, values)

    async def search(value: str) -> float | None:
        return await slash_ms(emu, "quote search", {"text": value})

    async def who(value: str) -> float | None:
        return await slash_ms(emu, "who", {"name": value})

    for kind, values in inputs.quotes.items():
        jobs["/quote search text", kind] = Job(search, values)
    for kind, values in inputs.misspelled.items():
        jobs[DID_YOU_MEAN, kind] = Job(who, values)
    results = await _measure(jobs, effort.class_runs, effort.class_budget)
    rows = [
        {"command": command, "class": kind, **summary}
        for (command, kind), summary in results.items()
        if kind
    ]
    return rows, {command: results[command, ""] for command in _timed(floor)}


async def run_size(
    emu: Emulator,
    database: Path,
    inputs: Inputs,
    log_dir: Path,
    effort: Effort,
    starts: int,
    floor_emu: Emulator,
) -> dict[str, Any]:
    """Start the bot (`starts` times, timing each), then every scenario with the floor's jobs
    in its rounds, then its memory. In the search rounds `/work-ping` works as long as
    `find_quotes` at the median, both timed in this process just before them: the machine's
    speed drifts from one minute to the next."""
    startups = []
    for attempt in range(starts):
        process, startup = await start_kdrama_bot(emu, database, log_dir)
        startups.append(startup)
        if attempt < starts - 1:
            await process.stop()
    try:
        reads, reads_floor = await read_commands(emu, inputs, effort, floor_jobs(floor_emu))
        work_ms = await median_search_work(database, inputs)
        work = round(work_ms * iterations_per_ms())
        search_rows, searches_floor = await searches(
            emu, inputs, effort, floor_jobs(floor_emu, work)
        )
        result = {
            "startups": startups,
            "reads": reads,
            "searches": search_rows,
            "floor": {"reads": reads_floor, "searches": searches_floor},
            "work_ms": work_ms,
            "memory": process.memory_mb(),
            "emulator_ms": emulator_share(emu),
        }
    finally:
        code = await process.stop()
    result["exit_code"] = code
    result["log_problems"] = process.log_problems()[:5]
    return result
