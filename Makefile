# nightcap: `make demo` and `make test` set everything up themselves.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin

.PHONY: setup system system-test demo test lint bench db-down

setup: system $(VENV)/.installed

# Debian packages: installs only what is missing, silent when all are there.
system:
	@scripts/ensure-system-packages

# The virtualenv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | system
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# What only the tests need (chromium for the dashboard's browser test).
system-test:
	@scripts/ensure-system-packages test

demo: setup
	@$(BIN)/nightcap db up >/dev/null
	@$(BIN)/nightcap demo

test: setup system-test lint
	@scripts/run-tests

lint: $(VENV)/.installed
	@$(BIN)/ruff check renderer migrations tests bench
	@$(BIN)/ruff format --check renderer migrations tests bench

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $@

# Every benchmark in one run (bench/run.py): builds the benchmark database once
# (bench/dataset.py), measures, prints one table, writes bench/results.json and
# bench/results.md. BENCH_ARGS=--quick for a fast check that all of it works.
bench: setup $(VENV)/.bench-installed
	@$(BIN)/nightcap db up >/dev/null
	@$(BIN)/python -m bench.run $(BENCH_ARGS)

db-down:
	@$(BIN)/nightcap db down
