"""Settings for Autosalon.

Everything comes from the environment (see `.env.example`). With nothing set the project
runs embedded: one SQLite file per database alias under `var/`, an in-memory channel layer,
Celery tasks executed eagerly and e-mail printed to the console. Setting the six
`DATABASE_URL_*` variables and `REDIS_URL` switches to services mode: PostgreSQL per alias,
Redis for the cache, the channel layer and the Celery broker.
"""

import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import django_stubs_ext
import environ
from corsheaders.defaults import default_headers as cors_default_headers
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

from common.registry import PeriodicJob, declaration
from config.process_kind import process_kind

# Django's generic classes (QuerySet[Model], Field[...]) subscriptable at run time, as the
# annotations the type checker reads use them (pyproject.toml, [tool.mypy]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class _SecretFiles(environ.FileAwareMapping):
    """Any variable may instead be read from a file named by <VARIABLE>_FILE (a Docker or
    Kubernetes secret), so that no secret shows in the process's environment; the file's
    final newline is not part of the value. JWT_PRIVATE_KEY_FILE is a setting of its own
    (the signing key's path, read when a token is signed: common/jwtkeys.py)."""

    OWN_FILE_SETTINGS = frozenset({"JWT_PRIVATE_KEY"})

    def __getitem__(self, key):
        if key in self.OWN_FILE_SETTINGS:
            return self.env[key]
        value = super().__getitem__(key)
        return value.removesuffix("\n") if self.env.get(f"{key}_FILE") else value


class _Env(environ.Env):
    ENVIRON = _SecretFiles()


env = _Env()
# Values already in the environment win over the file.
ENV_FILE = Path(os.environ.get("AUTOSALON_ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

VAR_DIR = Path(env.str("AUTOSALON_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# GENERAL
# ------------------------------------------------------------------------------
# web, ws, worker, relay, beat or command: sizes the database pools and names every
# connection `autosalon-<kind>` (config/process_kind.py, docs/operations.md "Connections").
PROCESS_KIND = process_kind(sys.argv)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# For development only: production.py refuses it.
DEFAULT_SECRET_KEY = "embedded-development-key-change-me-in-every-real-deployment-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# This site's address, which every absolute link it sends is made from: the e-mails' links,
# the payment provider's return address, Google's callback. `make run` sets it from HOST and
# PORT (scripts/run.sh); a deployment names its public https:// address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# A refused CSRF check: a 403 `csrf_failed` in the envelope under /api/, Django's page
# elsewhere (docs/security.md, "CSRF").
CSRF_FAILURE_VIEW = "common.views.csrf_failure"
LANGUAGE_CODE = "en"
# The admin and the pages speak English and Russian (locale/); the API speaks English.
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# The dealership's language: what its e-mails to a person who has chosen none are written in
# (docs/admin.md, "Languages"). A buyer who registers from a browser keeps its language.
DEALERSHIP_LANGUAGE = env.str("DEALERSHIP_LANGUAGE", default="ru")
LOCALE_PATHS = [BASE_DIR / "locale"]
# The dealership's own time zone: opening hours are read in it, dates such as "today" are its
# dates, and the API and the admin show times in it. Storage stays UTC (USE_TZ).
DEALERSHIP_TIME_ZONE = env.str("DEALERSHIP_TIME_ZONE", default="Europe/Moscow")
TIME_ZONE = DEALERSHIP_TIME_ZONE
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long the storefront keeps a rendered fragment that no stock figure is in (a car's
# gallery and specification), keyed by what changes it (docs/storefront.md, "Caching").
STOREFRONT_FRAGMENT_SECONDS = env.int("STOREFRONT_FRAGMENT_SECONDS", default=600)
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# APPS
# ------------------------------------------------------------------------------
# The registry of domain apps: this list names them, and each one's AppConfig (a
# common.registry.DomainAppConfig) declares the rest. INSTALLED_APPS, the databases, the
# router's map and the beat schedule follow from it (`domain_settings`, below); a settings
# module that adds an app calls that again (docs/adding-an-app.md).
DOMAIN_APPS = [
    "accounts",
    "catalog",
    "orders",
    "payments",
    "financing",
    "insurance",
    "showroom",
    "crm",
    "integrations",
    "documents",
    "notifications",
    "tradein",
]
FRAMEWORK_APPS = [
    "common.apps.AdminConfig",  # Django's admin on the Autosalon site (common/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_prometheus",
    "corsheaders",
    "csp",
    "phonenumber_field",
    "import_export",
    "rangefilter",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "common.middleware.RequestIdMiddleware",
    "common.logging.AccessLogMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "common.exceptions.ServiceUnavailableMiddleware",
    "common.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language a user chose (the admin's switch, a cookie), else the browser's; the
    # API's is its Accept-Language's, else English (docs/api.md, "Languages").
    "common.middleware.PageLocaleMiddleware",
    # An API path in its other trailing-slash form is served as the declared one.
    "common.middleware.ApiSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language first; it needs `request.user`.
    "common.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A list's unknown query parameter is a 400 naming it (docs/api.md, "Lists").
    "common.filters.UnknownQueryParametersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASES
# ------------------------------------------------------------------------------
# One database per domain (docs/architecture.md §3.1). `default` is the accounts database; it also
# holds Django's auth, contenttypes, admin log, sessions and the token blacklist.
# Each database's URL is in DATABASE_URL_<APP> (DATABASE_ENV_VARS, from `domain_settings`).
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
# (common/postgresql/base.py).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=2)
# Connections above the minimum that stay idle this long are closed (psycopg_pool's default).
DATABASE_POOL_MAX_IDLE_SECONDS = env.float("DATABASE_POOL_MAX_IDLE_SECONDS", default=600)
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=5)
# On, `manage.py flush` (so every transactional test's teardown) deletes the rows instead of
# truncating the tables, a tenth of the time on tables of a few rows: the test suite turns
# it on (common/postgresql/base.py). Off, it truncates, as Django does.
DATABASE_FLUSH_DELETES = False
# The worker, the relay and beat touch a heartbeat file here on every turn of their loop;
# `manage.py probe <kind>` fails when it is older than LIVENESS_MAX_AGE_SECONDS
# (common/liveness.py, docs/operations.md "Health").
LIVENESS_DIR = env.str("LIVENESS_DIR", default=str(VAR_DIR / "liveness"))
LIVENESS_MAX_AGE_SECONDS = env.int("LIVENESS_MAX_AGE_SECONDS", default=60)
# `/health/components` answers within this, naming whatever has not answered as down.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.5)
# One components report answers every caller of a process for this long: a flood of calls
# opens no more connections than one call (common/health.py).
READINESS_CACHE_SECONDS = env.float("READINESS_CACHE_SECONDS", default=2)


def _database(alias: str, variable: str) -> dict[str, Any]:
    file_name = "accounts" if alias == "default" else alias
    config = env.db_url(variable, default=f"sqlite:///{VAR_DIR / f'{file_name}.sqlite3'}")
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "common.postgresql"
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
    else:
        config["OPTIONS"] = {"timeout": 20}
    return config


DATABASE_ROUTERS = ["common.databases.DomainRouter"]

# REDIS, CACHE, CHANNELS
# ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
SERVICES_MODE = bool(REDIS_URL)

if SERVICES_MODE:
    _redis_cache = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "autosalon",
        # Redis down is degraded, not hung: every call gives up after a second.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {
        "default": {"BACKEND": "common.cache.SharedClientRedisCache", **_redis_cache},
        # Rate-limit counters, shared by every process; counted locally while Redis is down.
        "ratelimit": {"BACKEND": "common.cache.FallbackRedisCache", **_redis_cache},
    }
    # Redis pub/sub: a push is one PUBLISH, fanned out to the sockets by each server process.
    # At most once, the channel layer's contract (docs/architecture.md §3.5). Pub/sub channels are
    # shared by every Redis database, so the prefix names the database in use.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": f"autosalon{urlsplit(REDIS_URL).path.replace('/', '.')}",
            },
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# CELERY
# ------------------------------------------------------------------------------
# Redis (redis://, the default in services mode) or RabbitMQ (amqp://, as docker-compose.yml
# runs it): docs/operations.md, "Brokers".
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not SERVICES_MODE
# Eager tasks behave like real ones: retries, then on_failure (dead letters), no exception
# thrown into the code that enqueued them.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through Django's LOGGING (config/celery.py), not a format of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A request that commits while the broker is down must not hang: its events stay in the
# outbox and the relay sends them later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# No task runs longer than this: the worker kills it (and a charge attempt that was under
# way is known to be over after it, payments.services.payments).
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=120)
# The longest countdown any task is given, so the longest a task waits on a worker before
# it runs: the event delivery's retry back-off is capped at it (common.tasks); payments'
# retries (PAYMENTS_RETRY_SECONDS, 15 s), financing's (30 s) and the fake lender's check
# (FAKE_LENDER_DISBURSE_AFTER_SECONDS, 60 s) wait less.
CELERY_LONGEST_COUNTDOWN = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # On Redis, a task taken by a worker that died without acknowledging it goes back to the
    # queue after this long (acks_late: the worker acknowledges only when the task is done).
    # A live task stays unacknowledged through its countdown (a worker holds a task with a
    # countdown until it is due) and then its run, so anything shorter hands a live task to
    # a second worker: 300 s + 120 s + a minute's margin = 480 s (docs/operations.md,
    # "Timeouts derived from task bounds"). A dead worker's payment does not wait for it:
    # the payments sweep settles it (PAYMENTS_PENDING_SWEEP_AFTER_SECONDS).
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=CELERY_LONGEST_COUNTDOWN + CELERY_TASK_TIME_LIMIT + 60
    ),
}
if CELERY_BROKER_URL.startswith(("amqp://", "pyamqp://", "amqps://")):
    # RabbitMQ keeps its queues durable and redelivers an unacknowledged task when the
    # worker's connection drops, without a visibility timeout; a publish returns once the
    # broker has confirmed it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "confirm_publish": True}
