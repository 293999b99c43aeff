# Passerelle: the two commands that do everything on a fresh Debian 12 machine with Swift.
#   make demo   installs missing system packages, builds, serves the demo on http://127.0.0.1:8080
#   make test   installs missing system packages, builds, runs every test (Swift, then browser)

SWIFT        ?= swift
PYTHON       ?= python3
VENV         := .venv
# System packages the build and the tests need (Debian names).
BUILD_PACKAGES   := pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev libcmark-dev
BROWSER_PACKAGES := chromium python3-venv
PIP_PACKAGES     := pytest==9.0.3 playwright axe-playwright-python pyyaml
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: all deps browser-deps build test test-swift test-browser test-robustness test-crash test-fuzz demo bench clean

all: build

# Installs whatever of $(1) dpkg does not list as installed.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(BUILD_PACKAGES))

browser-deps:
	$(call apt_install,$(BROWSER_PACKAGES))
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -c "import playwright, axe_playwright_python, pytest, yaml" 2>/dev/null || \
	  $(VENV)/bin/pip install -q --disable-pip-version-check $(PIP_PACKAGES)

build: deps
	$(SWIFT) build

test: test-swift test-browser test-robustness

test-swift: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-browser: build browser-deps
	PASSERELLE_BIN=$$($(SWIFT) build --show-bin-path)/passerelle $(VENV)/bin/python -m pytest -q tests/browser

# Issue 12's measurement suite (release build, loopback only, under 15 minutes): one table (target, measured,
# ratio) and bench/results/suite-*.json. BENCH_LARGE=1 adds the 50,000-learner export; BENCH_ARGS=--quick
# gives a shorter smoke run.
bench: deps
	$(call apt_install,wrk time sqlite3 gcc libc6-dev python3)
	$(SWIFT) build -c release
	$(PYTHON) bench/suite.py $(BENCH_ARGS)

# Crash (2 rounds of kill -9) and malformed-request tests against the real server, on loopback.
test-robustness: build browser-deps
	PASSERELLE_BIN=$$($(SWIFT) build --show-bin-path)/passerelle $(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/robustness

# 20 rounds of kill -9 under load.
test-crash: build browser-deps
	CRASH_ROUNDS=20 PASSERELLE_BIN=$$($(SWIFT) build --show-bin-path)/passerelle $(VENV)/bin/python -m pytest -q tests/robustness/test_crash.py

# The malformed-request corpus plus 300 random mutations per route.
test-fuzz: build browser-deps
	FUZZ_RANDOM=300 PASSERELLE_BIN=$$($(SWIFT) build --show-bin-path)/passerelle $(VENV)/bin/python -m pytest -q tests/robustness/test_fuzz.py

# make demo [PORT=8080] [HOST=127.0.0.1] [NEW_CODES=1]: HOST=0.0.0.0 lets a phone on the same network connect.
PORT ?= 8080
HOST ?= 127.0.0.1
demo: build
	$$($(SWIFT) build --show-bin-path)/passerelle demo --root . --port "$(PORT)" --host "$(HOST)" $(if $(NEW_CODES),--new-codes)

clean:
	rm -rf .build $(VENV) passerelle-demo.sqlite passerelle-demo.sqlite-wal passerelle-demo.sqlite-shm
