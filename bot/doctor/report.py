"""The doctor's rows and the table they are printed as: ✓, ✗ with the fix, or – when skipped."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

FIX = "Fix: "
ALL_GOOD = "Everything checks out."
TO_FIX = "{count} to fix."
ONE_TO_FIX = "1 thing to fix."
COLUMNS = ("", "check", "result")


class Status(enum.Enum):
    OK = ("✓", "green")
    FAIL = ("✗", "red")
    SKIPPED = ("–", "dim")  # could not be checked because of an earlier ✗, or not applicable

    @property
    def symbol(self) -> str:
        return self.value[0]

    @property
    def colour(self) -> str:
        return self.value[1]


@dataclass(frozen=True, slots=True)
class Row:
    check: str
    status: Status
    detail: str
    fix: str = ""


def ok(check: str, detail: str) -> Row:
    return Row(check, Status.OK, detail)


def fail(check: str, detail: str, fix: str) -> Row:
    return Row(check, Status.FAIL, detail, fix)


def skipped(check: str, detail: str) -> Row:
    return Row(check, Status.SKIPPED, detail)


def table(rows: Iterable[Row]) -> Table:
    grid = Table(*COLUMNS, box=None, header_style="bold", pad_edge=False, show_header=False)
    for row in rows:
        result = Text(row.detail)
        if row.fix:
            result.append("\n" + FIX, style="bold")
            result.append(row.fix)
        grid.add_row(Text(row.status.symbol, style=row.status.colour), Text(row.check), result)
    return grid


def summary(rows: Iterable[Row]) -> str:
    failures = sum(row.status is Status.FAIL for row in rows)
    if not failures:
        return ALL_GOOD
    return ONE_TO_FIX if failures == 1 else TO_FIX.format(count=f"{failures} things")


def exit_code(rows: Iterable[Row]) -> int:
    return 1 if any(row.status is Status.FAIL for row in rows) else 0
