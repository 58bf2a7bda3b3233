"""`python -m bench`: make (or reuse) the databases, measure, print the table, write the doc.

python -m bench                 # 100k and 1M quotes, writes docs/benchmarks.md (make bench)
python -m bench --quick         # small sizes and few runs: a smoke test of the benchmark
python -m bench --sizes 100000  # chosen sizes; the first is the targets' size
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.generate import CACHE, ensure_database
from bench.inprocess import measure
from bench.inputs import draw_inputs
from bench.report import (
    ROOT,
    SEARCH_P99_MS,
    code_fingerprint,
    cpu_seconds,
    machine,
    render,
    size_label,
)
from bench.scenarios import Effort, floor_bot, run_size
from bot.emulator import Emulator, default_world

SIZES = (100_000, 1_000_000)
QUICK_SIZES = (2_000, 20_000)
# Seconds each in-process measurement may take (its own calls), after its first 5 runs.
IN_PROCESS_BUDGET = 1.5
QUICK = Effort(command_runs=30, command_budget=5, class_runs=5, class_budget=2, starts=2)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run(sizes: list[int], effort: Effort, in_process_runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    code = code_fingerprint()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "sizes": sizes,
        "target_size": sizes[0],
        "startup_size": sizes[-1],
        "effort": {
            **asdict(effort),
            "inprocess_runs": in_process_runs,
            "inprocess_budget": IN_PROCESS_BUDGET,
        },
        "generation": {},
        "runs": {},
    }
    databases, inputs = {}, {}
    for size in sizes:
        progress(f"Content: {size:,} quotes")
        path, report = await ensure_database(size, compare=size == sizes[0], log=progress)
        databases[size], results["generation"][size] = path, asdict(report)
        inputs[size] = draw_inputs(path)
    results["imports_s"] = import_seconds()
    log_dir = CACHE / "logs"
    shutil.rmtree(log_dir, ignore_errors=True)
    # The floor bot has an emulator of its own (one serves one application), in this process.
    async with (
        Emulator(default_world()) as emu,
        Emulator(default_world("Ping Bot")) as floor_emu,
        floor_bot(floor_emu, log_dir) as floor_process,
    ):
        # Size by size, smallest first, everything about one size before the next: reading a
        # large database's whole file (its quick_check) slows this machine for a while after.
        for size in sizes:
            progress(f"Round trips: kdrama-bot at {size_label(size)} quotes, with the /ping floor")
            starts = effort.starts if size == sizes[-1] else 1
            results["runs"][size] = await run_size(
                emu, databases[size], inputs[size], log_dir, effort, starts, floor_emu
            )
            progress(f"In-process timings at {size_label(size)} quotes")
            results["runs"][size]["inprocess"] = await measure(
                databases[size],
                inputs[size],
                runs=in_process_runs,
                budget=IN_PROCESS_BUDGET,
                target_ms=SEARCH_P99_MS,
            )
        # The floor's timings are in each size's results, from the same rounds as the bot's.
        results["floor_memory"] = floor_process.memory_mb()
    results["duration_s"] = time.perf_counter() - started
    results["code_changed"] = code_fingerprint() != code
    if results["code_changed"]:
        progress("The code in bot/ or cogs/ changed during the run: run it again.")
    results["load_after"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    results["cpu"] = [cpu_before, cpu_seconds()]
    return results


def import_seconds(repeats: int = 3) -> float:
    """How long a new Python process takes to import the whole bot (median): its command line,
    then `bot.app` with discord.py, which `kdrama-bot run` imports after starting quick_check."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import bot.__main__, bot.app"], cwd=ROOT, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def _shown(path: Path) -> Path:
    """The path from the project's folder when it is inside it, else as given."""
    resolved = path.resolve()
    return resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs")
    parser.add_argument("--sizes", help="comma-separated numbers of quotes, e.g. 100000,1000000")
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="where to write the Markdown (default: docs/benchmarks.md; --quick writes nothing)",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: write the Markdown again from the last run's results.json",
    )
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads((CACHE / "results.json").read_text())
        for key in ("runs", "generation"):  # JSON keys are strings; sizes are numbers
            results[key] = {int(size): value for size, value in results[key].items()}
        args.output.write_text(render(results))
        progress(f"Wrote {_shown(args.output)}")
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    sizes = sizes or list(QUICK_SIZES if args.quick else SIZES)
    effort = QUICK if args.quick else Effort()
    results = asyncio.run(run(sizes, effort, in_process_runs=20 if args.quick else 200))
    markdown = render(results)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(markdown)
    if not args.quick:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown)
        progress(f"Wrote {_shown(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
