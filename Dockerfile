# Production image: granian serves HTTP (WSGI), uvicorn the WebSocket feed (ASGI), behind Caddy
# (docs/architecture.md §3.7); the same image runs the Celery worker, beat, the outbox relay and
# the one-shot `manage.py migrate_all` step (see docker-compose.yml, which says which; no
# server migrates as it starts). All configuration comes from the environment, and every
# password from a secret file it names (<VAR>_FILE); the build context leaves secrets/ out
# (.dockerignore).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# WeasyPrint's Pango and a font with Cyrillic, for the deal's documents (docs/documents.md).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are baked into the image (whitenoise serves them from var/static). The secret
# is a throw-away value: collectstatic needs settings to load, never a real key.
RUN DJANGO_SETTINGS_MODULE=config.settings.local DJANGO_SECRET_KEY=collectstatic-build-only \
    python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --create-home --uid 10001 autosalon \
    && chown -R autosalon:autosalon /app/var

USER autosalon
# The image runs on production settings (config/settings/production.py), which refuse to
# start without the secrets docker-compose.yml's env file gives them.
ENV DJANGO_SETTINGS_MODULE=config.settings.production

EXPOSE 8000

# By default the HTTP server; config/servers.py empties the metrics directory before its
# workers start (common/ops/metrics.py). The worker, the relay and beat keep their heartbeat files
# in var/liveness, which `manage.py probe <kind>` reads (their health checks).
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
CMD ["python", "-m", "config.servers", "http", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
