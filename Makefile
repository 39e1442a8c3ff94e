# 乌达党建 portal. `make run` to try it, `make test` to test it. Needs only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# The HTML checker (vnu.jar) comes from npm; without npm its tests skip, saying why.
NODE_STAMP := node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)
# Trying the portal out: DEBUG on, SQLite unless DATABASE_URL says otherwise.
DEV_ENV := DEBUG=1

.PHONY: help venv node-packages setup run test lint format check-deploy collectstatic clean

help:
	@echo "make run           set everything up and serve http://127.0.0.1:8000 with demo content"
	@echo "make setup         the same without serving"
	@echo "make test          run the whole test suite (PYTEST_ARGS=... to pass options)"
	@echo "make lint          ruff check and format check"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

node-packages:
	@if [ -f $(NODE_STAMP) ]; then :; \
	elif command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the HTML checker tests will be skipped"; fi

setup: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py create_demo_accounts

run: setup
	@echo "乌达党建: http://127.0.0.1:8000/  管理后台: http://127.0.0.1:8000/admin/"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv node-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

collectstatic: venv
	$(BIN)/python manage.py collectstatic --noinput

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
