# The two commands of the README: `make run` and `make test`. Everything else is
# reached from them or is a helper for maintainers.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= demo-ictteam
PORT ?= 8000

.PHONY: run test check lint messages install ci

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --upgrade pip
	$(PY) -m pip install --quiet --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

## Run the application with demo data on the embedded defaults (migrate also loads the
## shipped catalogue and step plan where there are none).
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite.
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

## Lint, types, migrations and the production deploy check.
check: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(PY) manage.py makemigrations --check --dry-run
	ICTTEAM_PRODUCTION=true DJANGO_DEBUG=false \
	  DJANGO_SECRET_KEY=check-only-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	  DJANGO_ALLOWED_HOSTS=ictteam.example.org DATABASE_URL=postgres://check@127.0.0.1/check \
	  CACHE_URL=redis://127.0.0.1:6379/0 REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_URL=smtp://127.0.0.1:25 \
	  $(PY) manage.py check --deploy --fail-level WARNING

## Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale nl --locale en --ignore ".venv/*" --ignore "staticfiles/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv/*"

ci:
	.ci/run