# How often beat runs the outbox relay (publish, confirm, redeliver), and the relay process
# its sweep.
EVENTS_RELAY_INTERVAL_SECONDS = env.float("EVENTS_RELAY_INTERVAL_SECONDS", default=10)
# The least time between two publications from one database: under load the relay gathers
# what commits in between into one claim; an idle relay publishes at once (docs/operations.md,
# "Events: published by the relay").
EVENTS_RELAY_BATCH_INTERVAL_SECONDS = env.float("EVENTS_RELAY_BATCH_INTERVAL_SECONDS", default=0.02)


def _direct_database(variable: str) -> dict[str, Any] | None:
    direct = variable.replace("DATABASE_URL_", "DATABASE_DIRECT_URL_")
    return env.db_url(direct) if env.str(direct, default="") else None


def _periodic_job(job: PeriodicJob) -> dict[str, str | float]:
    seconds = env.float(job.setting, default=job.seconds) if job.setting else job.seconds
    return {"task": job.task, "schedule": float(seconds)}


def domain_settings(domain_apps: list[str]) -> dict[str, object]:
    """The settings that follow from the domain apps' declarations (common/registry.py):
    INSTALLED_APPS; DATABASE_ENV_VARS and DATABASES, a database per alias an app declares,
    its URL in DATABASE_URL_<APP>; DATABASES_DIRECT (DATABASE_DIRECT_URL_<APP>: where the
    relay LISTENs and the migrations run, past any pooler; common.databases); APP_DATABASES,
    the router's map; and CELERY_BEAT_SCHEDULE, the relay's entry and every app's jobs."""
    declared = [declaration(app) for app in domain_apps]
    variables = {config.alias(): config.database_variable() for config in declared}
    return {
        "INSTALLED_APPS": [
            *FRAMEWORK_APPS,
            "common",
            *[f"{config.__module__}.{config.__qualname__}" for config in declared],
            "backoffice.apps.BackofficeConfig",  # the dashboard's figures listen to the domain events
            "demo.apps.DemoConfig",  # `manage.py seed_demo`
            "storefront.apps.StorefrontConfig",  # the buyers' website: no database of its own
        ],
        "DATABASE_ENV_VARS": variables,
        "DATABASES": {alias: _database(alias, variable) for alias, variable in variables.items()},
        "DATABASES_DIRECT": {alias: _direct_database(v) for alias, v in variables.items()},
        "APP_DATABASES": {config.name: config.alias() for config in declared},
        "CELERY_BEAT_SCHEDULE": {
            "events-relay": {
                "task": "common.tasks.events_relay_task",
                "schedule": EVENTS_RELAY_INTERVAL_SECONDS,
            },
            **{job.name: _periodic_job(job) for config in declared for job in config.periodic_jobs},
        },
    }


