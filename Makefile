# Two commands do everything (see README.md):
#   make book   build the HTML book at full settings  -> _build/html/index.html
#   make test   run every check (lint, unit tests, notebooks in quick mode, book, HTML, browser)
#   make assignments   the assignment edition (solutions removed) -> _build/assignments/
# Both first create or update the virtual environment .venv from requirements/lock.txt, and skip
# that step when neither the lock file nor pyproject.toml changed.
# Data: set DATA=/path/to/folder-with-MNIST (or $AEUTILS_DATA); otherwise MNIST is downloaded.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DIR := _build/test
TEST_HTML := $(TEST_DIR)/book/src/_build/html
TEST_STUDENT_HTML := $(TEST_DIR)/student/src/_build/html
PYTEST := $(BIN)/python -m pytest -q
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
ifdef DATA
export AEUTILS_DATA := $(abspath $(DATA))
endif
TIMED := tools/timed.sh
# Builds and tests pin torch's thread count (float sums depend on it): the same numbers every run.
export AEUTILS_THREADS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 2 ? n : 2 )))

.PHONY: book test assignments bench bench-quick env lock clean

env: $(STAMP)

$(STAMP): requirements/lock.txt pyproject.toml
	@$(TIMED) environment bash -c '\
	  set -e; \
	  [ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet --upgrade pip; \
	  $(BIN)/pip install --quiet -r requirements/lock.txt; \
	  $(BIN)/pip install --quiet --no-deps --no-build-isolation -e .; \
	  touch $(STAMP)'

book: $(STAMP)
	@$(TIMED) book $(BIN)/python tools/build_book.py
	@echo "The book: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	@rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	@export STAGE_LOG=$(CURDIR)/$(TEST_DIR)/stages.txt AEUTILS_CACHE=$(CURDIR)/$(TEST_DIR)/cache; set -e; \
	$(TIMED) lint bash -c 'ruff check . && ruff format --check . && \
	  check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml'; \
	$(TIMED) unit $(PYTEST) tests/unit tests/test_project.py --junitxml=$(TEST_DIR)/junit-unit.xml; \
	$(TIMED) notebooks $(PYTEST) tests/notebooks --durations=0 --junitxml=$(TEST_DIR)/junit-notebooks.xml; \
	$(TIMED) nbval $(PYTEST) -p no:cacheprovider --nbval-lax --nbval-current-env $(TEST_DIR)/notebooks \
	  --junitxml=$(TEST_DIR)/junit-nbval.xml; \
	$(TIMED) colab $(PYTEST) tests/colab --junitxml=$(TEST_DIR)/junit-colab.xml; \
	$(TIMED) book $(BIN)/python tools/build_book.py --executed $(TEST_DIR)/notebooks --out $(TEST_DIR)/book; \
	$(TIMED) student $(BIN)/python tools/build_book.py --executed $(TEST_DIR)/notebooks \
	  --out $(TEST_DIR)/student --student; \
	$(TIMED) html $(PYTEST) tests/book --html-dir $(TEST_HTML) --student-html-dir $(TEST_STUDENT_HTML) \
	  --junitxml=$(TEST_DIR)/junit-html.xml; \
	$(TIMED) browser $(PYTEST) tests/browser --html-dir $(TEST_HTML) --junitxml=$(TEST_DIR)/junit-browser.xml; \
	echo "Executed notebooks: $(TEST_DIR)/notebooks/   Test build of the book: $(TEST_HTML)/index.html"; \
	echo "Browser screenshots: $(TEST_DIR)/book/src/_build/screenshots/"; \
	$(BIN)/python tools/test_summary.py $(TEST_DIR)

assignments: book
	@$(TIMED) assignments bash -c '$(BIN)/python tools/assignments.py _build/assignments/notebooks && \
	  $(BIN)/python tools/build_book.py --export-cache _build/executed && \
	  $(BIN)/python tools/build_book.py --executed _build/executed --out _build/assignments/book --student'
	@echo "Student notebooks: _build/assignments/notebooks/"
	@echo "Student book: $(CURDIR)/_build/assignments/book/src/_build/html/index.html"

# Benchmarks (benchmarks/run.py): all of them at full settings into results/benchmarks.json, which
# the book's results page renders; bench-quick runs each on tiny data into _build/bench-quick/.
# One at a time: $(BIN)/python -m benchmarks.run --only NAME ...  (--list names them)
bench: $(STAMP)
	@$(TIMED) bench $(BIN)/python -m benchmarks.run

bench-quick: $(STAMP)
	@$(TIMED) bench-quick $(BIN)/python -m benchmarks.run --quick

lock:
	tools/lock.sh

clean:
	rm -rf _build
