"""The results as Markdown: the machine, the targets met or missed and why, and every table."""

from __future__ import annotations

import hashlib
import os
import platform
import re
import sqlite3
import statistics
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.inprocess import COUNTS, ONE_READ, PAGES, QUICK_CHECK
from bench.inputs import READ_INPUTS
from bench.scenarios import DID_YOU_MEAN
from bench.stats import mixed_percentile
from bot import __version__
from bot.db.connection import INLINE_READ_BUDGET
from bot.search import TRIGRAM_MIN

ROOT = Path(__file__).resolve().parent.parent
# Which case holds each read command's work, and which each search round trip runs.
COMMAND_WORK = {
    "show info": "/show info",
    "show cast": "/show cast",
    "who": "/who",
    "quote random": "/quote random",
    "quote search": "/quote search",
    "about": "/about",
}
SEARCH_WORK = {
    "/who name (autocomplete)": "search_names",
    "/quote random person (autocomplete)": "search_names",
    "/show info title (autocomplete)": "search_show_titles",
    "/quote search text": "find_quotes",
    DID_YOU_MEAN: "nearest_names",
}

# The kind of search input that matches nothing (bench/inputs.py).
NOTHING_FOUND = "no match"
READ_RATIO = 1.5
SEARCH_P99_MS = 5.0
STARTUP_S = 2.0
RSS_MB = 120.0


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        total_kb = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    # Changes to this document itself (the last run's numbers) change nothing measured.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", ".", ":!docs/benchmarks.md"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "load": load,
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "ram": f"{total_kb / 2**20:.1f} GiB",
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "discord.py": metadata.version("discord.py"),
        "aiosqlite": metadata.version("aiosqlite"),
        "kdrama-bot": f"{__version__} (commit {commit or '?'}"
        + (", with uncommitted changes)" if dirty else ")"),
    }


def cpu_seconds() -> dict[str, float]:
    """The machine's CPU time so far, from /proc/stat (all CPUs together): in use, and stolen
    (taken by the hypervisor while this machine had work to run)."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return {"busy": (user + nice + system + irq + softirq) / tick, "steal": steal / tick}


def stolen(before: dict[str, float], after: dict[str, float]) -> str:
    """What the hypervisor took between two `cpu_seconds`, said for the document."""
    busy, steal = (after[key] - before[key] for key in ("busy", "steal"))
    if busy + steal <= 0:
        return "unknown"
    return f"{steal:.1f} s, {steal / (busy + steal):.1%} of the CPU time this machine had work for"


def code_fingerprint() -> str:
    """A hash of the product's code (bot/ and cogs/), to notice when it changes during a run."""
    digest = hashlib.sha256()
    for path in sorted(
        [*ROOT.glob("bot/**/*.py"), *ROOT.glob("bot/**/*.sql"), *ROOT.glob("cogs/**/*.py")]
    ):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def size_label(quotes: int) -> str:
    if quotes >= 1_000_000 and quotes % 1_000_000 == 0:
        return f"{quotes // 1_000_000}M"
    if quotes >= 1000 and quotes % 1000 == 0:
        return f"{quotes // 1000}k"
    return f"{quotes:,}"


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def p50_p99(row: dict[str, Any] | None) -> str:
    if row is None:
        return "–"
    text = f"{ms(row['p50'])} / {ms(row['p99'])}"
    if row.get("failures"):
        text += f" ({row['failures']} over 3 s)"
    return text


