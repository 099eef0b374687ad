"""`strata rebuild`: drop the live read model and fold every branch stream into it again."""

from __future__ import annotations

import asyncio
import sys

from strata_cli.paths import StackPaths
from strata_cli.processes import is_running, read_pid
from strata_cli.read_model import project_log
from strata_core.settings import Settings
from strata_graph.driver import open_driver
from strata_graph.maintenance import graph_digest

__all__ = ["rebuild_read_model", "run_rebuild"]


async def rebuild_read_model(settings: Settings, *, consumer_name: str = "rebuild") -> str:
    """Wipe the graph, project every branch stream to its current end; returns the digest.

    The live projector must be stopped meanwhile (it would race for the same checkpoints).
    """
    driver = open_driver(settings)
    try:
        await project_log(settings, driver, database=settings.neo4j_database, consumer_name=consumer_name,
                          label="rebuild", side_model=False)  # fmt: skip
        return await graph_digest(driver, settings.neo4j_database)
    finally:
        await driver.close()


def run_rebuild(settings: Settings) -> int:
    projector_pid = read_pid(StackPaths(settings.data_path).pid_file("projector"))
    if is_running(projector_pid):
        print(f"strata rebuild: the dev projector (pid {projector_pid}) is running; stop it first",
              file=sys.stderr)  # fmt: skip
        return 2
    digest = asyncio.run(rebuild_read_model(settings))
    print(f"read model rebuilt; digest {digest}", file=sys.stderr)
    print(digest)
    return 0
