"""`python -m strata_projector`: what `strata projector` runs."""

from strata_core.settings import Settings
from strata_projector.main import run_projector

run_projector(Settings.from_env())
