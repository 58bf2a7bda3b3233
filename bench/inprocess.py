"""The bot's own work, timed in-process: the query functions each command calls, without Discord.

For every case slower than the target, `explain` re-runs the slowest input with SQLite's trace
callback on, then times each statement it ran on its own and shows its EXPLAIN QUERY PLAN: the
evidence of which query is slow and why.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.inputs import Inputs
from bench.stats import Job, interleaved, mixed_percentile
from bot.db import Database, open_database
from bot.db.connection import check_file_now
from bot.db.people import find_by_name, get_character, get_person, nearest_names, search_names
from bot.db.quotes import find_quotes, random_quote, speaker_roles
from bot.db.shows import find_show, search_show_titles, show_cast, show_credits
from bot.db.stats import content_counts
from bot.formatting import CHOICES
from cogs import quotes as quotes_cog

# Any server id: the benchmark has no community quotes, but the query for them still runs.
GUILD_ID = 1


def _call(function: Callable[..., Awaitable[Any]], *args: Any, **optional: Any):
    """Call with the keyword arguments the function takes (the product's signatures evolve)."""
    accepted = inspect.signature(function).parameters
    return function(*args, **{k: v for k, v in optional.items() if k in accepted})


def cases(db: Database) -> dict[str, Callable[[str], Awaitable[object]]]:
    """What each command asks of the database, by the name shown in the results."""
    results, shown = quotes_cog.RESULTS, quotes_cog.PER_PAGE

    async def show_cast_work(title: str) -> object:
        show = await find_show(db, title)
        assert show is not None, title
        return show, await show_cast(db, show.id)

    async def show_info_work(title: str) -> object:
        show, cast = await show_cast_work(title)
        return cast, await show_credits(db, show.id)

    async def who_work(name: str) -> object:
        match = await find_by_name(db, name)
        assert match is not None, name
        if match.kind == "person":
            return await get_person(db, match.id)
        return await get_character(db, match.id)

    async def random_work(_: str) -> object:
        quote = await _call(random_quote, db, guild_id=GUILD_ID)
        return await speaker_roles(db, quote)

    def search(text: str) -> Awaitable[object]:
        # As /quote search asks: the best RESULTS, the first page's read in full.
        return find_quotes(db, text, results, guild_id=GUILD_ID, read=shown)

    async def search_and_pages(text: str) -> object:
        found = await search(text)
        if not found.keys:
            return None
        return await quotes_cog.SearchPages(db, text, found, GUILD_ID).page(0)  # sent first

    return {
        "/show info": show_info_work,
        "/show cast": show_cast_work,
        "/who": who_work,
        "/quote random": random_work,
        "/quote search": search,
        "/about": lambda _: content_counts(db),
        PAGES: search_and_pages,
        "find_quotes": search,
        "search_names": lambda text: search_names(db, text, limit=CHOICES),
        "search_show_titles": lambda text: search_show_titles(db, text, limit=CHOICES),
        "nearest_names": lambda text: nearest_names(db, text),
        ONE_READ: lambda _: db.fetch_one("SELECT 1"),
        "one query, one thread hop": lambda _: db.conn.execute_fetchall("SELECT 1"),
        # What start-up asks of the database before it logs in (`open_seeded_database`).
        QUICK_CHECK: lambda _: asyncio.to_thread(check_file_now, db.path),
        COUNTS: lambda _: content_counts(db),
    }


# Statements that read; the trace leaves out BEGIN, COMMIT and the like.
QUERIES = ("SELECT", "WITH", "PRAGMA")
QUICK_CHECK = "PRAGMA quick_check (start-up)"
ONE_READ = "one read (Database.fetch_one)"
COUNTS = "content_counts (start-up)"
# /quote search with its reply built too: the first page, the one sent.
PAGES = "/quote search, and building its first page"


def plan(inputs: Inputs) -> list[tuple[str, str, list[str]]]:
    """(case, input class, inputs) in the order they are measured."""
    rows = [
        (ONE_READ, "SELECT 1", ["-"]),
        ("one query, one thread hop", "SELECT 1", ["-"]),
        ("/show info", "typical", inputs.show_titles),
        ("/show cast", "typical", inputs.show_titles),
        ("/who", "typical", inputs.who_names),
        ("/quote random", "typical", ["-"]),
        ("/quote search", "typical", inputs.typical_searches),
        ("/about", "typical", ["-"]),
    ]
    rows += [(QUICK_CHECK, "-", ["-"]), (COUNTS, "-", ["-"])]
    rows.append((PAGES, "typical", inputs.typical_searches))
    rows += [("find_quotes", kind, values) for kind, values in inputs.quotes.items()]
    rows += [("search_names", kind, values) for kind, values in inputs.names.items()]
    rows += [("search_show_titles", kind, values) for kind, values in inputs.titles.items()]
    rows += [("nearest_names", kind, values) for kind, values in inputs.misspelled.items()]
    return rows


async def measure(
    path: Path, inputs: Inputs, *, runs: int, budget: float, target_ms: float
) -> list[dict[str, Any]]:
    db = await open_database(path)
    try:
        work = cases(db)
        slowest: dict[tuple[str, str], tuple[float, str]] = {}
        jobs = {}
        for case, kind, values in plan(inputs):

            async def run(value: str, key: tuple[str, str] = (case, kind)) -> float:
                started = time.perf_counter()
                await work[key[0]](value)
                elapsed = (time.perf_counter() - started) * 1000
                slowest[key] = max(slowest.get(key, (-1.0, value)), (elapsed, value))
                return elapsed

            await run(values[0])  # warm the page cache and the statement cache
            slowest.clear()
            jobs[case, kind] = Job(run, values)
        timings = await interleaved(jobs, runs=runs, budget=budget)
        results = []
        for (case, kind), timing in timings.items():
            row: dict[str, Any] = {"case": case, "class": kind, **timing.summary()}
            row["queries"] = len(await trace(db, work[case], jobs[case, kind].inputs[0]))
            if (row["p99"] or 0) > target_ms and case not in (QUICK_CHECK, COUNTS):
                value = slowest[case, kind][1]
                row["evidence"] = await explain(db, path, work[case], value)
            results.append(row)
        return results
    finally:
        await db.close()


async def median_search_work(path: Path, inputs: Inputs) -> float:
    """`find_quotes`' own work at the median over the input mix, each kind weighing the same,
    with every input met once, as the bot meets them in the search rounds: how much CPU work
    `/work-ping` does there."""
    db = await open_database(path)
    try:
        search = cases(db)["find_quotes"]
        groups = []
        for values in inputs.quotes.values():
            await search(values[0])  # warm the page cache and the statement cache
            times = []
            for value in values:
                started = time.perf_counter()
                await search(value)
                times.append((time.perf_counter() - started) * 1000)
            groups.append(times)
        return round(mixed_percentile(groups, 0.5), 3)
    finally:
        await db.close()


async def explain(
    db: Database, path: Path, work: Callable[[str], Awaitable[object]], value: str
) -> dict[str, Any]:
    """The statements one call ran, each timed alone, slowest first, with its query plan."""
    started = time.perf_counter()
    statements = await trace(db, work, value)
    call_ms = round((time.perf_counter() - started) * 1000, 2)
    found = time_and_plan(path, statements)
    return {
        "input": value,
        "call_ms": call_ms,
        "sql_ms": round(sum(statement["ms"] for statement in found), 2),
        "statements": found[:3],
    }


def time_and_plan(path: Path, statements: list[str]) -> list[dict[str, Any]]:
    """Each statement run alone on a read-only connection, slowest first, with its plan."""
    found = []
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        for sql in dict.fromkeys(statements):
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            elapsed = round((time.perf_counter() - started) * 1000, 2)
            plan = _tree(conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            found.append(
                {
                    "sql": " ".join(sql.split()),
                    "ms": elapsed,
                    "plan": plan,
                    "scanned": _scanned(conn, sql, plan),
                }
            )
    return sorted(found, key=lambda statement: -statement["ms"])


def _scanned(conn: sqlite3.Connection, sql: str, plan: list[str]) -> dict[str, int]:
    """The tables a plan reads from end to end (SCAN, not SEARCH), with their sizes in rows."""
    aliases = {
        alias: table
        for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)
    }
    tables = {}
    for line in plan:
        scan = re.match(r"\s*SCAN (\w+)", line)
        if scan and not scan.group(1).startswith(("CONSTANT", "subquery")):
            table = aliases.get(scan.group(1), scan.group(1))
            # Real tables only: not a CTE, nor a full-text index (its SCAN is a MATCH).
            real = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                " AND sql NOT LIKE 'CREATE VIRTUAL%'",
                (table,),
            ).fetchone()
            if real:
                (tables[table],) = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return tables


async def trace(db: Database, work: Callable[[str], Awaitable[object]], value: str) -> list[str]:
    """The queries one call sends to SQLite, with their parameters filled in."""
    statements: list[str] = []
    # Reads run on the event loop through the reading connection, or on aiosqlite's thread.
    reader = getattr(db, "_reader", None)
    await db.conn.set_trace_callback(statements.append)
    if reader is not None:
        reader.set_trace_callback(statements.append)
    try:
        await work(value)
    finally:
        await db.conn.set_trace_callback(None)
        if reader is not None:
            reader.set_trace_callback(None)
    return [s.strip() for s in statements if s.lstrip().upper().startswith(QUERIES)]


def _tree(rows: list[tuple[int, int, int, str]]) -> list[str]:
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines
