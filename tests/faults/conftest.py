"""Fixtures of the fault and hostile-input suite, and the figures it prints at the end."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import api  # noqa: F401  # the in-process API with a projector thread
from tests.faults.figures import FIGURES_KEY, Figures


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> Figures:
    return request.config.stash.setdefault(FIGURES_KEY, Figures())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(FIGURES_KEY, None)
    if tally is None:
        return
    terminalreporter.section("fault and hostile-input figures")
    for line in tally.lines():
        terminalreporter.write_line(line)
