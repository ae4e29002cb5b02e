# Everything a new machine needs is installed by these targets; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
PYTEST_ARGS ?=
# make run's knobs (see README.md), handed to tools/run-local.sh.
export PREFIX MODEL OPENCODE_PORT DEMO_MODEL_PORT
BENCH_ARGS ?=

VENV_STAMP := $(VENV)/.installed
UI_DEPS := ui/node_modules/.installed
UI_BUILD := opencode_proxy/static/index.html
OPENCODE := tools/opencode/node_modules/.bin/opencode
UI_SOURCES := $(shell find ui/src ui/index.html ui/public ui/scripts -type f 2>/dev/null) ui/vite.config.ts ui/tsconfig.json

.PHONY: run test check lint typecheck ui-test pytest ui deps bench clean

## run: build what is needed, start a local OpenCode server and the proxy on 127.0.0.1:$(PORT)
run: $(VENV_STAMP) $(UI_BUILD) $(OPENCODE)
	tools/ensure-debian-packages.sh ripgrep
	PORT=$(PORT) PYTHON=$(BIN)/python tools/run-local.sh

## test: install everything the suite needs, then run all of it
test: deps lint typecheck ui-test pytest

deps: $(VENV_STAMP) $(UI_BUILD) $(OPENCODE)
	tools/ensure-debian-packages.sh chromium ripgrep

$(VENV_STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,speed]'
	touch $@

$(UI_DEPS): ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund --loglevel=error
	touch $@

ui: $(UI_BUILD)
$(UI_BUILD): $(UI_DEPS) $(UI_SOURCES)
	cd ui && npm run --silent build

# `npm install`, not `npm ci`: the lock lists only the platform packages the registry
# serves, and `npm ci` refuses a lock without every optional platform package.
$(OPENCODE): tools/opencode/package.json tools/opencode/package-lock.json
	cd tools/opencode && npm install --no-save --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV_STAMP) $(UI_DEPS)
	$(BIN)/ruff check opencode_proxy tests tools bench
	$(BIN)/ruff format --check opencode_proxy tests tools bench
	cd ui && npx prettier --check src vite.config.ts scripts

typecheck: $(VENV_STAMP) $(UI_DEPS)
	$(BIN)/mypy
	cd ui && npx tsc --noEmit

ui-test: $(UI_DEPS)
	cd ui && npx vitest run

pytest: $(VENV_STAMP) $(UI_BUILD) $(OPENCODE)
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: side-by-side benchmark against nginx and jupyter-server-proxy, and the UI's first
## load beside upstream's web app (installs nginx, wrk, jupyter-server-proxy, Chromium and
## OpenCode when missing); BENCH_ARGS=--quick for a smoke run,
## BENCH_ARGS="--scenarios first_load" for one scenario
bench: $(VENV_STAMP) $(UI_BUILD)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) ui/node_modules opencode_proxy/static tools/opencode/node_modules .run test-artifacts