# Set by `domain_settings` below, through globals(); declared here for the type checker.
INSTALLED_APPS: list[str]
DATABASE_ENV_VARS: dict[str, str]
DATABASES: dict[str, dict[str, Any]]
DATABASES_DIRECT: dict[str, dict[str, Any] | None]
APP_DATABASES: dict[str, str]
CELERY_BEAT_SCHEDULE: dict[str, dict[str, str | float]]
globals().update(domain_settings(DOMAIN_APPS))
# One schedule however many beats run (config/beat.py, docs/operations.md "Beat: one
# schedule"): celery-redbeat keeps it in REDIS_URL's database with a lock; the beat holding
# the lock sends, renewing it on every tick (at least every BEAT_MAX_LOOP_INTERVAL seconds)
# and before each send. When the holder dies, a standby takes over within LOCK_TIMEOUT +
# MAX_LOOP_INTERVAL seconds (12 s, about one relay interval). Embedded mode runs no beat.
if SERVICES_MODE:
    CELERY_BEAT_SCHEDULER = "config.beat:BeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    # The keys live in REDIS_URL's database: each database (each test run's) has a schedule
    # of its own; two deployments sharing one database set prefixes of their own.
    CELERY_REDBEAT_KEY_PREFIX = env.str("CELERY_REDBEAT_KEY_PREFIX", default="autosalon:beat:")
    CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("CELERY_BEAT_MAX_LOOP_INTERVAL", default=2)
    # Well above the longest pause between two renewals: one loop interval, or one send to a
    # broker that does not answer (two connection timeouts, CELERY_TASK_PUBLISH_RETRY_POLICY).
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("CELERY_REDBEAT_LOCK_TIMEOUT", default=10)
    # Redis down: beat retries for a lock timeout, then exits (its orchestrator restarts it).
    CELERY_REDBEAT_REDIS_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "retry_period": CELERY_REDBEAT_LOCK_TIMEOUT,
    }

# EVENTS
# ------------------------------------------------------------------------------
# Ten retries with the default back-off span about half an hour.
EVENTS_MAX_RETRIES = env.int("EVENTS_MAX_RETRIES", default=10)
# The keys that sign every event the relay hands to the workers, which act on no message
# without a valid signature (common/events/signing.py, docs/events.md, "Signed hand-over").
# Comma-separated: the first signs, all verify (put a new key first to rotate). Only the
# relay and the workers need them; production refuses the development default.
DEFAULT_EVENTS_SIGNING_KEY = "embedded-development-events-key-change-me-0123456789"
EVENTS_SIGNING_KEYS = env.list("EVENTS_SIGNING_KEYS", default=[DEFAULT_EVENTS_SIGNING_KEY])
# The kinds of process (config/process_kind.py) that hand events to the workers, or act on
# them: in production only they hold the keys.
EVENTS_SIGNING_KINDS = ("relay", "worker")
# RabbitMQ publication of every event (common/events/amqp.py, docs/events.md): on when set,
# e.g. amqp://guest:guest@127.0.0.1:5672//. Events go to the durable topic exchange
# EVENTS_AMQP_EXCHANGE with their type as the routing key.
EVENTS_AMQP_URL = env.str("EVENTS_AMQP_URL", default="")
EVENTS_AMQP_EXCHANGE = env.str("EVENTS_AMQP_EXCHANGE", default="autosalon.events")
# Kafka publication of every event (common/events/kafka.py, docs/events.md, "Kafka"): on when
# set, e.g. 127.0.0.1:9092 (comma-separated brokers). One topic per aggregate, the prefix
# and the event type's first part (`autosalon.order`), keyed by the aggregate id.
EVENTS_KAFKA_BOOTSTRAP_SERVERS = env.str("EVENTS_KAFKA_BOOTSTRAP_SERVERS", default="")
EVENTS_KAFKA_TOPIC_PREFIX = env.str("EVENTS_KAFKA_TOPIC_PREFIX", default="autosalon.")
# How the relay and the workers reach the brokers (docs/events.md, "Kafka: TLS and SASL"):
# PLAINTEXT on this machine; production refuses anything but SASL_SSL, TLS to the broker and
# a user and password of the project's own. The password is a secret, read like any other
# from EVENTS_KAFKA_SASL_PASSWORD_FILE, and only the processes that publish hold it. The
# broker's certificate is checked against EVENTS_KAFKA_SSL_CA_LOCATION (a PEM file of the
# authorities to trust; empty: the system's), and its name against the broker's address.
EVENTS_KAFKA_SECURITY_PROTOCOL = env.str("EVENTS_KAFKA_SECURITY_PROTOCOL", default="PLAINTEXT")
EVENTS_KAFKA_SASL_MECHANISM = env.str("EVENTS_KAFKA_SASL_MECHANISM", default="SCRAM-SHA-512")
EVENTS_KAFKA_SASL_USERNAME = env.str("EVENTS_KAFKA_SASL_USERNAME", default="")
EVENTS_KAFKA_SASL_PASSWORD = env.str("EVENTS_KAFKA_SASL_PASSWORD", default="")
EVENTS_KAFKA_SSL_CA_LOCATION = env.str("EVENTS_KAFKA_SSL_CA_LOCATION", default="")
# What `manage.py events_kafka_topics` creates the topics with: partitions (an aggregate's
# events stay on one), replicas (1 for a single broker) and retention (7 days).
EVENTS_KAFKA_TOPIC_PARTITIONS = env.int("EVENTS_KAFKA_TOPIC_PARTITIONS", default=6)
EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR = env.int("EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR", default=1)
EVENTS_KAFKA_TOPIC_RETENTION_HOURS = env.int("EVENTS_KAFKA_TOPIC_RETENTION_HOURS", default=168)
# Check every payload against its event type's JSON Schema when it is emitted (the test
# suite does; common.events.contract).
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=False)
EVENTS_RETRY_BACKOFF = env.int("EVENTS_RETRY_BACKOFF", default=2)
# Who hands a committed event to the broker. Services mode: the relay process
# (`manage.py events_relay --follow`), woken by the emitting transaction's NOTIFY, so that a
# web request never talks to the broker. Embedded mode, whose tasks run in-process: the
# emitting code, once its transaction commits (docs/operations.md, "Events: published by the
# relay").
EVENTS_PUBLISH_ON_COMMIT = env.bool("EVENTS_PUBLISH_ON_COMMIT", default=CELERY_TASK_ALWAYS_EAGER)
# Beat's periodic relay leaves fresh rows to the relay process (or the publisher on commit).
EVENTS_RELAY_GRACE_SECONDS = env.int("EVENTS_RELAY_GRACE_SECONDS", default=5)
# An event some consumer has not recorded this long after its hand-over to the broker is
# handed over again, then after twice as long, up to the maximum. 0 turns redelivery off:
# an event the broker loses is then lost.
EVENTS_REDELIVER_AFTER_SECONDS = env.int("EVENTS_REDELIVER_AFTER_SECONDS", default=60)
EVENTS_REDELIVER_MAX_SECONDS = env.int("EVENTS_REDELIVER_MAX_SECONDS", default=3600)

