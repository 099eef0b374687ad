"""Benchmark figures: recorded as structs, printed as JSON lines or as one readable table.

Every figure belongs to the scenario being run (`scenario(...)`). A figure may carry the floor
measured in the same run: what the same work costs done raw (a bare atomic-batch publish, a bare
UNWIND write, a bare Cypher read). `ratio` is how many times the floor's cost Strata's cost is
(>= 1 is slower than the floor), whichever way the unit runs: for rates (`.../s`) it is
floor / value, for durations value / floor.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator

import msgspec
from rich.console import Console
from rich.table import Table

__all__ = [
    "Figure",
    "Report",
    "current_report",
    "percentile",
    "print_row",
    "print_title",
    "record",
    "scenario",
]


class Figure(msgspec.Struct, kw_only=True):
    scenario: str
    size: int | str | None
    metric: str
    value: float
    unit: str
    floor: float | None = None
    ratio: float | None = None


def _ratio(value: float, unit: str, floor: float | None) -> float | None:
    if floor is None or not floor or not value or math.isnan(value) or math.isnan(floor):
        return None
    return floor / value if unit.endswith("/s") else value / floor


class Report:
    """Collects figures; in JSON mode each figure is printed as soon as it is measured."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.figures: list[Figure] = []
        self.scenario = ""
        self.section = ""

    def add(self, metric: str, value: float, unit: str, *, size: int | str | None = None,
            floor: float | None = None) -> Figure:  # fmt: skip
        figure = Figure(scenario=self.scenario, size=size if size is not None else (self.section or None),
                        metric=metric, value=value, unit=unit, floor=floor, ratio=_ratio(value, unit, floor))  # fmt: skip
        self.figures.append(figure)
        if self.as_json:
            sys.stdout.write(msgspec.json.encode(figure).decode() + "\n")
            sys.stdout.flush()
        else:
            ratio = f"  ({figure.ratio:.2f}x the floor)" if figure.ratio is not None else ""
            print(f"  {metric:<52} {value:>12,.1f} {unit}{ratio}", file=sys.stderr, flush=True)
        return figure

    def table(self) -> Table:
        table = Table(title="Strata benchmark figures", show_lines=False)
        for name, justify in (("scenario", "left"), ("size", "right"), ("metric", "left"), ("value", "right"),
                              ("unit", "left"), ("floor", "right"), ("ratio", "right")):  # fmt: skip
            table.add_column(name, justify=justify)  # type: ignore[arg-type]  # rich's literal type
        for f in self.figures:
            table.add_row(
                f.scenario, _size(f.size), f.metric, f"{f.value:,.1f}", f.unit,
                f"{f.floor:,.1f}" if f.floor is not None else "", f"{f.ratio:.2f}x" if f.ratio is not None else "",
            )  # fmt: skip
        return table

    def print_table(self) -> None:
        Console(width=160).print(self.table())


def _size(size: int | str | None) -> str:
    if size is None:
        return ""
    return f"{size:,}" if isinstance(size, int) else size


_current: list[Report] = []


def current_report() -> Report:
    if not _current:
        _current.append(Report(as_json=False))
    return _current[-1]


@contextlib.contextmanager
def scenario(report: Report, name: str) -> Iterator[Report]:
    """Figures recorded inside belong to scenario `name`."""
    _current.append(report)
    report.scenario, report.section = name, ""
    print(f"\n== {name}", file=sys.stderr, flush=True)
    try:
        yield report
    finally:
        _current.pop()


def record(metric: str, value: float, unit: str, *, size: int | str | None = None, floor: float | None = None) -> Figure:
    return current_report().add(metric, value, unit, size=size, floor=floor)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def print_title(title: str) -> None:
    """Older suites' section titles: the size column of the figures that follow."""
    report = current_report()
    report.section = title
    print(f"-- {title}", file=sys.stderr, flush=True)


def print_row(label: str, value: float, unit: str, *, floor: float | None = None) -> None:
    """Older suites' rows: a figure of the current scenario and section."""
    record(label, value, unit, floor=floor)
