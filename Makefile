# offramp: `make demo` opens the desk on the example case; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench reader docs sbom clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The runtime: enough to run the desk and the CLI.
# Versions as tested: requirements/lock.txt (constraints; scripts/lock-deps.sh rewrites it).
LOCK := requirements/lock.txt
$(VENV)/.runtime: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[postgres]'
	touch $@

# Everything the tests need (browser driver, PostgreSQL client, Ray, linters).
$(VENV)/.dev: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,postgres,ray]'
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

# A CycloneDX bill of materials of the installed desk (OWASP ASVS 14.2.5).
sbom: $(VENV)/.runtime
	$(BIN)/python scripts/sbom.py --out offramp.cdx.json

bench: $(VENV)/.dev
	scripts/bench.sh

# The intake's reader for the example case, trained on every labelled set but the unseen
# heldout8 and the real-news test set (benchmarks/data/intake/README.md); the threshold was
# chosen by cross-validation on real news (benchmarks/intake.py --tune-real 5); about a minute.
INTAKE := benchmarks/data/intake
reader: $(VENV)/.runtime
	$(BIN)/offramp train-reader --case examples/ukraine-2022.yaml \
	  --people $(INTAKE)/people-2022-talks.yaml --phrases $(INTAKE)/phrases-2022-talks.yaml \
	  --out src/offramp/data/intake/ukraine-2022.reader.json.gz --threshold 0.4 \
	  $(INTAKE)/seeds-2022.jsonl $(INTAKE)/heldout-2022-talks.jsonl \
	  $(foreach n,2 3 4 5 6 7,$(INTAKE)/heldout$(n)-2022-talks.jsonl) \
	  $(sort $(wildcard $(INTAKE)/train/t*-2022-talks.jsonl)) \
	  $(INTAKE)/real/real-dev-2022.jsonl

clean:
	rm -rf $(VENV) .venv-bench .pytest_cache .mypy_cache .ruff_cache test-artifacts
