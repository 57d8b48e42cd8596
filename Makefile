# Every target bootstraps .venv itself, so a fresh clone needs only python3, make and git.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint typecheck bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins every installed version, so CI and every machine test the same libraries
# (the --help and plan snapshots depend on typer/rich output). `make lock` refreshes it.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# For local work: the same checks without the tests marked `slow` (over ~2 s each); `make test` and CI run all.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade -e '.[test]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^contentful-reconcile' > constraints.txt

clean:
	rm -rf $(VENV) .reconcile .pytest_cache
