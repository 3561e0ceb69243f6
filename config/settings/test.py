"""Settings for the test suite: services mode (PostgreSQL and Redis), mail kept in memory."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Each pytest-xdist worker (gw0, gw1, ...) has services of its own, so that two workers never
# share a queue, a cache key or a channel (docs/conventions.md, "Tests"): pytest-django gives
# it test databases of its own (test_autosalon_orders_gw1); here it takes the Redis database
# below the suite's for every worker after the first (gw0 on /15, gw1 on /14), before base.py
# derives the cache, the channel layer, the Celery broker and beat's schedule from REDIS_URL.
# The processes a test starts inherit the variable, and do not move again.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and os.environ.get("AUTOSALON_TEST_WORKER") != _WORKER and os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    _redis_database = int(_redis.path.strip("/") or 0) - int(_WORKER.removeprefix("gw"))
    if _redis_database < 0:
        raise ImproperlyConfigured(f"REDIS_URL has no Redis database left for worker {_WORKER}")
    os.environ["REDIS_URL"] = _redis._replace(path=f"/{_redis_database}").geturl()
    os.environ["AUTOSALON_TEST_WORKER"] = _WORKER

# The documents a test generates go to a directory of the run's own, which the processes a
# test starts inherit too.
os.environ.setdefault(
    "DOCUMENTS_ROOT", tempfile.mkdtemp(prefix=f"autosalon-documents-{_WORKER or 'main'}-")
)

# So do the photos, public and the trade-ins' private ones.
os.environ.setdefault(
    "MEDIA_ROOT", tempfile.mkdtemp(prefix=f"autosalon-media-{_WORKER or 'main'}-")
)
os.environ.setdefault(
    "TRADEIN_PHOTOS_ROOT", tempfile.mkdtemp(prefix=f"autosalon-tradein-photos-{_WORKER or 'main'}-")
)
# And the classifieds' feeds, private too.
os.environ.setdefault(
    "FEEDS_ROOT", tempfile.mkdtemp(prefix=f"autosalon-feeds-{_WORKER or 'main'}-")
)

from .base import *  # noqa: E402, F403
from .base import THROTTLE_RATES, VAR_DIR, env  # noqa: E402

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Argon2 is slow on purpose; the suite hashes thousands of passwords. The one test that
# checks the production hasher switches back to base.PASSWORD_HASHERS.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Sign-up and reset answer at once: the tests of the floor set their own
# (storefront/tests/test_answer_floor.py).
ACCOUNTS_ANSWER_AFTER_SECONDS = 0.0

# Tasks run in-process unless a test starts a real worker of its own, and events are
# published on commit by the code that emits them; the relay's own tests switch this off
# and run the relay (tests/system/test_outbox_relay.py).
CELERY_TASK_ALWAYS_EAGER = True
EVENTS_PUBLISH_ON_COMMIT = True

# Every event emitted anywhere in the suite is checked against its published schema.
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=True)

# Tests make many calls a minute as one client. The tests of the limits themselves
# (tests/contracts/test_abuse_controls.py) run on base.THROTTLE_RATES, the defaults.
THROTTLE_RATES = dict.fromkeys(THROTTLE_RATES, "100000/min")

# Tests take a component down and read readiness at once; tests/system/test_health.py proves the
# shipped cache of base.READINESS_CACHE_SECONDS.
READINESS_CACHE_SECONDS = 0

# The suite and the servers it starts share PostgreSQL's 100 connections: a burst of threads
# in a concurrency test gives its connections back within seconds, not ten minutes.
# The suite's own process (a `command`, config/settings/databases.py) holds at most 8 per
# database: its concurrency tests run up to 50 threads, which then queue for a connection as
# requests would, for up to 30 s rather than production's 2 (on a machine the other test
# workers load, twenty requests for one order's offer queued more than 10 s for eight
# connections behind the one rendering its PDF).
for _database in DATABASES.values():  # noqa: F405
    if "pool" in _database["OPTIONS"]:
        _database["OPTIONS"]["pool"].update(max_idle=5, max_size=8, timeout=30)

# Each transactional test's teardown empties every database: by DELETE, a tenth of
# TRUNCATE's time on tables of a few rows (common/db/postgresql/base.py).
DATABASE_FLUSH_DELETES = True

# The fake provider's books, apart from those of `make run` and of the other test workers.
FAKE_PROVIDER_DIR = str(VAR_DIR / f"fake-provider-test-{_WORKER or 'main'}")
# Photos a test stores, in a directory of the run's own (set before base.py reads it above,
# so that the servers a test starts serve the same one, never var/media).
MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])
