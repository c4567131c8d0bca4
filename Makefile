# Secondo: two commands matter on a fresh machine, `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo and the default suite run on SQLite; set DATABASE_URL for PostgreSQL.

.PHONY: install demo serve migrate seed frontend frontend-deps frontend-test api-types test lint typecheck schema pytest bench smoke deploy-check clean

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend-deps: frontend/node_modules/.package-lock.json

# The web app, built into frontend/dist (Django serves it at /).
frontend: frontend-deps
	cd frontend && npm run build

# The typed API client is generated from the schema: regenerate both after an API change.
api-types: install frontend-deps
	DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py spectacular --format openapi-json --file frontend/openapi.json
	cd frontend && npm run gen:api

# Fails when frontend/openapi.json or src/api/schema.d.ts is stale (run `make api-types`); then type-check and vitest.
frontend-test: install frontend-deps
	@tmp=$$(mktemp -d) && \
	DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py spectacular --format openapi-json --file $$tmp/openapi.json && \
	(cmp -s $$tmp/openapi.json frontend/openapi.json || (echo "frontend/openapi.json is stale: run make api-types"; exit 1)) && \
	(cd frontend && npx openapi-typescript openapi.json -o $$tmp/schema.d.ts --silent) && \
	(cmp -s $$tmp/schema.d.ts frontend/src/api/schema.d.ts || (echo "frontend/src/api/schema.d.ts is stale: run make api-types"; exit 1)) && \
	rm -rf $$tmp
	cd frontend && npm run typecheck && npm test

demo: seed frontend
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

schema: install
	DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: install
	$(VENV)/bin/pytest

# The build comes before pytest: the browser tests (tests/e2e) drive the built web app in frontend/dist.
test: lint typecheck schema frontend-test frontend
	$(MAKE) --no-print-directory pytest

# The production settings pass Django's deployment checklist (dummy secrets; tests/core/test_deploy.py does it too).
deploy-check: install
	DJANGO_SETTINGS_MODULE=backend.settings.production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=secondo.example.org $(PY) manage.py check --deploy --fail-level WARNING

# gunicorn and a Celery worker with the production settings on the local PostgreSQL and Redis: an invoice run
# through the worker, /healthz, a clean stop (.ci/smoke.py).
smoke: install
	$(PY) .ci/smoke.py

# Every bench/bench_*.py; figures only. bench_pdf.py compares with wkhtmltopdf (installed here if possible, else skipped);
# bench_invoicing.py also runs on PostgreSQL when BENCH_DATABASE_URL or DATABASE_URL is a postgres:// URL;
# bench_dashboard.py (2M entries by seed_volume) runs only there and says so otherwise.
bench: install
	@command -v wkhtmltopdf >/dev/null || (apt-get update -qq && apt-get install -y -qq wkhtmltopdf) \
		|| echo "bench: wkhtmltopdf could not be installed; bench_pdf.py says so and skips the comparison"
	@if ls bench/*.py >/dev/null 2>&1; then for b in bench/bench_*.py; do $(PY) $$b || exit 1; done; else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles frontend/dist frontend/node_modules
