# offramp: `make demo` opens the desk on the example case; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The runtime: enough to run the desk and the CLI.
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

# Everything the tests need (browser driver, PostgreSQL client, Ray, linters).
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres,ray]'
	touch $@

demo: $(VENV)/.runtime
	$(BIN)/offramp demo

test: $(VENV)/.dev
	scripts/test.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(VENV)/.dev
	scripts/bench.sh

clean:
	rm -rf $(VENV) .venv-bench .pytest_cache .mypy_cache .ruff_cache test-artifacts