# The landing page lists the demo logins (`make run`'s local settings only).
LANDING_SHOWS_DEMO_LOGINS = False

# PAYMENTS
# ------------------------------------------------------------------------------
PAYMENTS_BREAKER_FAIL_MAX = env.int("PAYMENTS_BREAKER_FAIL_MAX", default=5)
PAYMENTS_BREAKER_RESET_SECONDS = env.int("PAYMENTS_BREAKER_RESET_SECONDS", default=30)
# Attempts while the provider is unavailable before a payment fails, and the pause between.
PAYMENTS_MAX_RETRIES = env.int("PAYMENTS_MAX_RETRIES", default=20)
PAYMENTS_RETRY_SECONDS = env.int("PAYMENTS_RETRY_SECONDS", default=15)
# Who takes the money: fake (development and tests), yookassa or stripe (docs/payments.md).
PAYMENTS_PROVIDER = env.str("PAYMENTS_PROVIDER", default="fake")
PAYMENTS_PROVIDER_TIMEOUT_SECONDS = env.float("PAYMENTS_PROVIDER_TIMEOUT_SECONDS", default=10)
# Beat settles payments and refunds pending longer than this (a lost task, a worker killed
# mid-charge): the longest a charge attempt may be under way, plus a margin. An attempt
# ends with its task, killed at CELERY_TASK_TIME_LIMIT; the provider may still be carrying
# out the call it was making for PAYMENTS_PROVIDER_TIMEOUT_SECONDS; ten seconds more for
# the clocks of two hosts: 120 s + 10 s + 10 s = 140 s. With the sweep every 10 s and its
# own look-up (at most the provider timeout), a dead worker's payment settles within
# 140 + 10 + 10 = 160 s of its creation (docs/operations.md, "Timeouts derived from task
# bounds"). A sweep that meets a live retry is harmless: processing asks the provider before
# charging, under the payment's idempotency key.
PAYMENTS_PENDING_SWEEP_AFTER_SECONDS = env.int(
    "PAYMENTS_PENDING_SWEEP_AFTER_SECONDS",
    default=round(CELERY_TASK_TIME_LIMIT + PAYMENTS_PROVIDER_TIMEOUT_SECONDS + 10),
)
# Where the provider sends a customer back after confirming a payment: our own page, which
# asks the provider at once instead of waiting for its notification.
PAYMENTS_RETURN_URL = env.str(
    "PAYMENTS_RETURN_URL", default=f"{SITE_URL}/payments/{{payment_id}}/return"
)
YOOKASSA_SHOP_ID = env.str("YOOKASSA_SHOP_ID", default="")
YOOKASSA_SECRET_KEY = env.str("YOOKASSA_SECRET_KEY", default="")
YOOKASSA_API_URL = env.str("YOOKASSA_API_URL", default="https://api.yookassa.ru/v3")
# The networks YooKassa sends notifications from, as it publishes them.
YOOKASSA_NOTIFICATION_NETWORKS = env.list(
    "YOOKASSA_NOTIFICATION_NETWORKS",
    default=[
        "185.71.76.0/27",
        "185.71.77.0/27",
        "77.75.153.0/25",
        "77.75.156.11/32",
        "77.75.156.35/32",
        "77.75.154.128/25",
        "2a02:5180::/32",
    ],
)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
FAKE_PROVIDER_LATENCY_MS = env.int("FAKE_PROVIDER_LATENCY_MS", default=50)
FAKE_PROVIDER_FAILURE_RATE = env.float("FAKE_PROVIDER_FAILURE_RATE", default=0.0)
# The fake provider's books: a file every process shares, as they would share a provider.
FAKE_PROVIDER_DB = env.str("FAKE_PROVIDER_DB", default=str(VAR_DIR / "fake-provider.sqlite3"))

# A staff refund above this many RUB waits for a second staff member's approval (four eyes,
# docs/deal.md "Who decides").
PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE", default="100000")
)
# Fiscal receipts (54-FZ, docs/payments.md): the VAT code of each kind of thing sold, at full
# payment, in the provider's codes (11: 22%, from 2026; 1: no VAT, as insurance premiums
# are exempt); a prepayment takes the computed rate of the same code (22/122: 12). The
# dealership's tax system (1: the general one), or unset to leave it to the shop's settings.
PAYMENTS_RECEIPT_VAT_CODES = env.dict(
    "PAYMENTS_RECEIPT_VAT_CODES",
    cast={"value": int},
    default={"vehicle": 11, "goods": 11, "service": 11, "insurance": 1},
)
PAYMENTS_RECEIPT_TAX_SYSTEM_CODE = env.int("PAYMENTS_RECEIPT_TAX_SYSTEM_CODE", default=1)

