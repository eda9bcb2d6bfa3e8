# Each target creates .venv on first use, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: run test pg-stop stress bench screenshots lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/botui --db $(DEMO_DB) --demo

# The suite runs on SQLite and on a private PostgreSQL server that the tests start
# (scripts/pg_server.py); BOTUI_TEST_ENGINES=sqlite runs it on SQLite alone.
test: $(STAMP)
	@case "$${BOTUI_TEST_ENGINES:-postgres}" in *postgres*) scripts/ensure_postgres.sh;; esac
	$(BIN)/python -m pytest -q -n 2 --dist loadscope -m "not stress and not serial"
	$(BIN)/python -m pytest -q -m serial

pg-stop:
	$(BIN)/python scripts/pg_server.py stop

stress: $(STAMP)
	$(BIN)/python -m pytest -q -m stress -s

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench.py
	scripts/ensure_postgres.sh
	$(BIN)/python bench/bench.py --engine postgres
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_export.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_reports.py --engine postgres

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

clean:
	rm -rf $(VENV) build dist
