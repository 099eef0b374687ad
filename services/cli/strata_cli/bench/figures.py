"""Printing benchmark figures as aligned rows."""

from __future__ import annotations


__all__ = ["percentile", "print_row", "print_title"]


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def print_title(title: str) -> None:
    print(f"\n== {title}", flush=True)


def print_row(label: str, value: float, unit: str, *, floor: float | None = None) -> None:
    ratio = f"  ({value / floor:5.2f}x the raw floor {floor:,.0f} {unit})" if floor else ""
    print(f"  {label:<46} {value:>12,.1f} {unit}{ratio}", flush=True)


