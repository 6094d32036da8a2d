# privacyguard — every target sets itself up first, so each works on a fresh clone.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: setup browser demo test lint bench fuzz faults shakeout clean test-services messages

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) browser

# Playwright's own Chromium where it can be downloaded, else the OS's chromium package.
browser: $(STAMP)
	@$(BIN)/python scripts/ensure_browser.py

demo: setup
	$(BIN)/privacyguard demo

test: setup test-services
	$(BIN)/python -m pytest -n 2 -q --durations=15

# gnome-keyring + D-Bus (a real Secret Service keyring) and Xvfb (headed login), where apt-get works.
test-services:
	@bash scripts/install_test_services.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

# Extract UI text into the message catalogue, update the .po files, compile the .mo files (docs/i18n.md).
messages: $(STAMP)
	$(BIN)/python scripts/messages.py

bench: setup
	$(BIN)/python scripts/bench.py

# 10,000+ generated files over every reader (and a sample through the CLI); prints the count,
# tracebacks and exit-2s (must be 0/0). FUZZ_ARGS="--inputs 50000 --seed 7" for more or a replay.
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py $(FUZZ_ARGS)

# 50 random faults (SIGINT, SIGKILL, a full disk, a dying browser) in fix --yes, undo and sweep, each
# judged by the simulated platforms' own state, the journals and the history (docs/fix.md#interruptions-tested).
faults: setup
	$(BIN)/python scripts/faults.py --runs $(or $(RUNS),50) --jobs $(or $(JOBS),1) $(FAULTS_ARGS)

# The browser tests, many times in parallel beside CPU burners: timing bugs show only under load.
shakeout: setup
	$(BIN)/python scripts/shakeout.py $(SHAKEOUT_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
