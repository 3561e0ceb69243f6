"""CELERY: the broker, the task bounds derived timeouts add to, the relay's intervals and beat's
one schedule (docs/operations.md, "Brokers", "Beat: one schedule")."""

from common.environment import env, task_time_limit
from config.settings.caches import REDIS_URL, SERVICES_MODE
from config.settings.general import TIME_ZONE, VAR_DIR

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
CELERY_TASK_TIME_LIMIT = task_time_limit()  # CELERY_TASK_TIME_LIMIT, by default 120
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
# Celery's default scheduler keeps its state in this file, for a beat run without redbeat.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
