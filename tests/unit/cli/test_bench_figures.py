"""Figures: the ratio to the floor reads the same way for rates and durations, JSON mode prints
one object per figure, the table lists every figure."""

from __future__ import annotations

import json

import pytest

from strata_cli.bench.figures import Report, print_row, print_title, record, scenario


def test_ratio_is_the_cost_over_the_floor_cost_for_rates_and_durations(capsys: pytest.CaptureFixture[str]) -> None:
    report = Report(as_json=True)
    with scenario(report, "import"):
        record("objects/s", 500.0, "obj/s", size=1000, floor=5000.0)
        record("request p50", 30.0, "ms", size=1000, floor=10.0)
        record("no floor", 1.0, "ms")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [f["ratio"] for f in out] == [10.0, 3.0, None]
    assert out[0] == {"scenario": "import", "size": 1000, "metric": "objects/s", "value": 500.0, "unit": "obj/s",
                      "floor": 5000.0, "ratio": 10.0}  # fmt: skip


def test_older_suites_rows_become_figures_sized_by_their_section(capsys: pytest.CaptureFixture[str]) -> None:
    report = Report(as_json=False)
    with scenario(report, "branches"):
        print_title("branches with 1,000 objects on main")
        print_row("branch create", 7.5, "ms")
    assert capsys.readouterr().out == "", "table mode prints the rows on stderr, the table at the end"
    assert [(f.scenario, f.size, f.metric) for f in report.figures] == [
        ("branches", "branches with 1,000 objects on main", "branch create")]
    report.print_table()
    table = capsys.readouterr().out
    assert "branch create" in table and "7.5" in table
