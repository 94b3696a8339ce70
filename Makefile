# The two set-up commands of the README: `make run` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: run worker beat test lint deps messages check-migrations lock clean serve backup-drill e2e documents-preview bench bench-smoke bench-import load-test

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The dashboards' ECharts, only the parts they use (static_src/echarts-portal.js), bundled by
# esbuild into build/static/ (served as static files, never committed): after every npm ci and
# whenever the entry file changes.
ECHARTS_BUNDLE := build/static/vendor/echarts/echarts-portal.min.js
$(ECHARTS_BUNDLE): node_modules/.installed static_src/echarts-portal.js
	npm run --silent build
	touch $@

deps: $(VENV)/.installed node_modules/.installed $(ECHARTS_BUNDLE)

run: deps
	$(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Serving http://127.0.0.1:8000/ (Ctrl-C to stop); a Celery worker beside it runs the background tasks"
	@echo "and its beat the schedules kept in the database (admin: 周期性任务)"
	mkdir -p .celery
	DEBUG=1 $(VENV)/bin/celery -A background worker --beat --loglevel warning --concurrency 1 \
	  --scheduler django_celery_beat.schedulers:DatabaseScheduler & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# A Celery worker for CELERY_BROKER_URL (docs/deploy.md): one per machine that runs tasks;
# WORKER_ARGS adds options (--concurrency 4, -Q imports, --hostname ...).
worker: deps
	$(VENV)/bin/celery -A background worker --loglevel info $(WORKER_ARGS)

# The schedule of the periodic tasks (nightly checks, reminders): exactly one per deployment. It
# reads the schedules from the database (django-celery-beat), where administrators edit them.
beat: deps
	$(VENV)/bin/celery -A background beat --loglevel info --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Production serving: PORTAL_ENV=production, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL from the
# environment (docs/deploy.md). REDIS_URL turns on the Redis cache.
serve: deps
	PORTAL_ENV=production $(PY) manage.py migrate --noinput
	PORTAL_ENV=production $(PY) manage.py collectstatic --noinput --verbosity 0
	PORTAL_ENV=production exec $(VENV)/bin/gunicorn config.wsgi:application -c gunicorn.conf.py

test: deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not e2e" $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: deps
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: deps
	cd $(CURDIR) && $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

lock: deps
	$(PY) -m pip freeze --exclude-editable | sed '1i # Full pinned lock of requirements.in: install with pip install -r requirements.txt' > requirements.txt

clean:
	rm -rf $(VENV) node_modules build db.sqlite3 media staticfiles

# Backup drill against a scratch PostgreSQL database holding the demo data (docs/reliability.md).
PG_ADMIN_URL ?= postgres://root@127.0.0.1:5432/postgres
DRILL_URL ?= postgres://root@127.0.0.1:5432/portal_drill
backup-drill: deps
	psql "$(PG_ADMIN_URL)" -X -q -c 'DROP DATABASE IF EXISTS portal_drill WITH (FORCE)' -c 'CREATE DATABASE portal_drill'
	DATABASE_URL=$(DRILL_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(DRILL_URL) PORTAL_DEMO=1 $(PY) manage.py load_demo > /dev/null
	DATABASE_URL=$(DRILL_URL) $(PY) scripts/backup_drill.py

# The report documents as an evaluator opens them: PNGs of their first pages in
# test-artifacts/documents/, the Word files converted by LibreOffice when soffice is installed
# (apt-get install libreoffice-writer-nogui); without it, says so and renders the PDF only.
documents-preview: deps
	$(PY) scripts/documents_preview.py

# Browser journeys: Playwright driving Debian's Chromium (apt-get install chromium).
e2e: deps
	$(PY) -m pytest -m e2e tests/e2e -p no:xdist $(PYTEST_ARGS)

# Scale benchmarks against a generated network (docs/performance.md); bench-smoke is CI's small run.
bench: deps
	$(PY) benchmarks/run.py $(BENCH_ARGS)

bench-smoke: deps
	$(PY) benchmarks/run.py --smoke

# A 50,000-row ledger through the real import path (issue 8); DATABASE_URL picks the database.
bench-import: deps
	$(PY) benchmarks/import_ledger.py $(BENCH_ARGS)

# Load and fault test: gunicorn and PostgreSQL on loopback, 120 s of mixed traffic (docs/reliability.md).
load-test: deps
	$(PY) scripts/load_fault.py $(LOAD_ARGS)
