# Set-up contract: `make run` and `make test` work from a fresh clone with Python 3.11, git, make and apt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501
REPLICAS ?= 3

.PHONY: run serve test bench load capacity screenshots chromium nginx validate clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Browser tests drive Debian's chromium (playwright's own browser download does not work here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# `make serve` and its tests put Debian's nginx in front of the app replicas.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nginx; }

run: $(VENV)/.runtime-installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

# REPLICAS app servers behind nginx on 127.0.0.1:$(PORT) (docs/DEPLOY.md); Ctrl-C stops them all.
serve: $(VENV)/.runtime-installed nginx
	$(PY) -m deploy.serve --replicas $(REPLICAS) --port $(PORT)

test: $(VENV)/.dev-installed chromium nginx
	$(PY) -m pytest

validate: $(VENV)/.runtime-installed
	$(PY) -m vetting validate data

bench: $(VENV)/.dev-installed
	$(PY) -m benchmarks.run

load: $(VENV)/.dev-installed
	$(PY) -m benchmarks.load

capacity: $(VENV)/.dev-installed nginx
	$(PY) -m benchmarks.capacity

screenshots: $(VENV)/.dev-installed chromium
	$(PY) -m tests.browser.screenshots docs/screenshots

clean:
	rm -rf $(VENV) .pytest_cache
