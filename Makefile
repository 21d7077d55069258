# The two commands of README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FIXTURES = $(sort $(wildcard fixtures/*.json))

.PHONY: run test setup system-deps test-deps lint format messages client client-check

run: setup  ## Set up and run on SQLite with demo data at http://127.0.0.1:8000, and one task worker
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata $(FIXTURES)
	$(BIN)/python manage.py demo_login
	$(BIN)/python manage.py demo_submissions
	@# The worker sends the crisis team's alerts: printed here (console mail) as they go out.
	export CRISIS_TEAM_EMAILS="$${CRISIS_TEAM_EMAILS:-crisis-team@example.org}"; \
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: test-deps setup  ## Lint, then the whole test suite (on PostgreSQL when DATABASE_URL says so)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest
	$(MAKE) --no-print-directory client-check

client: test-deps setup  ## Regenerate clients/openapi.yaml and the TypeScript types after an API change
	VENV=$(VENV) ./scripts/check-client.sh --update

client-check: test-deps setup  ## Fail when clients/ differs from what the API generates now
	VENV=$(VENV) ./scripts/check-client.sh

setup: system-deps $(VENV)/.installed  ## Install, compile the translations (*.mo is not committed), build the sheets' font
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0
	$(BIN)/python manage.py sheet_font --if-missing

messages: setup  ## Update locale/*/django.po from the code and templates, then translate what is new
	$(BIN)/python manage.py makemessages --all --no-obsolete -i '.venv/*' -i 'build/*' -i 'clients/*'

system-deps:  ## The Debian packages the service needs: fonts, HarfBuzz, gettext
	./scripts/system-deps.sh run

test-deps:  ## And those only the tests need: poppler, Chromium, Node.js
	./scripts/system-deps.sh test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
