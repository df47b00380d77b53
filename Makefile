# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

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
	$(BIN)/lms init-db
	$(BIN)/lms demo
	$(BIN)/lms serve

test: $(VENV)/.installed-test translations
	$(BIN)/pytest $(PYTEST_ARGS)

# For developers after changing UI strings: refresh the template and the Chinese catalogue, then translate.
i18n-update: | $(BIN)/python
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o lms/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching
