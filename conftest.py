"""Fixtures shared by every app's tests. The suite runs in services mode: PostgreSQL for
each database alias and Redis for the cache (see `make test`)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory

# pytester: tests/system/test_concurrency_helper.py runs a suite of its own; the exchange with
# 1C's fixtures serve its app's tests and the flows' (tests/onec_exchange.py).
pytest_plugins = ["pytester", "tests.onec_exchange"]


def pytest_configure(config):
    engines = {alias: db["ENGINE"] for alias, db in settings.DATABASES.items()}
    not_postgres = [alias for alias, engine in engines.items() if "postgresql" not in engine]
    if not_postgres or not settings.SERVICES_MODE:
        pytest.exit(
            "The test suite runs on PostgreSQL and Redis: set DATABASE_URL_* and REDIS_URL "
            f"(`make test` does). Not on PostgreSQL: {not_postgres or 'none'}; "
            f"REDIS_URL set: {settings.SERVICES_MODE}.",
            returncode=2,
        )


# The fixtures that start a process (tests/conftest.py, tests/browser/): a test that uses one
# is marked `process` without saying so, and one that drives Chromium `browser` too.
PROCESS_FIXTURES = {"server", "worker", "own_worker", "chromium", "embedded_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "chromium" in used:
            item.add_marker(pytest.mark.browser)
        if used & PROCESS_FIXTURES and not item.get_closest_marker("process"):
            item.add_marker(pytest.mark.process)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """Each worker's databases, cloned from templates the run migrates once, and dropped at
    the end (tests/databases.py). In place of pytest-django's, which migrates every
    database of every worker."""
    from tests.databases import connection_closed, databases_cloned, drop_databases

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    with django_db_blocker.unblock():
        clones = databases_cloned(worker)
    yield
    with django_db_blocker.unblock():
        for alias in settings.DATABASES:
            connection_closed(alias)
        drop_databases(clones)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo data (`seed_demo --no-history`), seeded once per worker and kept as rows: a
    seeding takes seconds, putting its rows back a fraction of one. The databases are
    emptied again at once (the seeding's sequences stay ahead of its ids)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connections

    from tests.databases import rows_snapshot

    with django_db_blocker.unblock():
        call_command("seed_demo", no_history=True, stdout=StringIO())
        snapshot = rows_snapshot()
        for alias in connections:
            call_command(
                "flush", database=alias, interactive=False, verbosity=0, reset_sequences=False
            )
    return snapshot


@pytest.fixture
def demo_data(request, demo_snapshot):
    """The demo data in every database, as `seed_demo --no-history` leaves it, for a test
    marked `django_db(databases="__all__")`: in the test's transaction, or committed and
    flushed after it for a transactional test. Its tests share one worker
    (`xdist_group("demo_data")`), which seeds once."""
    from tests.databases import rows_restore

    request.getfixturevalue("_django_db_helper")
    rows_restore(demo_snapshot)


def cache_clear():
    """Drop this project's cache keys only: the same Redis database carries the Celery
    broker's queues, which a worker started by a test is listening on."""
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Redis outlives a test; tickets and throttle counters must not leak between tests."""
    cache_clear()
    yield
    cache_clear()


@pytest.fixture(autouse=True)
def _databases_up():
    """A test that takes a database down must not leave its breaker open for the next."""
    from common.db.postgresql.base import breakers_close

    yield
    breakers_close()


@pytest.fixture(autouse=True)
def _language_reset():
    """The test client serves a request in the test's own thread, and the language
    middleware leaves that request's language active in it: the next test starts in the
    default language, whatever the last request asked for."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Celery marks "inside a task" in one flag for the whole process: an eager
    `apply_async` sets it and puts back what it found. Threads of a concurrency test, each
    publishing an event eagerly, can put back another's mark and leave it set, and every
    later test's `.get()` on a task's result would then raise "Never call result.get()
    within a task!". Each test starts with it clear."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield
    _set_task_join_will_block(False)


@pytest.fixture
def provider():
    """The fake payment provider with nothing recorded, and its circuit breaker closed."""
    from payments.breaker import provider_breaker
    from payments.providers.fake import FakeProvider

    fake = FakeProvider()
    fake.reset()
    provider_breaker().close()
    yield fake
    fake.reset()
    provider_breaker().close()


def _mocked_provider(settings, **configuration):
    """The provider that `configuration` configures, its HTTP API mocked with `responses`
    (payments/tests/provider_api.py has its bodies), and its circuit breaker closed."""
    import responses

    from payments.breaker import provider_breaker

    for name, value in configuration.items():
        setattr(settings, name, value)
    provider_breaker().close()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    provider_breaker().close()


