"""The fault suite's tally, printed at the end of the run (see conftest.pytest_terminal_summary)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

__all__ = ["FIGURES_KEY", "Figures", "fault_rounds"]

ROUNDS_ENV = "STRATA_FAULT_ROUNDS"
DEFAULT_ROUNDS = 1  # `pytest -q`; `make faults` runs the full count (10)


@dataclass
class Figures:
    rounds_survived: int = 0
    rounds_run: int = 0
    mutations_checked: int = 0
    inputs_tried: int = 0
    server_errors: int = 0  # 5xx answers seen
    writes_lost: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"rounds survived:   {self.rounds_survived}/{self.rounds_run}",
            f"mutations checked: {self.mutations_checked}",
            f"inputs tried:      {self.inputs_tried}",
            f"5xx seen:          {self.server_errors}",
            f"writes lost:       {self.writes_lost} (must be 0)",
            *self.notes,
        ]


FIGURES_KEY = pytest.StashKey[Figures]()


def fault_rounds() -> int:
    """Rounds per kill/restart/race test: STRATA_FAULT_ROUNDS, else a short default."""
    raw = os.environ.get(ROUNDS_ENV, "")
    return max(1, int(raw)) if raw.isdigit() else DEFAULT_ROUNDS
