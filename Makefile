# monitor — developer entry points. Quick start: `make demo`, then `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two workers (CI and dev machines have 2 cores); each test file runs in one worker.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: help install demo test test-sqlite test-postgres airflow bench fuzz lint system-deps clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[airflow,postgres,dev]"
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install the project with Airflow and the test tools (pinned)

demo: install  ## Run a full monitoring cycle through the real Airflow DAGs on the offline demo feeds
	$(BIN)/python scripts/demo.py

system-deps:  ## Install Debian packages the browser tests need (Chromium), when running as root
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

test: install system-deps  ## Run the whole test suite (SQLite; PostgreSQL too when MONITOR_TEST_DATABASE_URL is set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install system-deps  ## Run the suite against a local PostgreSQL (installed and started if needed)
	MONITOR_TEST_DATABASE_URL=$$(scripts/postgres-start.sh | tail -n 1) $(BIN)/python -m pytest $(PYTEST_ARGS)

airflow: install  ## Start `airflow standalone` with the project's DAGs and plugins on http://127.0.0.1:8080
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/airflow-standalone.sh

bench: install  ## Run the benchmarks and evaluations (PostgreSQL rows too when it can be started); figures go to docs/benchmarks.md
	MONITOR_TEST_DATABASE_URL=$${MONITOR_TEST_DATABASE_URL:-$$(scripts/postgres-start.sh 2>/dev/null | tail -n 1)} \
	  $(BIN)/python -m benchmarks.run_all $(BENCH_ARGS)

FUZZ_SECONDS ?= 60
SHARED_FEEDS ?= ../shared/data/feeds
fuzz: install  ## Fuzz the feed parsing path with atheris for FUZZ_SECONDS (seeds: demo feeds, fixtures, shared feeds)
	$(BIN)/pip install --quiet -c constraints.txt -e ".[fuzz]"
	mkdir -p var/fuzz
	cd var/fuzz && ../../$(BIN)/python ../../fuzz/feed_parse.py --seeds ../../config/demo/site/feeds \
	  --seeds ../../tests/data/ingest --seeds $(abspath $(SHARED_FEEDS)) corpus -max_total_time=$(FUZZ_SECONDS) \
	  -rss_limit_mb=2048 -print_final_stats=1

lint:  ## ruff and mypy --strict on the library
	$(BIN)/ruff check monitor dags plugins tests benchmarks scripts fuzz
	$(BIN)/mypy monitor

clean:  ## Remove the demo store, Airflow home and caches (keeps .venv)
	rm -rf var airflow_home .pytest_cache .mypy_cache .ruff_cache .hypothesis