@pytest.fixture
def yookassa(settings):
    """YooKassa's API, mocked, as the configured provider."""
    from payments.tests.provider_api import YOOKASSA_API

    yield from _mocked_provider(
        settings,
        PAYMENTS_PROVIDER="yookassa",
        YOOKASSA_SHOP_ID="100500",
        YOOKASSA_SECRET_KEY="test_secret",
        YOOKASSA_API_URL=YOOKASSA_API,
    )


@pytest.fixture
def stripe_api(settings):
    """Stripe's API, mocked, as the configured provider."""
    from payments.tests.provider_api import STRIPE_API, STRIPE_WEBHOOK_SECRET

    yield from _mocked_provider(
        settings,
        PAYMENTS_PROVIDER="stripe",
        STRIPE_SECRET_KEY="sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
        STRIPE_API_BASE=STRIPE_API,
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    """An API client that sends a fresh access token of `user`."""
    from accounts.tokens import AccessToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def chose_english(user):
    """A member of staff who chose English with the switch: their downloads are in it, not in
    the dealership's language (common.middleware.download_language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def browser_for(user):
    """A Django test client logged in as `user`, for the HTML pages (the admin)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer(db):
    return UserFactory(role="client")


@pytest.fixture
def other_customer(db):
    return UserFactory(role="client")


@pytest.fixture
def manager(db):
    return UserFactory(role="manager")


@pytest.fixture
def admin_user(db):
    return UserFactory(role="admin")


@pytest.fixture
def customer_client(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def manager_client(manager) -> APIClient:
    return client_for(manager)


@pytest.fixture
def admin_client(admin_user) -> APIClient:
    return client_for(admin_user)


@pytest.fixture
def run_on_commit():
    """Inside a test transaction nothing commits: when the block ends, run the on-commit
    callbacks of every database (event publishing, cache invalidation), including the ones
    those callbacks register in turn, as real commits would."""
    from contextlib import contextmanager

    from django.db import connections

    @contextmanager
    def capture():
        seen = {alias: len(connections[alias].run_on_commit) for alias in settings.DATABASES}
        yield
        ran = True
        while ran:
            ran = False
            for alias in settings.DATABASES:
                pending = connections[alias].run_on_commit[seen[alias] :]
                seen[alias] += len(pending)
                for _savepoints, callback, robust in pending:
                    ran = True
                    try:
                        callback()
                    except Exception:
                        if not robust:
                            raise

    return capture


def run_concurrently(count: int, call):
    """Run `call()` in `count` threads released at the same moment; return the results.
    Each thread closes its own database connections, as a request thread would. The first
    exception raised in any thread (a failed assert included) is raised here, after every
    thread has finished, so that a failure inside a thread fails the test."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results = [None] * count
    errors: list[BaseException | None] = [None] * count

    def worker(index):
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error
    return results


@pytest.fixture
def oidc_provider(settings):
    """A local OpenID provider standing in for Google, and this system configured to use it
    (tests/oidc_provider.py)."""
    from tests.oidc_provider import OidcProvider

    stand_in = OidcProvider().start()
    settings.GOOGLE_CLIENT_ID = stand_in.client_id
    settings.GOOGLE_CLIENT_SECRET = stand_in.client_secret
    settings.GOOGLE_DISCOVERY_URL = stand_in.discovery_url
    settings.GOOGLE_REDIRECT_URI = "http://testserver/api/v1/auth/google/callback"
    yield stand_in
    stand_in.stop()


def payment_completed_event(*, payable_kind: str, payable, paid: str, version: int) -> dict:
    """`payment.completed` as payments publishes it (schema v2), reporting that `payable` (an
    order or a policy: what has id, order_id or pk, and customer_id) has received `paid`,
    as of `version`: for the tests of its consumers."""
    import uuid

    from common.events.types import Event

    order_id = payable.pk if payable_kind == "order" else payable.order_id
    return Event(
        type="payment.completed",
        aggregate_id=str(uuid.uuid4()),
        schema_version=2,
        payload={
            "id": str(uuid.uuid4()),
            "payable_kind": payable_kind,
            "payable_id": str(payable.pk),
            "order_id": str(order_id),
            "customer_id": str(payable.customer_id),
            "amount": paid,
            "refunded_amount": "0.00",
            "currency": "RUB",
            "status": "completed",
            "payable_paid_amount": paid,
            "payable_paid_version": version,
        },
    ).as_dict()


def rows_containing(*needles: str) -> list[str]:
    """Every table of every database some row of which, as text, holds one of `needles`:
    for the tests that prove a secret was stored nowhere."""
    from django.db import connections

    found = []
    for alias in connections:
        with connections[alias].cursor() as cursor:
            for table in connections[alias].introspection.table_names(cursor):
                for needle in needles:
                    cursor.execute(
                        f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s', [f"%{needle}%"]
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{alias}.{table}: {needle!r}")
    return found
