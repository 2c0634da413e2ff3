# The two commands of the quick start are `make run` and `make test`; both install what they need.
SHELL := /bin/bash
PORT ?= 3000
ENV := source ./env.sh &&

.PHONY: run dev test lint format migrate seed setup setup-dev worker bench messages

setup:
	@./scripts/setup.sh requirements.txt

setup-dev:
	@./scripts/setup.sh requirements-dev.txt

migrate: setup
	@$(ENV) alembic upgrade head

seed: migrate
	@$(ENV) python -m eventpalour.seed

## Production build on one port (pages, /api, websocket) with the built-in sandboxes.
run: seed
	@$(ENV) reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

## Hot reload: pages on :3000, backend and /api on :8000.
dev: seed
	@$(ENV) API_URL=$${API_URL:-http://localhost:8000} reflex run --env dev --frontend-port 3000 --backend-port 8000

## Separate outbox worker (set OUTBOX_WORKER=external on the web processes).
worker: migrate
	@$(ENV) python -m eventpalour.worker

test: setup-dev
	@./scripts/test-browser-deps.sh
	@./scripts/test.sh

## Every benchmark in bench/ on PostgreSQL + Redis, the app in production mode with 4 workers;
## the figures go into docs/performance.md.
bench: setup-dev
	@./scripts/test-browser-deps.sh
	@./scripts/bench.sh

lint: setup-dev
	@$(ENV) ruff check . && ruff format --check . && python scripts/status_literals.py && python scripts/package_imports.py

format: setup-dev
	@$(ENV) ruff check --fix . && ruff format .

## Extract every t()/gettext()/N_() text into the template and merge it into the Kiswahili and French
## catalogs (new texts arrive untranslated: fill them in eventpalour/locale/*/LC_MESSAGES/messages.po).
messages: setup-dev
	@$(ENV) pybabel extract -F babel.cfg --no-default-keywords -k t -k _t -k _ -k N_ -k NC_:1c,2 -k gettext:2 -k page:2 -k admin_page:2 --no-location \
		--omit-header -o eventpalour/locale/messages.pot . && \
		pybabel update -i eventpalour/locale/messages.pot -d eventpalour/locale --no-fuzzy-matching --ignore-obsolete
