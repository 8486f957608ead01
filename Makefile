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

# Builds the benchmark database once (bench/dataset.py), then measures.
bench: setup $(VENV)/.bench-installed
	@$(BIN)/nightcap db up >/dev/null
	@$(BIN)/python -m bench.dataset
	@$(BIN)/python -m bench.generator --runs 3
	@$(BIN)/python -m bench.cron --runs 3
	@$(BIN)/python -m bench.tick --runs 3
	@$(BIN)/python -m bench.tick --runs 3 --distinct
	@$(BIN)/python -m bench.tick --runs 3 --realistic
	@$(BIN)/python -m bench.claim --runs 3
	@# The whole rebuild from the facts takes minutes: one run of it, medians of 3 of the rest.
	@$(BIN)/python -m bench.aggregation --runs 3 --facts-runs 1
	@$(BIN)/python -m bench.reports --runs 7
	@$(BIN)/python -m bench.live_kpis --runs 50
	@$(BIN)/python -m bench.render_html_pdf --runs 20
	@$(BIN)/python -m bench.renderer --reports 1000 --samples 100
	@# 1,000 reports due in one minute, through tick, snapshot, render and SMTP, in a database of its own.
	@$(BIN)/python -m bench.load --reports 1000 --organizations 10

db-down:
	@$(BIN)/nightcap db down
