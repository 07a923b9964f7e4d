# Two commands for a newcomer: `make run` and `make test`. Both set up what they need first.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-postgres test-fast lint format clean

# `make run PORT=8001` makes the printed approval links point at that port too.
ifneq ($(origin PORT)$(origin HOST),filefile)
export PORTAL_BASE_URL := http://$(HOST):$(PORT)
endif

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py sync_schedules
	$(BIN)/python manage.py demo_admin
	@test -f var/triage-model.npz || $(BIN)/python manage.py train_triage
	$(BIN)/python manage.py import_invoices mailagent/demo/accounting/*.csv
	$(BIN)/python manage.py poll --once
	$(BIN)/python manage.py remind
	$(BIN)/python manage.py kpi_report
	@echo "Portal and admin on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Browser tests run in their own pytest process: Playwright leaves an event loop running that
# later asyncio code in the same process would trip over.
test: setup
	$(BIN)/python -m pytest -m "not browser" -q
	$(BIN)/python -m pytest -m browser -q

# The suite's database tests on PostgreSQL (the production database). POSTGRES_URL names the
# server; the suite creates and drops its own test database there. Tests that touch no database
# (marked `nodb` by tests/conftest.py) ran in `make test` already and are left out.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/mailagent
test-postgres: setup
	@$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(POSTGRES_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null \
	  || { if [ "$$REQUIRE_SERVICES" = "1" ]; then echo "PostgreSQL is not reachable at $(POSTGRES_URL)"; exit 1; \
	       else echo "PostgreSQL is not reachable at $(POSTGRES_URL): skipping test-postgres"; exit 0; fi; }
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest -m "not browser and not nodb" -q

test-fast: setup
	$(BIN)/python -m pytest -m "not browser" -q -x

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var/outbox var/mailagent.sqlite3*
