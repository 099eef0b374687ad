"""`strata bench` runs end to end at tiny sizes and prints well-formed figures (no timing is
asserted: speed is the benchmarks' business, not the tests')."""

from __future__ import annotations

import json

import pytest
from neo4j import AsyncDriver

from strata_cli.bench.figures import Report, scenario
from strata_cli.bench.import_bench import bench_import
from strata_core.settings import Settings

pytestmark = pytest.mark.integration

FIELDS = {"scenario", "size", "metric", "value", "unit", "floor", "ratio"}


async def test_the_import_scenario_prints_one_json_figure_per_line(
    settings: Settings, neo4j_driver: AsyncDriver, capsys: pytest.CaptureFixture[str]
) -> None:
    report = Report(as_json=True)
    with scenario(report, "import"):
        await bench_import(settings.nats_url, settings.neo4j_uri, totals=[40], per_request=[1, 20], single_cap=3,
                           warm_up=20)  # fmt: skip
    captured = capsys.readouterr()
    assert "warm-up, not measured: 18 objects at 1,000 per request, then 2 one per request" in captured.err
    lines = [line for line in captured.out.splitlines() if line.strip()]
    figures = [json.loads(line) for line in lines]
    # five figures for each request size, and for one per request with 5 in flight; none from the warm-up
    assert len(figures) == 15
    assert all(set(f) == FIELDS and f["scenario"] == "import" for f in figures)
    rates = [f for f in figures if f["unit"] == "obj/s"]
    assert [(f["metric"], f["size"]) for f in rates] == [
        ("import, 1 per request: objects/s", 3),
        ("import, 1 per request, 5 in flight: objects/s", 3),
        ("import, 20 per request: objects/s", 40),
    ]
    for figure in rates:
        assert figure["value"] > 0 and figure["floor"] > 0
        assert figure["ratio"] == pytest.approx(figure["floor"] / figure["value"])