# FINANCING (docs/deal.md)
# ------------------------------------------------------------------------------
# Who disburses approved loans: fake (development and tests; it disburses by itself) or
# manual (staff record each disbursement: POST financing/applications/{id}/disburse).
FINANCING_LENDER = env.str("FINANCING_LENDER", default="fake")
# The fake lender disburses this long after an application is sent to it.
FAKE_LENDER_DISBURSE_AFTER_SECONDS = env.int("FAKE_LENDER_DISBURSE_AFTER_SECONDS", default=60)
# How often beat asks the lender about the loans sent to it.
# An approval of a loan above this many RUB needs a second staff member (four eyes).
FINANCING_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("FINANCING_SECOND_APPROVAL_ABOVE", default="3000000")
)
# Scoring approves by itself only within these limits; beyond them, staff review
# (docs/deal.md, "Scoring"): a loan of at most this many RUB, with a verified e-mail, and a
# down payment of at least this share of the price, in percent.
FINANCING_AUTO_APPROVE_MAX = Decimal(env.str("FINANCING_AUTO_APPROVE_MAX", default="3000000"))
FINANCING_MIN_DOWN_PAYMENT_PERCENT = Decimal(
    env.str("FINANCING_MIN_DOWN_PAYMENT_PERCENT", default="10")
)
# The declared monthly income counts up to this many RUB: nobody's word buys more.
FINANCING_INCOME_CAP = Decimal(env.str("FINANCING_INCOME_CAP", default="1000000"))

# INSURANCE (docs/deal.md)
# ------------------------------------------------------------------------------
# A bought policy whose premium is not paid within this many hours lapses.
INSURANCE_PAYMENT_HOLD_HOURS = env.int("INSURANCE_PAYMENT_HOLD_HOURS", default=72)
# An approval of a claim above this many RUB needs a second staff member (four eyes).
INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal(
    env.str("INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE", default="500000")
)

# ORDERS
# ------------------------------------------------------------------------------
# A reservation whose order has not appeared in the orders database after this long belongs
# to an order that never committed; the sweep gives its stock back.
ORDERS_RESERVATION_SWEEP_AFTER_SECONDS = env.int(
    "ORDERS_RESERVATION_SWEEP_AFTER_SECONDS", default=600
)
# How many recent orders the live feed sends on connect.
ORDERS_LIVE_SNAPSHOT_SIZE = env.int("ORDERS_LIVE_SNAPSHOT_SIZE", default=50)
# A pending order not paid after this many hours is cancelled and its stock given back
# (`orders_expire_unpaid`, and beat every 15 minutes). Vehicles and financed orders have
# clocks of their own, below (docs/operations.md, "Unpaid orders").
ORDERS_UNPAID_EXPIRE_HOURS = env.int("ORDERS_UNPAID_EXPIRE_HOURS", default=48)
# A pending order holding a vehicle (a product with a VIN) is cancelled after this many
# hours, or ORDERS_UNPAID_EXPIRE_HOURS if that is shorter, unless it is financed.
ORDERS_VEHICLE_HOLD_HOURS = env.int("ORDERS_VEHICLE_HOLD_HOURS", default=24)
# A financed pending order (an approved or disbursed loan, or a deposit of at least
# ORDERS_VEHICLE_DEPOSIT_PERCENT of its vehicles) is cancelled after this many days.
ORDERS_FINANCED_EXPIRE_DAYS = env.int("ORDERS_FINANCED_EXPIRE_DAYS", default=14)
# The share of its vehicle lines' total an order must have paid to keep its vehicles for
# ORDERS_FINANCED_EXPIRE_DAYS.
ORDERS_VEHICLE_DEPOSIT_PERCENT = env.int("ORDERS_VEHICLE_DEPOSIT_PERCENT", default=10)
# The most vehicle units one customer may hold on pending orders; an order beyond it is a
# 409 `unpaid_vehicle_limit`.
ORDERS_MAX_UNPAID_VEHICLES = env.int("ORDERS_MAX_UNPAID_VEHICLES", default=2)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# SHOWROOM
# ------------------------------------------------------------------------------
# How long a seat at a paid event is held for its payment before it goes to the waitlist.
SHOWROOM_PAYMENT_HOLD_MINUTES = env.int("SHOWROOM_PAYMENT_HOLD_MINUTES", default=30)
# Test drives (docs/api.md, "Test drives"): a customer, staff too, holds at most this many
# booked drives still to start, each at most this many hours long, starting at most this
# many days ahead (by the dealership's calendar). Rescheduling keeps to the same rules.
SHOWROOM_TEST_DRIVE_MAX_ACTIVE = env.int("SHOWROOM_TEST_DRIVE_MAX_ACTIVE", default=3)
SHOWROOM_TEST_DRIVE_MAX_HOURS = env.int("SHOWROOM_TEST_DRIVE_MAX_HOURS", default=2)
SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD = env.int("SHOWROOM_TEST_DRIVE_MAX_DAYS_AHEAD", default=30)
# The free slots `GET showroom/test-drives/slots` lists are this long, from opening time.
SHOWROOM_TEST_DRIVE_SLOT_MINUTES = env.int("SHOWROOM_TEST_DRIVE_SLOT_MINUTES", default=60)

# CRM
# ------------------------------------------------------------------------------
# A lead with no activity for this many days counts as stale on the "my clients" page.
CRM_STALE_LEAD_DAYS = env.int("CRM_STALE_LEAD_DAYS", default=7)
# Who gets a lead that comes in by itself (a buyer registering online), so that every sale
# has a manager (docs/crm.md, "Assignment"): `round_robin`, the active managers in turn; or
# `none`, the lead waits for a manager to take it.
CRM_LEAD_ASSIGNMENT = env.str("CRM_LEAD_ASSIGNMENT", default="round_robin")

