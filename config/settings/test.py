"""Settings for the test suite: services mode (PostgreSQL and Redis), mail kept in memory."""

from .base import *  # noqa: F403
from .base import THROTTLE_RATES, VAR_DIR, env

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Argon2 is slow on purpose; the suite hashes thousands of passwords. The one test that
# checks the production hasher switches back to base.PASSWORD_HASHERS.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in-process unless a test starts a real worker of its own, and events are
# published on commit by the code that emits them; the relay's own tests switch this off
# and run the relay (tests/test_outbox_relay.py).
CELERY_TASK_ALWAYS_EAGER = True
EVENTS_PUBLISH_ON_COMMIT = True

# Every event emitted anywhere in the suite is checked against its published schema.
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=True)

# Tests make many calls a minute as one client. The tests of the limits themselves
# (tests/test_abuse_controls.py) run on base.THROTTLE_RATES, the defaults.
THROTTLE_RATES = dict.fromkeys(THROTTLE_RATES, "100000/min")

# Tests take a component down and read readiness at once; tests/test_health.py proves the
# shipped cache of base.READINESS_CACHE_SECONDS.
READINESS_CACHE_SECONDS = 0

# The suite and the servers it starts share PostgreSQL's 100 connections: a burst of threads
# in a concurrency test gives its connections back within seconds, not ten minutes.
# The suite's own process (a `command`, config/settings/base.py) holds at most 8 per database:
# its concurrency tests run up to 50 threads, which then queue for a connection as requests
# would.
for _database in DATABASES.values():  # noqa: F405
    if "pool" in _database["OPTIONS"]:
        _database["OPTIONS"]["pool"].update(max_idle=5, max_size=8)

# The fake provider's books, apart from those of `make run`.
FAKE_PROVIDER_DB = str(VAR_DIR / "fake-provider-test.sqlite3")
