# The two commands of the set-up contract: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
VAR := var
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# One consumer process next to gunicorn (its threads run jobs; more consumers: README).
CONSUMER_WORKERS ?= 2
# The production-like server needs a secret of its own: made once, kept under var/.
SECRET_FILE := $(VAR)/secret_key

.PHONY: run test test-suite lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SECRET_FILE):
	mkdir -p $(VAR)
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_FILE)
	chmod 600 $(SECRET_FILE)

# A local demo over plain HTTP: PLAIN_HTTP=1 is the one switch that turns off HTTPS-only
# settings (HSTS, Secure cookies, redirect to https). Production leaves it unset.
RUN_ENV = DEBUG=0 PLAIN_HTTP=1 SECRET_KEY="$$(cat $(SECRET_FILE))"

run: $(STAMP) $(SECRET_FILE)
	$(RUN_ENV) $(BIN)/ticcoop migrate --noinput -v0
	$(RUN_ENV) $(BIN)/ticcoop reissue-pt-reports -v0
	$(RUN_ENV) $(BIN)/ticcoop collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/ticcoop demo-data --if-empty
	@echo "ticcoop: http://$(HOST):$(PORT)/ and one job consumer ($(CONSUMER_WORKERS) threads); Ctrl-C stops both"
	@echo "sign-in codes of the demo regulators: $(BIN)/ticcoop demo-totp USER"
	@export $(RUN_ENV); \
	$(BIN)/ticcoop run_huey --workers $(CONSUMER_WORKERS) --worker-type thread & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	$(BIN)/gunicorn ticcoop.config.wsgi -c gunicorn.conf.py \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --forwarded-allow-ips=127.0.0.1

test: $(STAMP) lint test-suite

# Two workers (pytest-xdist), one per core: the suite on SQLite and again on PostgreSQL in CI
# stays well inside the time budget; each worker gets its own test database.
# Bytecode is written even where the environment says PYTHONDONTWRITEBYTECODE: without it each
# worker and every subprocess a test starts compiles the project (and pytest rewrites every test
# module) again, about 10 s of CPU a process; the PostgreSQL run then reuses the SQLite run's.
test-suite: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check --quiet src tests bench
	$(BIN)/mypy src

# BENCH_SCALE=small: every script on small inputs (minutes); unset: the sizes of issue 17.
# Each script appends its row of issue 17's table to the file BENCH_ROWS_FILE names;
# bench/summary.py prints them all at the end (a failed script is named there and fails the
# target, after the table).
bench: $(STAMP)
	@rows=$$(mktemp); failed=""; \
	for script in bench/bench_*.py; do [ -e "$$script" ] || continue; echo "== $$script"; \
	  BENCH_ROWS_FILE=$$rows $(BIN)/python $$script || failed="$$failed $$(basename $$script)"; done; \
	$(BIN)/python bench/summary.py $$rows $$failed; status=$$?; rm -f $$rows; exit $$status

clean:
	rm -rf $(VAR)/static .pytest_cache .mypy_cache .ruff_cache
