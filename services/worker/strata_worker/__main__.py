"""`python -m strata_worker`: what `strata worker` runs."""

from strata_core.settings import Settings
from strata_worker.main import run_worker

run_worker(Settings.from_env())
