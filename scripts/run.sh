#!/usr/bin/env bash
# Start the whole system: migrate every database, load demo data, serve HTTP and WebSocket.
# In services mode (REDIS_URL and the DATABASE_URL_* variables set, e.g. in .env) a Celery
# worker and beat start too. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Every absolute link the system sends (the e-mails', the payments' return address) is made
# from SITE_URL: this server's own address unless the environment names another.
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}

scripts/ensure_documents_packages.sh

children=()
cleanup() {
  [ ${#children[@]} -eq 0 ] || kill "${children[@]}" 2>/dev/null || true
  [ ${#children[@]} -eq 0 ] || wait "${children[@]}" 2>/dev/null || true
  # The embedded PostgreSQL stops with the rest; its files stay for the next start.
  "$PYTHON" manage.py embedded_postgres stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Without DATABASE_URL_*, every database is on the embedded PostgreSQL server, under var/:
# made on the first run, started now (docs/operations.md, "The embedded PostgreSQL").
"$PYTHON" manage.py embedded_postgres start
echo "Migrating the databases..."
"$PYTHON" manage.py migrate_all
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

mode=$("$PYTHON" manage.py shell --no-imports --verbosity 0 -c "from django.conf import settings; print('services' if settings.SERVICES_MODE else 'embedded')")
if [ "$mode" = services ]; then
  # Warnings only: their INFO lines would bury the banner below.
  "$PYTHON" -m celery -A config worker --loglevel=WARNING --concurrency=2 &
  children+=($!)
  "$PYTHON" -m celery -A config beat --loglevel=WARNING &
  children+=($!)
  # Publishes each event as its transaction commits (docs/operations.md, "Events: published
  # by the relay").
  "$PYTHON" manage.py events_relay --follow --verbosity 0 &
  children+=($!)
fi

# With its progress (the orders seeded so far); the first run makes ninety days of history
# (docs/operations.md, "Demo data"), unless DEMO_HISTORY=0; later runs add nothing.
echo "Loading the demo data (the first run makes ninety days of history, about a minute)..."
seed_args=(--verbosity 1)
[ "${DEMO_HISTORY:-1}" = 0 ] && seed_args+=(--no-history)
"$PYTHON" manage.py seed_demo "${seed_args[@]}"
url=http://$HOST:$PORT
cat <<INFO

Autosalon is running in $mode mode on $url
  Storefront    $url/
  Developers    $url/developers/
  API           $url/api/v1/
  Swagger UI    $url/api/docs/
  ReDoc         $url/api/redoc/
  Admin         $url/admin/
  Dashboard     $url/dashboard/orders/
  WebSocket     ws://$HOST:$PORT/ws/orders/  (a ticket from POST /api/v1/auth/ws-ticket)
  Health        $url/health  and  $url/health/ready  and  $url/health/components
  Metrics       $url/metrics
Demo logins (role, e-mail / password):
INFO
"$PYTHON" manage.py shell --no-imports --verbosity 0 -c "
from accounts.demo import DEMO_USERS
for user in DEMO_USERS:
    print(f\"  {user['role']:<8} {user['email']} / {user['password']}\")"
echo

# /metrics sums every worker's counters, kept in files here (common/ops/metrics.py); the server
# empties it of the last run's before any worker starts (config/servers.py).
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-${AUTOSALON_VAR_DIR:-var}/prometheus}

if [ "$mode" = services ]; then
  # As in production (docs/architecture.md §3.7): granian serves HTTP (WSGI), uvicorn
  # the WebSocket feed (ASGI), and Caddy both on the one URL above.
  scripts/ensure_package.sh caddy caddy "the site's proxy"
  HTTP_PORT=${HTTP_PORT:-$((PORT + 1))}
  WS_PORT=${WS_PORT:-$((PORT + 2))}
  # The app believes X-Forwarded-For from Caddy and from the TLS terminators in front of it
  # (TRUSTED_PROXIES, none by default); Caddy from those terminators only (docs/security.md).
  terminators=${TRUSTED_PROXIES:-}
  export TRUSTED_PROXIES="127.0.0.1 $terminators"
  "$PYTHON" -m config.servers http --host 127.0.0.1 --port "$HTTP_PORT" --workers "${WEB_CONCURRENCY:-2}" &
  children+=($!)
  "$PYTHON" -m config.servers ws --host 127.0.0.1 --port "$WS_PORT" &
  children+=($!)
  TRUSTED_PROXIES="$terminators" "$PYTHON" -m config.servers proxy --site "$url" --http "127.0.0.1:$HTTP_PORT" --ws "127.0.0.1:$WS_PORT" &
  children+=($!)
else
  # Embedded mode: one process for HTTP and WebSocket, as the in-memory channel layer only
  # reaches the sockets of the process that pushes.
  "$PYTHON" -m config.servers all --host "$HOST" --port "$PORT" &
  children+=($!)
fi
wait -n "${children[@]}"
