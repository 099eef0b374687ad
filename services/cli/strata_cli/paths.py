"""Where the development stack keeps its files, all under one data directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["StackPaths", "repo_root"]


def repo_root() -> Path:
    """The checkout this editable install runs from (services/cli/strata_cli/paths.py)."""
    return Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class StackPaths:
    data_dir: Path

    @property
    def nats_store(self) -> Path:
        return self.data_dir / "nats"

    @property
    def neo4j_home(self) -> Path:
        return self.data_dir / "neo4j"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run(self) -> Path:
        return self.data_dir / "run"

    def pid_file(self, component: str) -> Path:
        return self.run / f"{component}.pid"

    def log_file(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    @property
    def neo4j_lib(self) -> Path:
        """Maven-resolved jars; kept out of the data dir so `rm -rf .data` keeps them."""
        return repo_root() / "deploy" / "neo4j" / "lib"

    @property
    def neo4j_pom_dir(self) -> Path:
        return repo_root() / "deploy" / "neo4j"

    @property
    def neo4j_launcher(self) -> Path:
        return repo_root() / "deploy" / "neo4j" / "StrataNeo4j.java"

    @property
    def nats_config(self) -> Path:
        return repo_root() / "nats" / "nats-server.conf"
