# `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check-deploy demo clean mutation

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py createcachetable
	@if DEBUG=true $(PY) manage.py shell -c "from groups.models import Branch; import sys; sys.exit(0 if Branch.objects.exists() else 1)"; then \
		echo "The database already has data; keeping it (run 'DEBUG=true $(PY) manage.py demo' to recreate the demo)."; \
	else \
		DEBUG=true TASKS_BACKEND=database $(PY) manage.py demo; \
	fi
	@echo "Demo logins (password rollcall-demo): organiser@example.org, steward@example.org, member@example.org, supporter@example.org"
	@# Tasks due later (a meeting closing itself, automatic reminders) need a worker, not cron:
	@# the demo runs the database queue's worker beside the web server and stops it with it.
	@DEBUG=true TASKS_BACKEND=database $(PY) manage.py task_worker --no-reload --interval 5 -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true TASKS_BACKEND=database MFA_REQUIRED_FOR_ORGANISERS=false $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest

# Mutation testing, by hand (CPU heavy; see docs/TESTING.md): MODULE is a preset
# (engine, compiler, permissions, checkin) or a path; TESTS overrides the tests run.
mutation: $(VENV)/.installed-dev
	$(PY) scripts/mutation.py $(MODULE) $(if $(TESTS),--tests "$(TESTS)")

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

check-deploy: $(VENV)/.installed-run
	DEBUG=false SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-key-but-long-enough-for-django ALLOWED_HOSTS=rollcall.example.org \
		EMAIL_URL=smtp+tls://check-deploy@smtp.example.org:587 $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
