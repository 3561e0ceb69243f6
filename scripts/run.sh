#!/usr/bin/env bash
# Start the whole system: migrate every database, load demo data, serve HTTP and WebSocket.
# In services mode (REDIS_URL and the DATABASE_URL_* variables set, e.g. in .env) a Celery
# worker and beat start too. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$PYTHON" manage.py migrate_all
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

children=()
cleanup() { [ ${#children[@]} -eq 0 ] || kill "${children[@]}" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mode=$("$PYTHON" manage.py shell --no-imports --verbosity 0 -c "from django.conf import settings; print('services' if settings.SERVICES_MODE else 'embedded')")
if [ "$mode" = services ]; then
  # Warnings only: their INFO lines would bury the banner below.
  "$PYTHON" -m celery -A config worker --loglevel=WARNING --concurrency=2 &
  children+=($!)
  "$PYTHON" -m celery -A config beat --loglevel=WARNING &
  children+=($!)
fi

"$PYTHON" manage.py seed_demo --verbosity 0
url=http://$HOST:$PORT
cat <<INFO

Autosalon is running in $mode mode on $url
  Start here    $url/
  API           $url/api/v1/
  Swagger UI    $url/api/docs/
  ReDoc         $url/api/redoc/
  Admin         $url/admin/
  Dashboard     $url/dashboard/orders/
  WebSocket     ws://$HOST:$PORT/ws/orders/  (a ticket from POST /api/v1/auth/ws-ticket)
  Health        $url/health  and  $url/health/ready
  Metrics       $url/metrics
Demo logins (role, e-mail / password):
INFO
"$PYTHON" manage.py shell --no-imports --verbosity 0 -c "
from accounts.demo import DEMO_USERS
for user in DEMO_USERS:
    print(f\"  {user['role']:<8} {user['email']} / {user['password']}\")"
echo

# /metrics sums every uvicorn worker's counters, kept in files here (config/metrics.py). The
# files of the last run go first, before any worker starts.
metrics_dir=${PROMETHEUS_MULTIPROC_DIR:-${AUTOSALON_VAR_DIR:-var}/prometheus}
mkdir -p "$metrics_dir"
rm -f "$metrics_dir"/*.db

PROMETHEUS_MULTIPROC_DIR=$metrics_dir \
  "$PYTHON" -m uvicorn config.asgi:application --host "$HOST" --port "$PORT" --no-access-log \
    --no-proxy-headers --lifespan off &
children+=($!)
wait "${children[-1]}"
