"""DATABASES: one per domain app, each process's pools, PgBouncer, and the health checks'
bounds (docs/operations.md, "Connections" and "Health"); base.py's `domain_settings` uses them."""

from typing import Any
from urllib.parse import unquote

from django.core.exceptions import ImproperlyConfigured

from common.db.cluster import Cluster
from common.environment import env
from config.settings.general import PROCESS_KIND, VAR_DIR

# DATABASES
# ------------------------------------------------------------------------------
# One database per domain (docs/architecture.md §3.1). `default` is the accounts database; it also
# holds Django's auth, contenttypes, admin log, sessions and the token blacklist.
# Each database's URL is in DATABASE_URL_<APP> (DATABASE_ENV_VARS, from `domain_settings`).
# Without it, the database is `autosalon_<app>` on the embedded PostgreSQL server, whose files
# are here and which `make run` starts (`manage.py embedded_postgres`; docs/operations.md,
# "The embedded PostgreSQL").
EMBEDDED_POSTGRES_DIR = VAR_DIR / "postgres"
# Connections (docs/operations.md, "Connections"): every process keeps a pool per database,
# sized for its kind (settings.PROCESS_KIND), so that a deployment's connections per database
# add up to the sum over its processes of their pool sizes.
# DATABASE_POOL_MAX_SIZE is the most any process keeps per database. The kinds that serve in
# threads get it: a web process (granian: one request thread) also runs the /health and
# /metrics checks in threads of their own, one per database, and one report's check may
# outlive its deadline while the next request runs; the feed's database_sync_to_async calls
# run in threads. A worker's prefork child runs one task at a time in one thread, and the
# relay and beat loop in one thread: one connection per database is all they can use.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=4)
_POOL_MAX_SIZES = {
    "web": DATABASE_POOL_MAX_SIZE,
    "ws": DATABASE_POOL_MAX_SIZE,
    "command": DATABASE_POOL_MAX_SIZE,
}
# Web and ws keep one connection per database open, so that the first request after a quiet
# spell does not wait for one. The rest keep none: a worker child, the relay, beat and a
# command touch few databases and often none, and a replica's idle connections count
# against every database's budget.
_POOL_MIN_SIZES = {"web": 1, "ws": 1}
_kind = PROCESS_KIND.upper()
DATABASE_POOL_MAX_SIZE_FOR_KIND = env.int(
    f"DATABASE_POOL_MAX_SIZE_{_kind}",
    default=_POOL_MAX_SIZES.get(PROCESS_KIND, min(1, DATABASE_POOL_MAX_SIZE)),
)
DATABASE_POOL_MIN_SIZE_FOR_KIND = env.int(
    f"DATABASE_POOL_MIN_SIZE_{_kind}",
    default=env.int("DATABASE_POOL_MIN_SIZE", default=_POOL_MIN_SIZES.get(PROCESS_KIND, 0)),
)
if not 0 <= DATABASE_POOL_MIN_SIZE_FOR_KIND <= DATABASE_POOL_MAX_SIZE_FOR_KIND >= 1:
    raise ImproperlyConfigured(
        f"Database pool of a {PROCESS_KIND} process: min_size {DATABASE_POOL_MIN_SIZE_FOR_KIND}"
        f" and max_size {DATABASE_POOL_MAX_SIZE_FOR_KIND}; expected 0 <= min <= max, max >= 1."
    )
# "pgbouncer": DATABASE_URL_* lead to PgBouncer in transaction pooling mode, which hands each
# transaction any server connection: nothing may outlive a transaction on the server side (no
# server-side cursors, no prepared statements, no session state but the parameters PgBouncer
# tracks). DATABASE_DIRECT_URL_* then lead past it, for the migrations and the relay's LISTEN.
DATABASE_POOLERS = ("pgbouncer",)
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", *DATABASE_POOLERS):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r}: expected one of {DATABASE_POOLERS} or nothing."
    )
