"""Percentiles and bounded timing loops shared by the round-trip and in-process measurements."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any, TypeVar

K = TypeVar("K")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: with 100 samples, p99 is the second slowest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def mixed_percentile(groups: Sequence[Sequence[float]], fraction: float) -> float:
    """The percentile over several groups of samples, each group weighing the same however many
    samples it has: a mix in which every kind of input is equally likely."""
    points = sorted((value, 1 / len(group)) for group in groups if group for value in group)
    wanted = fraction * sum(weight for _, weight in points)
    running = 0.0
    for value, weight in points:
        running += weight
        if running >= wanted - 1e-9:
            return value
    return points[-1][0]


@dataclass(slots=True)
class Timings:
    """Milliseconds per run, and the runs that failed (no answer in time, or an error)."""

    samples: list[float] = field(default_factory=list)
    failures: int = 0
    stopped_early: bool = False

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {"n": 0, "p50": None, "p99": None, "max": None, "failures": self.failures,
                    "stopped_early": self.stopped_early, "samples": []}  # fmt: skip
        return {
            "n": len(self.samples),
            "p50": round(percentile(self.samples, 0.50), 3),
            "p99": round(percentile(self.samples, 0.99), 3),
            "max": round(max(self.samples), 3),
            "failures": self.failures,
            "stopped_early": self.stopped_early,
            "samples": [round(sample, 3) for sample in self.samples],
        }


@dataclass(frozen=True, slots=True)
class Job:
    """One thing to time: `run` takes an input and returns milliseconds, or None on failure."""

    run: Callable[[str], Awaitable[float | None]]
    inputs: Sequence[str]


async def interleaved(
    jobs: dict[K, Job],
    *,
    runs: int,
    budget: float,
    minimum: int = 5,
    max_failures: int = 3,
) -> dict[K, Timings]:
    """Run the jobs in turn, one call each per round, so noise from the rest of the machine
    falls on all of them alike. Each job stops after `runs` calls, or once its own calls took
    `budget` seconds (after at least `minimum`), or after `max_failures` failures."""
    timings = {key: Timings() for key in jobs}
    spent = dict.fromkeys(jobs, 0.0)
    values = {key: cycle(job.inputs or [""]) for key, job in jobs.items()}
    active = list(jobs)
    while active:
        # The emulator keeps every request of the run, in this process: without this, the
        # collector's passes over them (milliseconds, and longer as the run goes on) would land
        # inside the round trips it times. Frozen objects are never scanned again.
        gc.freeze()
        for key in list(active):
            timing = timings[key]
            done = len(timing.samples) + timing.failures
            over = done >= minimum and spent[key] > budget
            if done >= runs or over or timing.failures >= max_failures:
                timing.stopped_early = done < runs
                active.remove(key)
                continue
            started = time.perf_counter()
            elapsed = await jobs[key].run(next(values[key]))
            spent[key] += time.perf_counter() - started
            if elapsed is None:
                timing.failures += 1
            else:
                timing.samples.append(elapsed)
    return timings
