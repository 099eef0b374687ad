"""deploy/docker-compose.yml cannot run here (no Docker engine): check it parses and that it
only uses setting names the code reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from strata_core.settings import Settings

COMPOSE = Path(__file__).resolve().parents[3] / "deploy" / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_compose_has_the_whole_stack() -> None:
    services = _compose()["services"]
    assert {"nats", "neo4j", "api", "projector", "worker"} <= set(services)
    assert services["neo4j"]["image"].startswith("neo4j:5.26")
    assert "-c" in services["nats"]["command"]  # JetStream comes from the shared server config
    assert [services[s]["command"] for s in ("api", "projector", "worker")] == [["server"], ["projector"], ["worker"]]


def test_every_strata_variable_is_a_real_setting() -> None:
    known = set(Settings().env_names())
    used: set[str] = set()
    for service in _compose()["services"].values():
        env = service.get("environment") or {}
        used |= {name for name in env if name.startswith("STRATA_")}
    assert used, "the services are configured through STRATA_* settings"
    assert used <= known, f"unknown settings: {sorted(used - known)}"
    # the addresses the services need to find each other are all set
    assert {"STRATA_NATS_URL", "STRATA_NEO4J_URI", "STRATA_NEO4J_PASSWORD"} <= used
