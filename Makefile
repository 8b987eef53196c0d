# Vaksam: `make run` serves the demo, `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app app
DEMO_ENV := DEMO_MODE=1

.PHONY: run test test-deps translations extract-messages bench clean lock lint

# The lock files pin every package with its hashes (pip-tools); `make lock` rewrites them from the
# ranges in requirements.txt and requirements-dev.txt.
LOCK := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

$(VENV)/.stamp-runtime: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade 'pip>=24'
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.stamp-dev: requirements-dev.lock $(VENV)/.stamp-runtime
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

lock: $(VENV)/.stamp-dev
	$(LOCK) -o requirements.lock requirements.txt
	$(LOCK) -o requirements-dev.lock requirements-dev.txt

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(PY) -m scripts.layout --quiet

translations: $(VENV)/.stamp-runtime
	$(VENV)/bin/pybabel -q compile --use-fuzzy -d translations

extract-messages: $(VENV)/.stamp-runtime
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

run: $(VENV)/.stamp-runtime translations
	$(DEMO_ENV) $(FLASK) db upgrade
	$(DEMO_ENV) $(FLASK) demo load
	$(DEMO_ENV) $(FLASK) demo serve

test-deps:
	bash scripts/install-test-deps.sh

# Lint first (seconds), then the suite, so pytest's summary is the last line.
test: test-deps $(VENV)/.stamp-dev translations
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -n 2 --dist loadfile

# The benchmark scripts (the other modules in bench/ are their shared helpers).
BENCHMARKS := directory_sync training reminders outbox invites retention login_timing pages load

bench: $(VENV)/.stamp-dev
	@for b in $(BENCHMARKS); do echo "== bench/$$b.py"; $(PY) bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
