# UnionPortal — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000

.PHONY: run test lint format audit bench messages check-deploy clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

## Start the portal: web server, Celery worker and beat (Ctrl-C stops all).
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	SITE_URL=$${SITE_URL:-http://$${HOST:-127.0.0.1}:$(PORT)} $(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) scripts/devrun.py

## Run the whole test suite.
test: $(VENV)/.installed-test
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Recompile translations after editing a .po file (needs GNU gettext).
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=unionportal.settings.production DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(PY) manage.py check --deploy --fail-level WARNING

## Benchmarks on PostgreSQL, gunicorn and wrk (not part of `make test`): tests/bench/README.md.
bench: $(VENV)/.installed-test
	command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| (apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1) \
		|| echo "wrk is not installed: the Python load generator is used instead."
	$(PY) tests/bench/run.py

## Security audit: pip-audit (known vulnerabilities in pinned dependencies) and bandit (our code).
AUDIT_VENV := var/audit-venv
audit: requirements-audit.txt
	test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet -r requirements-audit.txt
	$(AUDIT_VENV)/bin/python scripts/audit.py

clean:
	rm -rf $(VENV) var
