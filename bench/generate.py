"""Writing synthetic content straight into a database in the real schema, and caching it.

The file is opened with `bot.db.open_database`, so the product's migrations make the schema;
rows then go in with `executemany` in one big transaction. The FTS5 external-content indexes
are filled either by the schema's own insert triggers (`triggers`), or by dropping those
triggers for the load, rebuilding each index once, and putting the triggers back exactly as
they were (`rebuild`). `compare_load_methods` times both.

Databases are cached in `bench/.cache/`, keyed by size, generator version and a hash of the
migrations, so a rerun reuses them and a schema change makes new ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from bench.content import GenShow, Scale, World
from bot.content.loader import ShowData
from bot.content.seed import show_search_text
from bot.db import open_database
from bot.db.connection import Database, migrations
from bot.search import fold_name, fold_text

# Bump when the generated content changes, so cached databases are made again.
GENERATOR_VERSION = 1
CACHE = Path(__file__).resolve().parent / ".cache"
METHODS = ("triggers", "rebuild")
# The FTS5 index kept by each content table's insert trigger.
FTS_TABLES = {"names": "names_fts", "quotes": "quotes_fts"}
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class BuildReport:
    quotes: int
    shows: int
    people: int
    characters: int
    names: int
    method: str
    seconds: float
    size_mb: float
    # seconds per load method, when both were timed on this size
    compared: dict[str, float] | None = None


def schema_key() -> str:
    digest = hashlib.sha256()
    for _version, name, sql in migrations():
        digest.update(name.encode() + b"\0" + sql.encode() + b"\0")
    return digest.hexdigest()[:10]


def cache_path(quotes: int, cache_dir: Path = CACHE) -> Path:
    return cache_dir / f"kdrama-{quotes}q-g{GENERATOR_VERSION}-s{schema_key()}.db"


def _side_files(path: Path) -> list[Path]:
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))]


def remove_database(path: Path) -> None:
    for file in _side_files(path):
        file.unlink(missing_ok=True)


async def _required_columns(db: Database, table: str) -> tuple[set[str], set[str]]:
    """The table's columns, and those that must be given (NOT NULL, no default, not the key)."""
    rows = await db.fetch_all(f"PRAGMA table_info({table})")
    columns = {row["name"] for row in rows}
    required = {row["name"] for row in rows if row["notnull"] and row["dflt_value"] is None}
    return columns, required - {row["name"] for row in rows if row["pk"]}


