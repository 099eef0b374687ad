# The two commands of the README. Both install what is missing on first use:
# the virtualenv and the wheels here; the Neo4j jars (Maven) when the stack or the tests first start.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)

.PHONY: run test faults check-prereqs

check-prereqs:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@command -v java >/dev/null || { echo "Java 17+ is required (java not found)"; exit 1; }
	@command -v mvn >/dev/null || test -f deploy/neo4j/lib/.strata-pom.sha256 || { echo "Maven is required to fetch the Neo4j jars (mvn not found)"; exit 1; }

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory check-prereqs
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## run: the whole stack in the foreground (NATS, Neo4j, projector, API on http://127.0.0.1:8000)
run: $(STAMP)
	$(VENV)/bin/strata dev run

## test: the test suite against real NATS and Neo4j started by the tests themselves
test: $(STAMP)
	$(VENV)/bin/pytest -q

## faults: only the fault and hostile-input suite (tests/faults), at full strength: ten rounds of
## each kill/restart/race and 400 generated inputs per fuzz test (`make test` runs it with one)
faults: $(STAMP)
	STRATA_FAULT_ROUNDS=$${STRATA_FAULT_ROUNDS:-10} $(VENV)/bin/pytest -q tests/faults
