"""`python -m strata_api`: what `strata server` runs."""

from strata_api.main import run_server
from strata_core.settings import Settings

run_server(Settings.from_env())