# `manage.py migrate_all` runs one at a time (an advisory lock) and straight to PostgreSQL; a
# migration that waits this long for a table's lock behind live traffic fails instead of
# queueing every query behind it (common/management/commands/migrate_all.py).
MIGRATIONS_LOCK_TIMEOUT_SECONDS = env.float("MIGRATIONS_LOCK_TIMEOUT_SECONDS", default=10)
# One database down is one app down: a request that needs it fails within about two
# seconds with a 503, and then at once for DATABASE_RETRY_AFTER_SECONDS
# (common/db/postgresql/base.py).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=2)
# Connections above the minimum that stay idle this long are closed (psycopg_pool's default).
DATABASE_POOL_MAX_IDLE_SECONDS = env.float("DATABASE_POOL_MAX_IDLE_SECONDS", default=600)
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=5)
# On, `manage.py flush` (so every transactional test's teardown) deletes the rows instead of
# truncating the tables, a tenth of the time on tables of a few rows: the test suite turns
# it on (common/db/postgresql/base.py). Off, it truncates, as Django does.
DATABASE_FLUSH_DELETES = False
# The worker, the relay and beat touch a heartbeat file here on every turn of their loop;
# `manage.py probe <kind>` fails when it is older than LIVENESS_MAX_AGE_SECONDS
# (common/liveness.py, docs/operations.md "Health").
LIVENESS_DIR = env.str("LIVENESS_DIR", default=str(VAR_DIR / "liveness"))
LIVENESS_MAX_AGE_SECONDS = env.int("LIVENESS_MAX_AGE_SECONDS", default=60)
# `/health/components` answers within this, naming whatever has not answered as down.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.5)
# One components report answers every caller of a process for this long: a flood of calls
# opens no more connections than one call (common/ops/health.py).
READINESS_CACHE_SECONDS = env.float("READINESS_CACHE_SECONDS", default=2)


def database_config(alias: str, variable: str) -> dict[str, Any]:
    """The database of `alias`, its URL in the environment variable `variable`."""
    app = "accounts" if alias == "default" else alias
    config = _postgresql_url(
        variable, default=Cluster(EMBEDDED_POSTGRES_DIR).url(f"autosalon_{app}")
    )
    config["ENGINE"] = "common.db.postgresql"
    config["CONN_MAX_AGE"] = 0  # the pool keeps connections
    config["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        # pg_stat_activity tells whose connections they are (docs/operations.md);
        # libpq's own PGAPPNAME, when set, still wins.
        "application_name": env.str("PGAPPNAME", default=f"autosalon-{PROCESS_KIND}"),
        "pool": {
            "min_size": DATABASE_POOL_MIN_SIZE_FOR_KIND,
            "max_size": DATABASE_POOL_MAX_SIZE_FOR_KIND,
            "timeout": DATABASE_POOL_TIMEOUT,
            "max_idle": DATABASE_POOL_MAX_IDLE_SECONDS,
            # While the server is down the pool retries in the background; past this
            # it gives up and connects again on demand, as soon as the server is back.
            "reconnect_timeout": DATABASE_RETRY_AFTER_SECONDS * 6,
        },
    }
    if DATABASE_POOLER == "pgbouncer":
        # Django's own session state is the time zone (SET TIME ZONE once per connection),
        # a parameter PgBouncer tracks and sets again on every server connection it hands
        # out, as it does application_name. No server-side cursors: an `.iterator()` would
        # receive its whole result at once (the CRM export reads keyset pages instead).
        # Values are bound client-side (server_side_binding off) and nothing is prepared.
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config["OPTIONS"].update(server_side_binding=False, prepare_threshold=None)
    config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config


def _postgresql_url(variable: str, default: str | None = None) -> dict[str, Any]:
    """The PostgreSQL database that `variable` names. A Unix socket's directory is the URL's
    host, percent-encoded (postgresql://postgres@%2Frun%2Fpostgresql/name), as libpq's URLs
    write it; django-environ leaves it encoded."""
    config: dict[str, Any] = env.db_url(variable, default=default)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"{variable} names a {config['ENGINE']} database: every database is PostgreSQL "
            "(docs/architecture.md §3.1)."
        )
    config["HOST"] = unquote(config["HOST"])
    return config


def direct_database_config(variable: str) -> dict[str, Any] | None:
    """The database of `variable` (DATABASE_URL_<APP>) reached straight, past any pooler:
    DATABASE_DIRECT_URL_<APP>, or None when that is not set."""
    direct = variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")
    return _postgresql_url(direct) if env.str(direct, default="") else None


DATABASE_ROUTERS = ["common.db.databases.DomainRouter"]
