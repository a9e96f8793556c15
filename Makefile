# papertalk: `make demo` sets up and runs the demo; `make test` sets up and runs lint and the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint unit setup bench clean chromium wrk

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/papertalk demo

lint: $(STAMP)
	$(BIN)/ruff check papertalk tests bench
	$(BIN)/ruff format --check papertalk tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	# Three workers on two cores: many tests wait on a server, a subprocess or the database (the machine's load
	# stayed under 2 with two workers, so a core sat idle).
	$(BIN)/pytest -n 3 -q

test: lint chromium unit

bench: $(STAMP) wrk
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.trending
	$(BIN)/python -m bench.web

clean:
	rm -rf $(VENV) demo-data .pytest_cache .mypy_cache .ruff_cache

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The web benchmark loads `papertalk serve` with wrk.
wrk:
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
