# The README's two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install install-test translations migrate seed lint format bench bench-counting bench-sortition clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test,prod]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

translations: | $(BIN)/python
	@$(BIN)/pybabel compile -d participate/translations

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: seed
	@echo "Serving http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-test lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

bench: bench-counting bench-sortition

bench-counting: install-test
	$(BIN)/python bench/counting.py

bench-sortition: install-test
	$(BIN)/python bench/sortition.py

clean:
	rm -rf $(VENV) instance/participate.db .pytest_cache .ruff_cache