# DASHBOARD (docs/dashboard.md)
# ------------------------------------------------------------------------------
# The figures stay cached this long at most; any event that moves one forgets them sooner.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# A product with this many or fewer in stock shows among the low stock.
DASHBOARD_LOW_STOCK_THRESHOLD = env.int("DASHBOARD_LOW_STOCK_THRESHOLD", default=2)

# INTEGRATIONS (docs/integrations.md)
# ------------------------------------------------------------------------------
# Webhooks: each attempt waits this long for an answer; failures are retried with
# exponential back-off and jitter from the base up to the maximum pause, for the retry
# window; a subscription that fails every delivery for the window is disabled.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=4 * 3600)
WEBHOOKS_RETRY_WINDOW_SECONDS = env.int("WEBHOOKS_RETRY_WINDOW_SECONDS", default=24 * 3600)
WEBHOOKS_DISPATCH_BATCH = 500
# Targets: https only when required (production), and no private, loopback or link-local
# address unless it lies in one of these networks (development: this machine).
WEBHOOKS_REQUIRE_HTTPS = env.bool("WEBHOOKS_REQUIRE_HTTPS", default=False)
WEBHOOKS_ALLOWED_NETWORKS = env.list(
    "WEBHOOKS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"]
)
# Secrets: encrypted at rest with these Fernet keys (the first encrypts, every one decrypts;
# unset, development and tests derive one from SECRET_KEY, production refuses to start).
# After a rotation the replaced secret still signs, alongside the new one, this long.
WEBHOOKS_SECRETS_KEY = env.list("WEBHOOKS_SECRETS_KEY", default=[])
WEBHOOKS_SECRET_OVERLAP_SECONDS = env.int("WEBHOOKS_SECRET_OVERLAP_SECONDS", default=24 * 3600)

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # Django's ModelBackend, behind the lockout
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="RU")

JWT_ACCESS_TOKEN_LIFETIME = timedelta(seconds=env.int("JWT_ACCESS_TOKEN_LIFETIME", default=300))
JWT_REFRESH_TOKEN_LIFETIME = timedelta(
    seconds=env.int("JWT_REFRESH_TOKEN_LIFETIME", default=7 * 24 * 3600)
)
# Token keys (common/jwtkeys.py, docs/security.md "Token keys"): RS256 with the private key
# in JWT_PRIVATE_KEY (PEM) or the file JWT_PRIVATE_KEY_FILE; the public keys of a rotation's
# previous keys in JWT_PREVIOUS_KEY_FILES. HS256 signs with JWT_SIGNING_KEY instead.
JWT_ALGORITHM = env.str("JWT_ALGORITHM", default="RS256")
if JWT_ALGORITHM not in ("RS256", "HS256"):
    raise ImproperlyConfigured("JWT_ALGORITHM is RS256 or HS256.")
JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", default="", multiline=True)
JWT_PRIVATE_KEY_FILE = env.str("JWT_PRIVATE_KEY_FILE", default=str(VAR_DIR / "jwt-signing-key.pem"))
JWT_PREVIOUS_KEY_FILES = env.list("JWT_PREVIOUS_KEY_FILES", default=[])
# A missing key file is made on first use, for `make run` and the tests; production refuses.
JWT_PRIVATE_KEY_CREATE = True
# Who issues the tokens (`iss`) and whom each kind is for (`aud`), so that a verifier holding
# only the key set tells an access token from a refresh token (docs/security.md "Verifying
# a token elsewhere"): access tokens name JWT_AUDIENCE, refresh tokens JWT_REFRESH_AUDIENCE.
JWT_ISSUER = env.str("JWT_ISSUER", default="autosalon")
JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="autosalon-api")
JWT_REFRESH_AUDIENCE = env.str("JWT_REFRESH_AUDIENCE", default=f"{JWT_AUDIENCE}:refresh")
if JWT_REFRESH_AUDIENCE == JWT_AUDIENCE:
    raise ImproperlyConfigured("JWT_REFRESH_AUDIENCE must differ from JWT_AUDIENCE.")
SIMPLE_JWT = {
    "ALGORITHM": JWT_ALGORITHM,
    "ACCESS_TOKEN_LIFETIME": JWT_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": JWT_REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    # Tokens carry the user's token version instead of a hash of the password
    # (accounts/tokens.py): a new version invalidates them at once.
    "CHECK_REVOKE_TOKEN": False,
}
WS_TICKET_TTL_SECONDS = 30

# GOOGLE SIGN-IN (accounts/oidc.py, docs/security.md "Google sign-in")
# ------------------------------------------------------------------------------
# Off until GOOGLE_CLIENT_ID is set. The endpoints and keys come from the discovery
# document, which a local stand-in may serve instead of Google's.
GOOGLE_CLIENT_ID = env.str("GOOGLE_CLIENT_ID", default="")
GOOGLE_CLIENT_SECRET = env.str("GOOGLE_CLIENT_SECRET", default="")
GOOGLE_DISCOVERY_URL = env.str(
    "GOOGLE_DISCOVERY_URL", default="https://accounts.google.com/.well-known/openid-configuration"
)
# Where Google sends the browser back: this API's callback, or a front-end page that posts
# the `code` and `state` it receives to the callback. Registered in Google's console.
GOOGLE_REDIRECT_URI = env.str(
    "GOOGLE_REDIRECT_URI", default=f"{SITE_URL}/api/v1/auth/google/callback"
)
OIDC_STATE_TTL_SECONDS = 600
OIDC_HTTP_TIMEOUT_SECONDS = env.float("OIDC_HTTP_TIMEOUT_SECONDS", default=5)
# A Google account whose e-mail is a user's links once that user confirms from an e-mail.
IDENTITY_LINK_TTL_SECONDS = env.int("IDENTITY_LINK_TTL_SECONDS", default=3600)
FRONTEND_IDENTITY_LINK_URL = env.str(
    "FRONTEND_IDENTITY_LINK_URL", default=f"{SITE_URL}/link-account?token={{token}}"
)
# A signed-in user links a Google account only within this many seconds of signing in with
# their password (docs/security.md, "Google sign-in"); otherwise only by e-mail.
IDENTITY_LINK_REAUTH_SECONDS = 600
# A new account's e-mail is verified by a signed link that works this many hours and opens
# this page ({token} is filled in).
ACCOUNTS_EMAIL_VERIFY_HOURS = env.int("ACCOUNTS_EMAIL_VERIFY_HOURS", default=48)
FRONTEND_EMAIL_VERIFY_URL = env.str(
    "FRONTEND_EMAIL_VERIFY_URL", default=f"{SITE_URL}/verify-email?token={{token}}"
)
# A new e-mail asked for in `users/me` is confirmed by a signed link sent there, which works
# ACCOUNTS_EMAIL_VERIFY_HOURS and opens this page (docs/security.md, "Changing the e-mail").
FRONTEND_EMAIL_CHANGE_URL = env.str(
    "FRONTEND_EMAIL_CHANGE_URL", default=f"{SITE_URL}/change-email?token={{token}}"
)
# The current address is sent a link that stops the change, or undoes it once made, for
# this many hours; it opens this page (docs/security.md, "Changing the e-mail").
ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS = env.int("ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS", default=72)
FRONTEND_EMAIL_CHANGE_CANCEL_URL = env.str(
    "FRONTEND_EMAIL_CHANGE_CANCEL_URL",
    default=f"{SITE_URL}/cancel-email-change?token={{token}}",
)

