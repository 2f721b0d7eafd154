# dangvien: `make run` (demo on SQLite) and `make test` (everything on PostgreSQL).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangvien
# Test-only secret; production refuses to start without its own SECRET_KEY.
TEST_ENV := SECRET_KEY=insecure-test-key DATABASE_URL=$(TEST_DATABASE_URL)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint seed bench chromium clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	@# The background worker (spreadsheet imports) runs beside the web server and stops with it.
	trap 'kill 0' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py db_worker & \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

lint: setup
	$(VENV)/bin/ruff check .
	SECRET_KEY=lint DATABASE_URL=sqlite:///:memory: $(PY) manage.py makemigrations --check --dry-run

test: setup chromium lint
	$(TEST_ENV) $(VENV)/bin/pytest

seed: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --reset

clean:
	rm -rf $(VENV) node_modules staticfiles
