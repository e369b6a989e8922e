# Leadflow — the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test bench setup static browser lint clean

run: setup ## set everything up and serve at http://127.0.0.1:$${PORT:-8000} (demo mode)
	LEADFLOW_DEMO=$${LEADFLOW_DEMO:-1} $(BIN)/leadflow run

test: setup browser ## the whole test suite
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: setup ## benchmarks against baselines; writes bench/results/latest.json
	LEADFLOW_DEMO=$${LEADFLOW_DEMO:-1} $(BIN)/leadflow bench $(BENCH_ARGS)

setup: $(STAMP) static

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python scripts/build_static.py

browser: ## Debian's Chromium for the browser tests (Playwright may not download its own)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Browser tests need /usr/bin/chromium: sudo apt-get install chromium fonts-noto-cjk"; fi; }

lint: setup
	$(BIN)/ruff check leadflow tests bench scripts

clean:
	rm -rf $(VENV) node_modules leadflow/static/vendor staticfiles var
