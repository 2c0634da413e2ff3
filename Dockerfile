# syntax=docker/dockerfile:1
# EventPalour's production image (docs/deploy.md, "Containers"). Two stages:
#  build: the same steps as a bare machine (scripts/setup.sh: the venv and Python packages from PyPI,
#         bun and Node 22 from npm), then the Reflex frontend built once in production mode
#         (`reflex export --frontend-only`). The pages embed the public URL and the platform's name,
#         so those are build arguments: change them, rebuild (`docker compose build`).
#  app:   Python, the venv and the built pages only (no bun, Node or compilers), run as a non-root
#         user; `python -m eventpalour.serve` serves pages, /api and the websocket on BACKEND_PORT with
#         GRANIAN_WORKERS processes, `python -m eventpalour.worker` is the background worker and
#         `alembic upgrade head` the migrations (compose.yaml runs each as its own service).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# npm only fetches the pinned toolchain packages (package.json); Debian's own Node is never run by Reflex.
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt package.json package-lock.json env.sh ./
COPY scripts/setup.sh scripts/setup.sh
RUN ./scripts/setup.sh requirements.txt
COPY . .
ARG APP_URL=http://localhost
ARG PLATFORM_NAME=EventPalour
ARG SUPPORT_EMAIL=support@eventpalour.demo
ARG LEGAL_ENTITY="EventPalour Ltd"
# The browser reaches the websocket and /api at APP_URL (one origin, behind the proxy).
RUN . ./env.sh \
    && APP_URL="$APP_URL" API_URL="$APP_URL" PLATFORM_NAME="$PLATFORM_NAME" SUPPORT_EMAIL="$SUPPORT_EMAIL" \
       LEGAL_ENTITY="$LEGAL_ENTITY" reflex export --frontend-only --no-zip --env prod \
    && rm -rf .web/node_modules

FROM ${PYTHON_IMAGE} AS app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    BACKEND_PORT=8000 \
    FRONTEND_PORT=8000 \
    DATA_DIR=/app/data
RUN groupadd --system --gid 10001 eventpalour \
    && useradd --system --uid 10001 --gid eventpalour --home-dir /app --no-create-home eventpalour
WORKDIR /app
COPY --from=build /app/.venv .venv
COPY --from=build /app/eventpalour eventpalour
COPY --from=build /app/alembic alembic
COPY --from=build /app/alembic.ini /app/rxconfig.py ./
COPY --from=build /app/assets assets
COPY --from=build --chown=eventpalour:eventpalour /app/.web .web
# Uploads and the sign-in sandbox's key live under DATA_DIR (a volume in compose.yaml); .states holds
# Reflex's page state when no REDIS_URL is set (a single container tried out alone).
RUN mkdir -p /app/data /app/.states && chown eventpalour:eventpalour /app/data /app/.states
USER eventpalour
EXPOSE 8000
# /api/health answers 200 once the database (and Redis) answer and the schema is at the latest migration.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ['BACKEND_PORT'], timeout=4)"]
CMD ["python", "-m", "eventpalour.serve"]