async def _insert(db: Database, table: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert dict rows in batches; fields the schema does not have (yet) are left out."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns, required = await _required_columns(db, table)
    missing = required - first.keys()
    if missing:
        raise RuntimeError(
            f"the schema's {table} table needs {sorted(missing)}, which bench/generate.py does "
            f"not fill yet: teach it, and bump GENERATOR_VERSION"
        )
    names = [key for key in first if key in columns]
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    count = 0
    pending: Iterator[dict[str, Any]] = iter([first, *islice(iterator, BATCH - 1)])
    while True:
        batch = [tuple(row[name] for name in names) for row in pending]
        if not batch:
            return count
        await db.conn.executemany(sql, batch)
        count += len(batch)
        pending = islice(iterator, BATCH)


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _show_row(show: GenShow) -> dict[str, Any]:
    data = ShowData(
        file="(bench)",
        slug=show.slug,
        title=show.title,
        premise=show.premise,
        native_title=show.native_title,
        aliases=show.aliases,
    )
    return {
        "id": show.id,
        "slug": show.slug,
        "title": show.title,
        "native_title": show.native_title,
        "aliases": _json(show.aliases),
        "platform": show.platform,
        "format": show.format,
        "premise": show.premise,
        "settings": _json(show.settings),
        # The product's own folding, so search behaves exactly as on seeded data.
        "search_text": show_search_text(data),
    }


def _name_rows(world: World) -> Iterator[dict[str, Any]]:
    owners = [("person_id", p.id, p.name, p.name.aliases) for p in world.people] + [
        ("character_id", c.id, c.name, c.name.aliases) for c in world.characters
    ]
    for column, owner_id, name, aliases in owners:
        for text, kind in [(name.latin, "primary"), (name.native, "native")] + [
            (alias, "alias") for alias in aliases
        ]:
            yield {
                "person_id": owner_id if column == "person_id" else None,
                "character_id": owner_id if column == "character_id" else None,
                "name": text,
                "kind": kind,
                "search_text": fold_name(text),
            }


def _quote_rows(world: World) -> Iterator[dict[str, Any]]:
    for quote in world.quotes():
        yield {
            "show_id": quote.show_id,
            "position": quote.position,
            "text": quote.text,
            "person_id": quote.person_id,
            "character_id": quote.character_id,
            "speaker_name": quote.speaker_name,
            "context": quote.context,
            "search_text": fold_text(quote.text),
        }


async def _insert_triggers(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetch_all(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND tbl_name IN (?, ?) AND sql LIKE '%AFTER INSERT ON%' ORDER BY name",
        tuple(FTS_TABLES),
    )
    # Only the triggers that fill an FTS index: others (the name pieces) stay and do their work.
    return [(row["name"], row["sql"]) for row in rows if FTS_TABLES[row["tbl_name"]] in row["sql"]]


async def build_database(path: Path, quotes: int, *, method: str = "rebuild", seed: int = 4):
    """Write a new database of `quotes` quotes at `path` (replacing any) and report on it."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    remove_database(path)
    started = time.perf_counter()
    world = World(Scale.for_quotes(quotes), seed=seed)
    db = await open_database(path)
    try:
        # Session settings for the load only: none of them is stored in the file.
        await db.conn.execute("PRAGMA foreign_keys = OFF")
        await db.conn.execute("PRAGMA synchronous = OFF")
        await db.conn.execute("PRAGMA cache_size = -262144")
        async with db.transaction():
            triggers = await _insert_triggers(db) if method == "rebuild" else []
            for name, _sql in triggers:
                await db.conn.execute(f"DROP TRIGGER {name}")
            await _insert(db, "shows", (_show_row(show) for show in world.shows))
            await _insert(
                db,
                "people",
                (
                    {
                        "id": p.id,
                        "slug": p.slug,
                        "name": p.name.latin,
                        "native_name": p.name.native,
                        "known_for": _json(["A synthetic person, made up for the benchmarks"]),
                    }
                    for p in world.people
                ),
            )
            await _insert(
                db,
                "characters",
                (
                    {
                        "id": c.id,
                        "show_id": c.show_id,
                        "slug": c.slug,
                        "name": c.name.latin,
                        "native_name": c.name.native,
                        "description": c.description,
                        "position": c.position,
                    }
                    for c in world.characters
                ),
            )
            await _insert(
                db,
                "portrayals",
                ({"character_id": c.id, "person_id": c.played_by} for c in world.characters),
            )
            await _insert(db, "credits", (asdict(credit) for credit in world.credits))
            names = await _insert(db, "names", _name_rows(world))
            await _insert(db, "quotes", _quote_rows(world))
            for table in FTS_TABLES.values() if triggers else ():
                await db.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
            for _name, sql in triggers:
                await db.conn.execute(sql)
        await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()
    return BuildReport(
        quotes=quotes,
        shows=len(world.shows),
        people=len(world.people),
        characters=len(world.characters),
        names=names,
        method=method,
        seconds=round(time.perf_counter() - started, 2),
        size_mb=_size_mb(path),
    )


def _size_mb(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1)


def _report_path(path: Path) -> Path:
    return path.with_suffix(".json")


def cached_report(path: Path) -> BuildReport | None:
    if not path.exists() or not _report_path(path).exists():
        return None
    return BuildReport(**json.loads(_report_path(path).read_text()))


def _prune(cache_dir: Path, keep: Path, quotes: int) -> None:
    """Remove this size's databases made by another generator or schema version."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"kdrama-{quotes}q-*.db"):
        if old != keep:
            remove_database(old)
            _report_path(old).unlink(missing_ok=True)


def _preferred_method(cache_dir: Path) -> str:
    """The load method that was faster in the last comparison, for this schema."""
    for report_file in sorted(cache_dir.glob(f"kdrama-*-s{schema_key()}.json")):
        compared = json.loads(report_file.read_text()).get("compared")
        if compared:
            return min(compared, key=compared.get)
    return "rebuild"


async def ensure_database(
    quotes: int, *, cache_dir: Path = CACHE, compare: bool = False, log=print
) -> tuple[Path, BuildReport]:
    """The cached database of this size, made first if needed (timing both methods if asked)."""
    path = cache_path(quotes, cache_dir)
    report = cached_report(path)
    if report is not None:
        return path, report
    _prune(cache_dir, path, quotes)
    temporary = path.with_name(path.name + ".tmp")
    methods = METHODS if compare else (_preferred_method(cache_dir),)
    reports: dict[str, BuildReport] = {}
    for method in methods:
        log(f"  generating {quotes:,} quotes ({method}) …")
        candidate = temporary.with_name(f"{temporary.name}.{method}")
        reports[method] = await build_database(candidate, quotes, method=method)
        log(f"  {method}: {reports[method].seconds:.1f} s, {reports[method].size_mb:,.0f} MB")
    best = min(reports.values(), key=lambda r: r.seconds)
    if compare:
        times = {method: report.seconds for method, report in reports.items()}
        best = BuildReport(**{**asdict(best), "compared": times})
    for method in reports:
        candidate = temporary.with_name(f"{temporary.name}.{method}")
        if method == best.method:
            os.replace(candidate, path)
        else:
            remove_database(candidate)
    _report_path(path).write_text(json.dumps(asdict(best), indent=2))
    return path, best


def check_database(path: Path) -> list[str]:
    """Problems in a generated database: integrity, foreign keys and both FTS indexes."""
    problems = []
    with sqlite3.connect(path) as conn:
        if (result := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            problems.append(f"integrity_check: {result}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found rows pointing nowhere")
        for table in FTS_TABLES.values():
            try:
                conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"{table}: {error}")
    return problems


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(asyncio.run(ensure_database(size, compare="--compare" in sys.argv)))