# E-MAIL
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Autosalon <noreply@autosalon.local>")
FRONTEND_PASSWORD_RESET_URL = env.str(
    "FRONTEND_PASSWORD_RESET_URL",
    default=f"{SITE_URL}/reset-password?uid={{uid}}&token={{token}}",
)

# STATIC FILES
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# MEDIA: vehicles' photos (docs/operations.md, "Media")
# ------------------------------------------------------------------------------
# Through Django's storage API: files under var/media in the embedded run, which Django
# serves itself at MEDIA_URL; S3-compatible object storage (django-storages) with
# MEDIA_STORAGE=s3, which serves them from the bucket's own address.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    MEDIA_S3_OPTIONS = {
        "bucket_name": env.str("MEDIA_S3_BUCKET"),
        "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("MEDIA_S3_REGION", default="ru-central1"),
        "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
        # Public photos: plain addresses, no signed query string that expires in a cache.
        "querystring_auth": False,
        "default_acl": None,
        "file_overwrite": False,
        "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
    }
# TRADE-IN (docs/tradein.md)
# ------------------------------------------------------------------------------
# An offer above this many RUB needs a second staff member (four eyes), and is valid at
# most this many days.
TRADEIN_SECOND_APPROVAL_ABOVE = Decimal(env.str("TRADEIN_SECOND_APPROVAL_ABOVE", default="1500000"))
TRADEIN_OFFER_MAX_DAYS = env.int("TRADEIN_OFFER_MAX_DAYS", default=14)

# NOTIFICATIONS (docs/notifications.md)
# ------------------------------------------------------------------------------
# Customers hear of their deal's steps; off, nothing is notified (`seed_demo` turns it off
# for its history).
NOTIFICATIONS_ON_EVENTS = env.bool("NOTIFICATIONS_ON_EVENTS", default=True)
# SMS: the console (development) or SMS.ru (notifications.sms.SmsRuBackend, with its API id).
NOTIFICATIONS_SMS_BACKEND = env.str(
    "NOTIFICATIONS_SMS_BACKEND", default="notifications.sms.ConsoleBackend"
)
SMSRU_API_URL = env.str("SMSRU_API_URL", default="https://sms.ru")
SMSRU_API_ID = env.str("SMSRU_API_ID", default="")
SMSRU_SENDER = env.str("SMSRU_SENDER", default="")
NOTIFICATIONS_SEND_TIMEOUT_SECONDS = env.float("NOTIFICATIONS_SEND_TIMEOUT_SECONDS", default=10)
# A temporary failure is tried again after 60 s, 120 s, 240 s…, this many attempts in all.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_SECONDS = env.int("NOTIFICATIONS_RETRY_SECONDS", default=60)
# A worker sending a delivery holds it this long: longer than any task runs, so that a
# second worker never sends it too; the sweep hands back one whose worker died.
NOTIFICATIONS_LEASE_SECONDS = env.int(
    "NOTIFICATIONS_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 30
)
# No SMS from 21:00 to 09:00 in the customer's time zone.
NOTIFICATIONS_QUIET_HOURS = (21, 9)
# The domain of the Message-ID each e-mail carries, one per delivery.
NOTIFICATIONS_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "autosalon.local"

# The deal's documents (docs/documents.md) are made at their moments by the deal's events;
# off, only on request and from the admin (`seed_demo` turns it off for its history).
DOCUMENTS_ON_EVENTS = env.bool("DOCUMENTS_ON_EVENTS", default=True)
# Their files: private, read through the API only, never linked to; under var/documents in
# the embedded run, in the bucket below with MEDIA_STORAGE=s3.
DOCUMENTS_ROOT = Path(env.str("DOCUMENTS_ROOT", default=str(VAR_DIR / "documents")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": "/not-served/"},
    },
}
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": MEDIA_S3_OPTIONS}
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **MEDIA_S3_OPTIONS,
            "bucket_name": env.str("DOCUMENTS_S3_BUCKET", default=MEDIA_S3_OPTIONS["bucket_name"]),
            "location": "documents",
            # Private: signed addresses that expire, never a public one.
            "querystring_auth": True,
            "default_acl": "private",
            "custom_domain": None,
        },
    }
