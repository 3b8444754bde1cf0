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
# tools/prereqs.py runs first, with the Python that has (or will make) .venv: that Python's version,
# npm for the book, Chromium for the browser tests; it installs them or stops with the fix.
PREREQS_PYTHON = $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
PREREQS_FLAGS = $(if $(filter test book assignments,$(MAKECMDGOALS)),--npm) \
  $(if $(filter test,$(MAKECMDGOALS)),--chromium)
PIP_VERSION := 26.3

.PHONY: book test test-folder assignments bench bench-quick env prereqs lock clean

env: $(STAMP)

prereqs:
	@$(PREREQS_PYTHON) tools/prereqs.py $(PREREQS_FLAGS)

# The lock pins every package (setuptools included, for the editable install) by hash; `pip check`
# proves aeutils' own requirements are among them.
$(STAMP): requirements/lock.txt pyproject.toml | prereqs
	@$(TIMED) environment bash -c '\
	  set -e; \
	  [ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet pip==$(PIP_VERSION); \
	  $(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt; \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .; \
	  $(BIN)/python -m pip check; \
	  touch $(STAMP)'

book: prereqs $(STAMP)
	@$(TIMED) book $(BIN)/python tools/build_book.py
	@echo "The book: $(CURDIR)/_build/html/index.html"

# Test stages run notebooks in parallel, one torch thread each: the numbers nbval compares with those
# recorded in tests/notebooks/expected/ were recorded that way. The summary prints on failure too.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n < 4 ? n : 4 )))
ifneq ($(filter test,$(MAKECMDGOALS)),)
export STAGE_LOG := $(CURDIR)/$(TEST_DIR)/stages.txt
endif

test-folder:
	@rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)

test: prereqs test-folder $(STAMP)
	@export AEUTILS_CACHE=$(CURDIR)/$(TEST_DIR)/cache AEUTILS_THREADS=1; set -e; \
	trap 'status=$$?; $(BIN)/python tools/test_summary.py $(TEST_DIR) || status=1; exit $$status' EXIT; \
	grep -qs '^environment' $$STAGE_LOG || printf '%-12s %10s  %s\n' environment '' 'up to date' >> $$STAGE_LOG; \
	$(TIMED) lint bash -c 'ruff check . && ruff format --check . && \
	  check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml'; \
	$(TIMED) unit $(PYTEST) tests/unit tests/test_*.py --junitxml=$(TEST_DIR)/junit-unit.xml; \
	$(TIMED) notebooks $(PYTEST) -n $(TEST_WORKERS) --dist worksteal tests/notebooks --durations=5 \
	  --junitxml=$(TEST_DIR)/junit-notebooks.xml; \
	$(TIMED) nbval bash -c '$(BIN)/python tools/expected_outputs.py compose $(TEST_DIR)/notebooks \
	  $(TEST_DIR)/nbval && $(PYTEST) -n $(TEST_WORKERS) --dist loadscope -p no:cacheprovider \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with tests/notebooks/nbval-sanitize.cfg \
	  $(TEST_DIR)/nbval --junitxml=$(TEST_DIR)/junit-nbval.xml'; \
	$(TIMED) colab $(PYTEST) tests/colab --junitxml=$(TEST_DIR)/junit-colab.xml; \
	$(TIMED) book $(BIN)/python tools/build_book.py --executed $(TEST_DIR)/notebooks --out $(TEST_DIR)/book; \
	$(TIMED) student $(BIN)/python tools/build_book.py --executed $(TEST_DIR)/notebooks \
	  --out $(TEST_DIR)/student --student; \
	$(TIMED) html $(PYTEST) tests/book --html-dir $(TEST_HTML) --student-html-dir $(TEST_STUDENT_HTML) \
	  --junitxml=$(TEST_DIR)/junit-html.xml; \
	$(TIMED) browser $(PYTEST) tests/browser --html-dir $(TEST_HTML) --junitxml=$(TEST_DIR)/junit-browser.xml; \
	echo "Executed notebooks: $(TEST_DIR)/notebooks/   Test build of the book: $(TEST_HTML)/index.html"; \
	echo "Browser screenshots: $(TEST_DIR)/book/src/_build/screenshots/"; \
	echo "Explorers measured in the browser: $(TEST_DIR)/book/src/_build/explorers.json"

assignments: prereqs book
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

# Resolve requirements/requirements.in into requirements/lock.txt and environment.yml (with .venv's uv;
# TORCH_BACKEND=cpu make lock: torch from PyTorch's CPU index, see tools/lock.sh).
lock: $(STAMP)
	tools/lock.sh

clean:
	rm -rf _build