def merged(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One summary over several rows: a command over its whole input mix, each kind of input
    weighing the same (a slow kind that ran out of time after a few runs counts fully)."""
    groups = [row["samples"] for row in rows if row["samples"]]
    if not groups:
        return None
    return {
        "n": sum(len(group) for group in groups),
        "p50": mixed_percentile(groups, 0.5),
        "p99": mixed_percentile(groups, 0.99),
        "max": max(max(group) for group in groups),
        "failures": sum(row.get("failures", 0) for row in rows),
    }


# -- why a query is slow, read from its plan --------------------------------------------------


def diagnose(statement: dict[str, Any]) -> str:
    """A short reason, in words, from a statement's SQL and EXPLAIN QUERY PLAN."""
    sql, plan = statement["sql"], statement["plan"]
    # A scan may stop early at a LIMIT, so this says "scans", not "reads every row".
    reasons = [
        f"scans `{table}` ({rows:,} rows)"
        for table, rows in statement.get("scanned", {}).items()
        if rows
    ]
    patterns = re.findall(r"LIKE '%([^']*)%'", sql)
    if patterns and reasons:
        if all(len(p.strip("|% ")) < TRIGRAM_MIN for p in patterns):
            reasons.append("with `LIKE '%…%'`: the input is too short for the trigram index")
        else:
            reasons.append("with `LIKE '%…%'`, which no index can serve")
    if re.search(r"\bmin\(\w+\), max\(", sql, re.I) and reasons:
        reasons.append("(`min()` and `max()` in one SELECT defeat SQLite's min/max optimisation)")
    if any("_fts VIRTUAL TABLE" in line for line in plan):
        capped = re.search(r"MATCH '[^']*' LIMIT (\d+)", sql)
        found = f"up to {capped.group(1)} full-text matches" if capped else "every full-text match"
        reasons.append(("counts " if re.search(r"count\(", sql) else "fetches ") + found)
    if any("TEMP B-TREE FOR ORDER BY" in line for line in plan):
        reasons.append("sorts the rows it found to keep the first few (`ORDER BY … LIMIT`)")
    if re.search(r"\bOFFSET\b", sql, re.I):
        reasons.append("`OFFSET` steps over every skipped row")
    return "; ".join(dict.fromkeys(reasons)) or "see the plan"


# -- targets --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    measured: str
    met: bool
    why: list[str]


def _inprocess(run: dict[str, Any], case: str, kind: str | None = None) -> list[dict[str, Any]]:
    return [
        row
        for row in run["inprocess"]
        if row["case"] == case and (kind is None or row["class"] == kind)
    ]


def _slowest_evidence(run: dict[str, Any], case: str) -> dict[str, Any] | None:
    rows = [row for row in _inprocess(run, case) if "evidence" in row]
    if not rows:
        return None
    row = max(rows, key=lambda r: r["p99"])
    statement = row["evidence"]["statements"][0] if row["evidence"]["statements"] else None
    return {"row": row, "statement": statement}


def _why_statement(run: dict[str, Any], case: str) -> str:
    found = _slowest_evidence(run, case)
    if found is None or found["statement"] is None:
        return ""
    row, statement = found["row"], found["statement"]
    if diagnose(statement) == "see the plan":
        return ""
    evidence = row["evidence"]
    why = (
        f"its slowest statement (input {evidence['input']!r}, {ms(statement['ms'])} ms "
        f"alone) {diagnose(statement)}"
    )
    outside = evidence["call_ms"] - evidence["sql_ms"]
    if evidence["sql_ms"] < evidence["call_ms"] / 2 and outside >= SEARCH_P99_MS:
        why += (
            f"; but SQL is only {ms(evidence['sql_ms'])} ms of that call's "
            f"{ms(evidence['call_ms'])} ms: the rest is outside SQLite (Python on the event "
            "loop, and aiosqlite's trips to its thread)"
        )
    return why


def evaluate(results: dict[str, Any]) -> list[Target]:
    size, startup_size = results["target_size"], results["startup_size"]
    run = results["runs"][size]
    target_floor = _floor(results, size)
    floor = target_floor["p50"]
    targets = []

    ratios = {command: row["p50"] / floor for command, row in run["reads"].items() if row["p50"]}
    worst = max(ratios, key=ratios.get)
    over = [command for command, ratio in ratios.items() if ratio > READ_RATIO]
    failed = [command for command, row in run["reads"].items() if row["failures"]]
    hop = _inprocess(run, ONE_READ)
    embed = target_floor.get("embed")
    embed_cost = max(embed["p50"] - floor, 0.0) if embed else 0.0
    why = []
    for command in over:
        row = run["reads"][command]
        work = _inprocess(run, COMMAND_WORK[command])[0]
        rest = max(row["p50"] - floor - embed_cost - work["p50"], 0.0)
        parts = [
            f"`/{command}` p50 {ms(row['p50'])} ms, {ms(row['p50'] - floor)} ms over the floor: "
            f"{ms(embed_cost)} ms because its reply is an embed (`/embed-ping`), "
            f"{ms(work['p50'])} ms of database work in-process when the answer is not cached "
            f"({_queries(work)}; one read costs {ms(hop[0]['p50'] if hop else None)} ms before "
            f"SQLite does anything), and {ms(rest)} ms left for building the reply"
        ]
        pages = _inprocess(run, PAGES) if command == "quote search" else []
        if pages:
            parts.append(
                f"building its first page too takes it to {ms(pages[0]['p50'])} ms in-process"
            )
        reason = _why_statement(run, COMMAND_WORK[command])
        why.append("; ".join(parts + ([reason] if reason else [])))
    targets.append(
        Target(
            f"every read command's p50 within {READ_RATIO}× the ping floor",
            f"{len(ratios) - len(over)} of {len(ratios)} within; slowest `/{worst}` "
            f"{ms(run['reads'][worst]['p50'])} ms = {ratios[worst]:.1f}× the floor "
            f"({ms(floor)} ms)",
            not over and not failed,
            why,
        )
    )

    targets.append(_round_trip_target(run))

    functions = dict.fromkeys(SEARCH_WORK.values())
    own = {function: merged(_inprocess(run, function)) for function in functions}
    worst_own = max(own, key=lambda f: own[f]["p99"] if own[f] else 0)
    why = []
    for function, summary in own.items():
        if summary and summary["p99"] >= SEARCH_P99_MS:
            rows = sorted(_inprocess(run, function), key=lambda r: -(r["p99"] or 0))
            slow = ", ".join(f"{r['class']} {ms(r['p99'])} ms" for r in rows[:3])
            reason = _why_statement(run, function)
            why.append(
                f"`{function}`: p99 {ms(summary['p99'])} ms; slowest inputs: {slow}"
                + (f"; {reason}" if reason else "")
            )
    targets.append(
        Target(
            f"search and autocomplete p99 under {SEARCH_P99_MS:g} ms: the bot's own work",
            f"worst `{worst_own}` p99 {ms(own[worst_own]['p99'])} ms over the input mix",
            all(s is not None and s["p99"] < SEARCH_P99_MS for s in own.values()),
            why,
        )
    )

    starts = results["runs"][startup_size]["startups"]
    ready = statistics.median(max(s["ready"], s["commands_synced"]) for s in starts)
    first = statistics.median(s["first_answer"] for s in starts)
    targets.append(
        Target(
            f"start-up under {STARTUP_S:g} s with {size_label(startup_size)} quotes",
            f"{ready:.3f} s to READY with commands synced (median of {len(starts)}); "
            f"first answer at {first:.2f} s",
            ready < STARTUP_S,
            [] if ready < STARTUP_S else [_startup_why(results, starts)],
        )
    )

    memory = run["memory"]
    targets.append(
        Target(
            f"RSS under {RSS_MB:g} MB",
            f"{memory['rss']:.0f} MB after the run at {size_label(size)} quotes "
            f"(peak {memory['peak']:.0f} MB)",
            memory["rss"] < RSS_MB,
            [] if memory["rss"] < RSS_MB else ["see the memory table"],
        )
    )
    return targets


def _round_trip_target(run: dict[str, Any]) -> Target:
    """Search and autocomplete p99 through the emulator, and, when missed, why."""
    by_command: dict[str, list[dict[str, Any]]] = {}
    for row in run["searches"]:
        by_command.setdefault(row["command"], []).append(row)
    round_trip = {command: merged(rows) for command, rows in by_command.items()}
    worst_rt = max(round_trip, key=lambda c: round_trip[c]["p99"] if round_trip[c] else 0)
    why = []
    for command, summary in round_trip.items():
        if summary and summary["p99"] >= SEARCH_P99_MS:
            rows = sorted(by_command[command], key=lambda r: -(r["p99"] or 0))
            slow = ", ".join(f"{r['class']} {ms(r['p99'])} ms" for r in rows[:3])
            why.append(f"{command}: p99 {ms(summary['p99'])} ms; slowest inputs: {slow}")
    search_floor = run["floor"]["searches"]["ping"]
    if why:
        why.append(
            f"for scale: in the same rounds, a bare discord.py bot's `/ping` took p50 "
            f"{ms(search_floor['p50'])} ms and p99 {ms(search_floor['p99'])} ms; a round trip is "
            "that, plus the bot's own work (next row), on a machine whose other work adds to both"
        )
        control = _work_ping(run)
        if control:
            verdict = "misses it too" if control["p99"] >= SEARCH_P99_MS else "meets it"
            why.append(
                f"the same bare bot's `/work-ping`, which first does {ms(run['work_ms'])} ms of "
                "CPU work (as long as a median search's own work: `find_quotes` p50, each "
                f"input met once), took p50 {ms(control['p50'])} ms and p99 "
                f"{ms(control['p99'])} ms: on this machine, in this run, a bot that works as "
                f"long as a median search {verdict}"
            )
        trivial = _trivial_answers(run)
        if trivial:
            why.append(trivial)
    return Target(
        f"search and autocomplete p99 under {SEARCH_P99_MS:g} ms: the round trip",
        f"worst {worst_rt} p99 {ms(round_trip[worst_rt]['p99'])} ms over the input mix "
        f"(`/ping` p99 in the same rounds: {ms(search_floor['p99'])} ms)",
        all(s is not None and s["p99"] < SEARCH_P99_MS for s in round_trip.values()),
        why,
    )


def _trivial_answers(run: dict[str, Any]) -> str | None:
    """The bot's own answers that need almost no work, in the same rounds: a search that finds
    nothing. When even they miss the target, the miss is the machine's, not the searching's."""
    rows = [
        row
        for row in run["searches"]
        if row["command"] == "/quote search text" and row["class"] == NOTHING_FOUND
    ]
    work = _inprocess(run, SEARCH_WORK["/quote search text"], NOTHING_FOUND)
    if not rows or not rows[0]["p99"] or not work:
        return None
    verdict = "miss it too" if rows[0]["p99"] >= SEARCH_P99_MS else "meet it"
    return (
        f"kdrama-bot's own answers that need almost no work, a `/quote search` that finds "
        f"nothing ({ms(work[0]['p50'])} ms of own work at the median), took p50 "
        f"{ms(rows[0]['p50'])} ms and p99 {ms(rows[0]['p99'])} ms in the same rounds: they "
        f"{verdict}"
    )


def _queries(row: dict[str, Any]) -> str:
    return "1 query" if row["queries"] == 1 else f"{row['queries']} queries"


def _startup_why(results: dict[str, Any], starts: list[dict[str, float]]) -> str:
    synced = statistics.median(s["commands_synced"] for s in starts)
    ready = statistics.median(s["ready"] for s in starts)
    run = results["runs"][results["startup_size"]]
    steps = [f"starting Python and importing the bot takes {results['imports_s']:.2f} s"]
    for case in (QUICK_CHECK, COUNTS):
        found = _inprocess(run, case)
        if found:
            steps.append(f"`{case.split(' (')[0]}` {found[0]['p50'] / 1000:.2f} s")
    return (
        f"commands were synced {synced:.2f} s after the process started and READY came "
        f"{ready - synced:.2f} s later; of that, {', '.join(steps)} (in-process, before the bot "
        "logs in)"
    )


# -- the document ----------------------------------------------------------------------------


def render(results: dict[str, Any]) -> str:
    sizes: list[int] = results["sizes"]
    size = results["target_size"]
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {results['date']} (the run took "
        f"{results['duration_s'] / 60:.1f} minutes). Run it again to refresh this file; the "
        "numbers are from one run on this machine:",
        "",
        f"- **CPU:** {m['cpu']}, {m['cores']} cores; **RAM:** {m['ram']}; **OS:** {m['os']}",
        f"- **Python** {m['python']}, **SQLite** {m['sqlite']}, **discord.py** "
        f"{m['discord.py']}, **aiosqlite** {m['aiosqlite']}; **kdrama-bot** {m['kdrama-bot']}",
        f"- **Load average** (1, 5, 15 minutes) when the run started: {m['load']}; when it "
        f"ended: {results['load_after']}. Other work on the machine shows up as noise, mostly "
        "in the p99s.",
        *(
            [f"- **Stolen by the hypervisor** during the run: {stolen(*results['cpu'])}."]
            if "cpu" in results
            else []
        ),
        "",
        *(
            [
                "**The code in `bot/` or `cogs/` changed while this ran: these numbers mix two "
                "versions. Run `make bench` again.**",
                "",
            ]
            if results["code_changed"]
            else []
        ),
        *_errors_banner(results, sizes),
        "Times are milliseconds unless marked; *p50 / p99* are the median and the 99th "
        "percentile (nearest rank). *Round trip* is timed by the emulator, from writing "
        "INTERACTION_CREATE to the bot's socket to the arrival of the bot's interaction "
        "callback. "
        "*Own work* is the same "
        "database functions timed inside one process, without Discord.",
        "",
        f"## Targets (issue #4), at {size_label(size)} quotes",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    targets = evaluate(results)
    for target in targets:
        verdict = "met" if target.met else "**missed**"
        lines.append(f"| {target.name} | {target.measured} | {verdict} |")
    missed = [t for t in targets if not t.met]
    if missed:
        lines += ["", "Why the missed targets are missed (evidence further down):", ""]
        for target in missed:
            lines.append(f"- **{target.name}**")
            lines += [f"  - {reason}" for reason in target.why]
    lines += _reads(results, sizes)
    lines += _searches(results, sizes)
    lines += _own_work(results, sizes)
    lines += _startup(results, sizes)
    lines += _memory(results, sizes)
    lines += _log(results, sizes)
    lines += _generation(results, sizes)
    lines += _evidence(results, sizes)
    lines += _method(results)
    return "\n".join(lines) + "\n"


def _section(title: str, intro: str, columns: list[str]) -> list[str]:
    """A heading, a paragraph, and the head of a table with these columns."""
    head = f"| {' | '.join(columns)} |"
    return ["", f"## {title}", "", intro, "", head, "|---" * len(columns) + "|"]


def _per_size(sizes: list[int], *columns: str) -> list[str]:
    return [column.format(size=size_label(s)) for s in sizes for column in columns]


def _work_ping(run: dict[str, Any]) -> dict[str, Any] | None:
    """`/work-ping` timed in the search rounds (runs before it had none)."""
    return run["floor"]["searches"].get("work-ping") if "work_ms" in run else None


def _floor(results: dict[str, Any], size: int) -> dict[str, Any]:
    """The floor timed in the same rounds as the read commands at this size."""
    floor = results["runs"][size]["floor"]["reads"]
    return {**floor["ping"], "embed": floor["embed-ping"]}


def _reads(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = _section(
        "Read commands",
        "Each command with typical input (a show's title, any name or alias, a word from a "
        "quote), one at a time. The floor is `/ping` from `bench/ping_bot.py`, a minimal "
        'discord.py bot that replies "pong" (and `/embed-ping`, an embed), timed in the same '
        "rounds as the commands: one `/ping` and one `/embed-ping` between each command's runs, "
        "so the machine's other work falls on the floor and the commands alike. The bot keeps "
        "each answer of `/show`, `/who`, `/quote search` and `/about` until the database "
        f"changes, and the inputs repeat ({READ_INPUTS} of each kind), so after the first round "
        "most of these answers come from that cache; *own work* is what an answer not yet "
        "cached costs in the database. `/quote random` is never cached.",
        [
            "command",
            *_per_size(sizes, "{size} round trip p50 / p99", "÷ floor", "own work p50 (queries)"),
        ],
    )
    floors = {s: _floor(results, s) for s in sizes}
    lines.append(
        "| `/ping` (the floor) | "
        + " | ".join(f"{p50_p99(floors[s])} | 1.0 | –" for s in sizes)
        + " |"
    )
    lines.append(
        "| `/embed-ping` (the floor, answered with an embed) | "
        + " | ".join(
            f"{p50_p99(floors[s]['embed'])} | "
            f"{floors[s]['embed']['p50'] / floors[s]['p50']:.1f} | –"
            for s in sizes
        )
        + " |"
    )
    for command in results["runs"][sizes[0]]["reads"]:
        cells = []
        for s in sizes:
            run = results["runs"][s]
            row = run["reads"][command]
            ratio = f"{row['p50'] / floors[s]['p50']:.1f}" if row["p50"] else "–"
            work = _inprocess(run, COMMAND_WORK[command])
            own = f"{ms(work[0]['p50'])} ({work[0]['queries']})" if work else "–"
            cells.append(f"{p50_p99(row)} | {ratio} | {own}")
        lines.append(f"| `/{command}` | " + " | ".join(cells) + " |")
    runs = results["runs"][sizes[0]]["reads"]
    counts = sorted({row["n"] for row in runs.values()})
    lines += ["", f"Runs per command: {', '.join(map(str, counts))} (bounded by time)."]
    return lines


def _searches(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = _section(
        "Search and autocomplete",
        "Round trips of each autocomplete and of `/quote search`, by kind of input, beside the "
        "function the bot runs for it timed in-process. *all inputs* merges every kind, each "
        "weighing the same. The floor bot's `/ping` and `/work-ping` are timed in the same "
        "rounds. `/work-ping` answers as `/ping` does after a fixed amount of CPU work (a "
        "loop, timed just before the rounds), as long as `find_quotes` takes at the "
        "median, each input met once: what the machine does to a round trip with that much "
        "work in it, whoever's work it is.",
        [
            "command",
            "input",
            *_per_size(sizes, "{size} round trip p50 / p99", "own work p50 / p99"),
        ],
    )
    floors = [results["runs"][s]["floor"]["searches"]["ping"] for s in sizes]
    lines.append(
        "| `/ping` (the floor) | – | " + " | ".join(f"{p50_p99(f)} | –" for f in floors) + " |"
    )
    controls = [(results["runs"][s], _work_ping(results["runs"][s])) for s in sizes]
    if all(control for _, control in controls):
        lines.append(
            "| `/work-ping` (the floor, after CPU work as long as a median search's) | – | "
            + " | ".join(
                f"{p50_p99(control)} | {ms(run['work_ms'])} (fixed)" for run, control in controls
            )
            + " |"
        )
    first = results["runs"][sizes[0]]["searches"]
    for command in dict.fromkeys(row["command"] for row in first):
        function = SEARCH_WORK[command]
        kinds = [row["class"] for row in first if row["command"] == command]
        for kind in [*kinds, "all inputs"] if len(kinds) > 1 else kinds:
            cells = []
            for s in sizes:
                run = results["runs"][s]
                rows = [r for r in run["searches"] if r["command"] == command]
                own = _inprocess(run, function)
                if kind == "all inputs":
                    trip, work = merged(rows), merged(own)
                else:
                    trip = next((r for r in rows if r["class"] == kind), None)
                    work = next((r for r in own if r["class"] == kind), None)
                cells.append(f"{p50_p99(trip)} | {p50_p99(work)}")
            name = f"**{kind}**" if kind == "all inputs" else kind
            lines.append(f"| {command} | {name} | " + " | ".join(cells) + " |")
    return lines


def _own_work(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = _section(
        "The bot's own work, in-process",
        "The database functions behind each command, awaited one at a time through the bot's "
        "own `Database`, without the commands' caches: what the first answer to an input "
        'costs. *one read* is `Database.fetch_one("SELECT 1")`: what any read costs before '
        "SQLite does anything (on the event loop, through the reading connection; a read over "
        f"{INLINE_READ_BUDGET * 1000:g} ms is stopped there and finished on aiosqlite's thread). "
        "*one query, one thread hop* "
        'is aiosqlite\'s `execute_fetchall("SELECT 1")`, the way every read went before. '
        "*queries* counts the statements one call sends.",
        ["function", "input", "queries", *_per_size(sizes, "{size} p50 / p99", "runs")],
    )
    first = results["runs"][sizes[0]]["inprocess"]
    for row in first:
        if row["case"] in SEARCH_WORK.values():
            continue  # in the search table already
        cells = []
        for s in sizes:
            match = _inprocess(results["runs"][s], row["case"], row["class"])
            cells.append(f"{p50_p99(match[0])} | {match[0]['n']}" if match else "– | –")
        lines.append(
            f"| `{row['case']}` | {row['class']} | {row['queries']} | " + " | ".join(cells) + " |"
        )
    return lines


def _startup(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = _section(
        "Start-up",
        "Seconds from starting the `kdrama-bot run` process until the emulator saw each step. "
        "Before each start the stored command hash is cleared, so every start syncs its commands "
        "(the emulator starts with none). The first start at a size may find the database file "
        "outside the OS page cache, so that quick_check reads it from the disk; the starts "
        "after it find the file there. The target takes the median of all the starts. Starting "
        f"Python and importing the bot alone takes {results['imports_s']:.2f} s (median of 3).",
        ["quotes", "start", "commands synced", "READY", "first answer (`/about`)"],
    )
    for s in sizes:
        for number, start in enumerate(results["runs"][s]["startups"], 1):
            lines.append(
                f"| {size_label(s)} | {number} | {start['commands_synced']:.2f} | "
                f"{start['ready']:.2f} | {start['first_answer']:.2f} |"
            )
    return lines


def _memory(results: dict[str, Any], sizes: list[int]) -> list[str]:
    ping = results["floor_memory"]
    lines = _section(
        "Memory",
        "Resident set size of the process from `/proc/<pid>/status` (VmRSS) after every scenario "
        "ran, and its peak (VmHWM), in MB. The peak includes the database file itself: at "
        "start-up `quick_check` reads it through a memory map, whose pages count as resident "
        "while it runs. They are the OS's file cache, which reading the file any other way fills "
        "as much, and they leave the process when the check ends.",
        ["process", "quotes", "RSS after the run", "peak"],
    )
    lines.append(
        f"| `bench/ping_bot.py` (discord.py alone) | – | {ping['rss']:.0f} | {ping['peak']:.0f} |"
    )
    for s in sizes:
        memory = results["runs"][s]["memory"]
        lines.append(
            f"| `kdrama-bot run` | {size_label(s)} | {memory['rss']:.0f} | {memory['peak']:.0f} |"
        )
    return lines


def _errors_banner(results: dict[str, Any], sizes: list[int]) -> list[str]:
    errors = sum(" ERROR " in line for s in sizes for line in results["runs"][s]["log_problems"])
    if not errors:
        return []
    return [
        f'**The bot logged {errors} error(s) during the run (see "What the bot logged"): '
        "some answers were error messages, so this run shows a bug, not the bot's speed.**",
        "",
    ]


def _log(results: dict[str, Any], sizes: list[int]) -> list[str]:
    found = [(s, line) for s in sizes for line in results["runs"][s]["log_problems"]]
    if not found:
        return ["", "The bot logged no warning or error during the run."]
    lines = ["", "## What the bot logged", "", "Its warnings and errors during the run:", ""]
    for s, line in found:
        # A traceback's first line says where, its last line what; the middle is in the log.
        parts = [part for part in line.strip().split("\\n") if part.strip()]
        shown = parts[0] if len(parts) < 3 else f"{parts[0]} … {parts[-1].strip()}"
        lines.append(f"- at {size_label(s)}: `{shown}`")
    return lines


def _generation(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = _section(
        "The synthetic content",
        "`bench/generate.py` writes it straight into the real schema (cached in `bench/.cache/`, "
        "keyed by size, generator version and the migrations). Seconds are for making a "
        "database when it was not cached.",
        ["quotes", "shows", "people", "characters", "names", "FTS load", "seconds", "MB"],
    )
    compared = []
    for s in sizes:
        g = results["generation"][s]
        lines.append(
            f"| {g['quotes']:,} | {g['shows']:,} | {g['people']:,} | {g['characters']:,} | "
            f"{g['names']:,} | {g['method']} | {g['seconds']:.1f} | {g['size_mb']:,.0f} |"
        )
        if g.get("compared"):
            compared.append((s, g["compared"]))
    for s, times in compared:
        faster = min(times, key=times.get)
        slower = max(times, key=times.get)
        lines += [
            "",
            f"Filling the FTS5 indexes at {size_label(s)} quotes: through the insert triggers "
            f"{times['triggers']:.1f} s, or with the triggers dropped for the load and one "
            f"`INSERT INTO x_fts(x_fts) VALUES('rebuild')` per index {times['rebuild']:.1f} s. "
            f"`{faster}` is {times[slower] / times[faster]:.1f}× faster and is used for every "
            "size (the triggers are put back exactly as they were).",
        ]
    return lines


def _evidence(results: dict[str, Any], sizes: list[int]) -> list[str]:
    lines = [
        "",
        "## Evidence: the slow statements",
        "",
        f"For each function whose p99 went over {SEARCH_P99_MS:g} ms, its slowest input was run "
        "again with SQLite's trace callback on; each statement it ran was then timed alone "
        "(ms) and explained (EXPLAIN QUERY PLAN).",
    ]
    for s in sizes:
        run = results["runs"][s]
        cases = dict.fromkeys(row["case"] for row in run["inprocess"] if "evidence" in row)
        for case in cases:
            found = _slowest_evidence(run, case)
            assert found is not None
            row = found["row"]
            evidence = row["evidence"]
            lines += [
                "",
                f"### `{case}` at {size_label(s)}: {row['class']} (p99 {ms(row['p99'])} ms)",
                "",
                f"Input {evidence['input']!r}: the call took {ms(evidence['call_ms'])} ms, its "
                f"statements {ms(evidence['sql_ms'])} ms when each ran alone.",
            ]
            for statement in row["evidence"]["statements"][:2]:
                lines += [
                    "",
                    f"{ms(statement['ms'])} ms: {diagnose(statement)}.",
                    "",
                    "```sql",
                    _wrap(shorten_literals(statement["sql"])),
                    "```",
                    "",
                    "```",
                    *statement["plan"],
                    "```",
                ]
    return lines


# A statement's string literals longer than this are cut in the doc: a list of two hundred
# spellings says no more about the plan than its start does.
LITERAL_SHOWN = 240
_LITERAL = re.compile(r"'(?:[^']|'')*'")


def shorten_literals(sql: str) -> str:
    """The statement with each long string literal cut to its start and its length."""

    def cut(found: re.Match[str]) -> str:
        literal = found.group()
        if len(literal) <= LITERAL_SHOWN:
            return literal
        return f"{literal[: LITERAL_SHOWN - 1]}…' /* {len(literal) - 2:,} characters */"

    return _LITERAL.sub(cut, sql)


def _wrap(sql: str, width: int = 100) -> str:
    words, lines, current = sql.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return "\n".join([*lines, current])


def _emulator_share(results: dict[str, Any]) -> str:
    """How long the emulator's parsing and routing of the callbacks took, per size."""
    shares = [
        f"{size_label(size)}: p50 {ms(share['p50'])} / p99 {ms(share['p99'])} ms"
        for size, run in results["runs"].items()
        if (share := run.get("emulator_ms")) and share["n"]
    ]
    return f"; it took {', '.join(shares)}" if shares else ""


def _method(results: dict[str, Any]) -> list[str]:
    effort = results["effort"]
    return [
        "",
        "## How it was measured",
        "",
        "- `make bench` runs `python -m bench`. Two emulators (`bot/emulator/`), one for each "
        "bot, since an emulator serves one application, run in the benchmark's process on "
        "127.0.0.1; the bots are separate processes connected to them over the network, as "
        "they would be to Discord.",
        "- The floor, `bench/ping_bot.py`, runs for the whole benchmark; `kdrama-bot run` runs "
        "once per size, with `DATABASE_PATH` pointing at the cached database "
        f"({effort['starts']} starts at the largest size, each timed).",
        "- A member's interactions are sent one at a time; each is timed by the emulator "
        "from writing INTERACTION_CREATE to the socket (after encoding and compressing it, which "
        "is the emulator's work) to the arrival of the callback request's first bytes (before "
        f"the emulator parses and routes it, also its own work{_emulator_share(results)}). "
        "The measurements of "
        "one table, and the floor's `/ping` and `/embed-ping` (`/work-ping` in the search "
        "rounds), are interleaved (one run of "
        "each per round), so that other work on the machine falls on all of them alike. Each "
        "bot's part of a round starts with an answer that is not timed (`/ping`, `/about`): a "
        "process that sat idle while the other worked answers its next interaction about 0.5 ms "
        "slower. Each runs up to "
        f"{effort['command_runs']} times (read commands) or {effort['class_runs']} times "
        f"(each kind of search input), or until its runs took {effort['command_budget']:g} s "
        f"or {effort['class_budget']:g} s. Ten warm-up runs of each read command come first. "
        "An answer later than 3 s is counted as a failure (the emulator refuses it, as "
        "Discord does).",
        "- Inputs come from the generated content with a fixed seed (`bench/inputs.py`): "
        "empty, one or two characters, Latin prefixes and substrings, Hangul, kanji and kana, "
        'common words, phrases, and input that matches nothing; for "did you mean", names '
        "with one typo (two neighbouring letters swapped, a letter left out or typed twice, or "
        "the key beside it on the keyboard, a quarter each), which match no name, and input "
        "that looks like no name at all.",
        "- Just before each size's search rounds, the benchmark's process runs `find_quotes` "
        "once on each search input, then times `/work-ping`'s loop, to give it as much work as "
        "the median search (the machine's speed drifts by a third from one minute to the next).",
        "- In-process timings, after each size's round trips, open the same database with "
        "`bot.db.open_database` and await the bot's query functions (`bench/inprocess.py`), "
        "interleaved too, up to "
        f"{effort['inprocess_runs']} runs or {effort['inprocess_budget']:g} s each.",
        "- Raw samples are in `bench/.cache/results.json`; the bots' logs in `bench/.cache/logs/`.",
    ]
