# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# `make run PORT=5001` serves on another port; the printed demo links follow it.
PORT   ?= 5000
# The development database and keys stay in ./instance (an installed site uses LMS_INSTANCE_PATH or ~/.local/share/lms).
RUN_ENV := LMS_INSTANCE_PATH=$(CURDIR)/instance LMS_BASE_URL=$${LMS_BASE_URL:-http://127.0.0.1:$(PORT)}

.PHONY: run test install translations i18n-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Compiled catalogues are built here, never committed.
translations: | $(BIN)/python
	$(BIN)/pybabel compile -d lms/translations

install: $(VENV)/.installed translations

run: install
	$(RUN_ENV) $(BIN)/lms init-db
	$(RUN_ENV) $(BIN)/lms demo
	$(RUN_ENV) $(BIN)/lms serve --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/pytest $(PYTEST_ARGS)

# For developers after changing UI strings: refresh the template and the Chinese catalogue, then translate.
i18n-update: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o lms/translations/messages.pot --no-location --omit-header --sort-output --no-wrap .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --no-wrap --ignore-obsolete
