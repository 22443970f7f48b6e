# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run   - set up .venv, create the SQLite database with the demo, start the server
#   make test  - set up .venv with the dev tools, run ruff, mypy (quiz/engine) and the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 0.0.0.0
PORT   ?= 5000

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python app.py

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/socket_bench.py
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/screenshots