# A photo upload: at most 20 MB and 50 megapixels (common/images.py); its request may carry
# a little more than the file, for the form around it.
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=20 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)
REQUEST_MAX_UPLOAD_BYTES = PHOTO_MAX_BYTES + 64 * 1024
# The paths that take uploads, the only ones where REQUEST_MAX_UPLOAD_BYTES replaces
# REQUEST_MAX_BODY_BYTES (common/middleware.py).
REQUEST_UPLOAD_PATHS = [
    r"^/api/v1/catalog/products/[^/]+/photos/?$",
    r"^/admin/catalog/product/[^/]+/change/$",
    r"^/admin/catalog/product/add/$",
    r"^/api/v1/trade-ins/[^/]+/photos/?$",
    # The storefront's trade-in forms, photos and all (storefront/views/tradein.py).
    r"^/trade-in/$",
    r"^/account/trade-ins/[^/]+/photos$",
]

# REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.authentication.JWTAuthentication",
        "common.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["common.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",
    "EXCEPTION_HANDLER": "common.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["common.throttling.RateThrottle"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# ABUSE CONTROLS (docs/security.md)
# ------------------------------------------------------------------------------
# Requests per client and window, by bucket (common/throttling.py). Signing up and signing
# in are separate buckets at the same rate; order creation has its own; every other call
# counts as `user` (authenticated, per user) or `anon` (per client IP).
THROTTLE_RATES = {
    "register": env.str("THROTTLE_RATE_AUTH", default="10/min"),
    "login": env.str("THROTTLE_RATE_AUTH", default="10/min"),
    "order_create": env.str("THROTTLE_RATE_ORDER_CREATE", default="20/min"),
    # The storefront's forms that leave a phone number with no account (a call back).
    "lead": env.str("THROTTLE_RATE_LEAD", default="10/min"),
    "user": env.str("THROTTLE_RATE_USER", default="100/min"),
    "anon": env.str("THROTTLE_RATE_ANON", default="100/min"),
    # /health/components, per client address: a monitor asks every few seconds; a flood of
    # calls is answered from the cached report, then refused (common/health.py).
    "readiness": env.str("THROTTLE_RATE_READINESS", default="60/min"),
}
# Addresses or networks of the reverse proxies in front of the app: only a request whose
# peer is one of them has its client IP taken from X-Forwarded-For. Separated by commas or
# spaces: Caddy reads the same variable as its trusted_proxies (config/Caddyfile), as a list
# separated by spaces.
TRUSTED_PROXIES = env.str("TRUSTED_PROXIES", default="").replace(",", " ").split()

# Lockout (accounts/lockout.py; docs/security.md, "Lockout"): this many wrong passwords for
# one account from one address within the cool-off refuse that address for that account;
# this many for one account, from all addresses, lock the account until a password reset
# from its mailbox or `manage.py accounts_unlock`. Refusals look like wrong passwords.
LOCKOUT_ADDRESS_FAILURE_LIMIT = env.int("LOCKOUT_ADDRESS_FAILURE_LIMIT", default=5)
LOCKOUT_COOLOFF = timedelta(minutes=env.int("LOCKOUT_COOLOFF_MINUTES", default=15))
LOCKOUT_ACCOUNT_FAILURE_LIMIT = env.int("LOCKOUT_ACCOUNT_FAILURE_LIMIT", default=50)
SILENCED_SYSTEM_CHECKS: list[str] = []

# Request bodies larger than this are refused with a 413 before they are read, and JSON
# nested deeper than REQUEST_MAX_JSON_DEPTH with a 400 (common/parsers.py).
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
REQUEST_MAX_JSON_DEPTH = 32

# BROWSERS (docs/security.md, "Browsers")
# ------------------------------------------------------------------------------
# Front ends on other origins that may call the API; cookies are not sent cross-origin
# unless CORS_ALLOW_CREDENTIALS is set (the API authenticates with bearer tokens).
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = env.bool("CORS_ALLOW_CREDENTIALS", default=False)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (*cors_default_headers, "idempotency-key", "x-request-id")
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]
# Every page's assets are served from here (drf-spectacular-sidecar for Swagger UI and
# ReDoc, ECharts for the dashboard): nothing is allowed from another host, and no inline
# script but one that carries the response's nonce (the admin's date-range filters); the
# header names a nonce only on a page that used one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Autosalon API",
    "DESCRIPTION": "Dealership commerce platform: catalog, orders, payments, financing and "
    "insurance. Every error answers with the envelope "
    '`{"success": false, "error": {"code", "message", "details"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.choices.OrderStatus",
        "RoleEnum": "accounts.choices.Role",
        "LoanApplicationStatusEnum": "financing.choices.ApplicationStatus",
        "ClientStatusEnum": "crm.choices.ClientStatus",
        "ClientTypeEnum": "crm.choices.ClientType",
        "OrderLinkKindEnum": "orders.choices.LinkKind",
        "ProductKindEnum": "catalog.choices.ProductKind",
        "DocumentKindEnum": "documents.choices.DocumentKind",
        "VehicleConditionEnum": "catalog.choices.Condition",
        "TradeInConditionEnum": "tradein.choices.Condition",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.schema.add_error_envelope",
        "common.schema.bound_schema",
    ],
    # Relative: the schema describes whichever host serves it.
    "SERVERS": [
        {
            "url": "/",
            "description": "The deployment serving this schema: local, staging or production.",
            "x-internal": False,
        }
    ],
}

# METRICS
# ------------------------------------------------------------------------------
# A bearer token /metrics asks for (common/ops/metrics.py); production requires one.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# LOGGING
# ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# `json`: one JSON object per line (production); `console`: readable lines (common/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "common.logging.json_formatter"},
        "console": {"()": "common.logging.console_formatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The servers' own lines in the same format; their access log is ours
        # (common.logging.AccessLogMiddleware), which redacts secrets in query strings.
        "uvicorn": {"handlers": ["console"], "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "propagate": False},
        "uvicorn.access": {"handlers": [], "propagate": False},
        "_granian": {"handlers": ["console"], "propagate": False},
        "granian.access": {"handlers": [], "propagate": False},
        # WeasyPrint says every step of every PDF at INFO (docs/documents.md): its warnings.
        "weasyprint": {"level": "WARNING"},
    },
}

# ADMIN EXPORTS (docs/admin.md, "Lists")
# ------------------------------------------------------------------------------
# A cell that starts like a formula (=, +, -, @) is exported as text, never run.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
