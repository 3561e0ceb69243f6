"""The accounts review's attacks replayed against the running site (docs/security.md,
"Tokens", "Account enumeration" and docs/notifications.md, "Unsubscribing"): a browser
session outliving "log out everywhere", sign-up and password reset telling who has an
account, and an unsubscribe link used twice or after it expired."""

import contextlib
import statistics
import time
import uuid
from datetime import timedelta

import httpx
import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tokens import AccessToken
from config.settings.general import DEFAULT_SECRET_KEY
from notifications.models import Delivery, Preference
from notifications.services.preferences import UNSUBSCRIBE_SALT
from tests.processes import Site

pytestmark = [
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("server_password_hashers"),
]

SAMPLES = 20


def signed_in_browser(server, user) -> httpx.Client:
    """A storefront session of `user`, signed in through the form as a browser would."""
    http = httpx.Client(base_url=server.url, timeout=60)
    form = http.get("/account/sign-in/")
    done = http.post(
        "/account/sign-in/",
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": http.cookies["csrftoken"],
        },
        headers={"Referer": str(form.url)},
    )
    assert done.status_code == 302, done.text[:2000]
    assert http.get("/account/").status_code == 200
    return http


def test_logging_out_everywhere_ends_the_browsers_session(server):
    user = UserFactory()
    with contextlib.closing(signed_in_browser(server, user)) as browser:
        cookie = browser.cookies["sessionid"]
        token = str(AccessToken.for_user(user))
        with httpx.Client(base_url=server.url, timeout=60) as api:
            out = api.post("/api/v1/auth/logout-all", headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204

        with httpx.Client(base_url=server.url, timeout=60) as stolen:
            stolen.cookies.set("sessionid", cookie)
            pages = [stolen.get(path) for path in ("/account/", "/account/orders/")]

    assert [page.status_code for page in pages] == [302, 302]
    assert all(page.headers["location"].startswith("/account/sign-in/") for page in pages)
    admin = httpx.get(f"{server.url}/admin/", cookies={"sessionid": cookie}, timeout=60)
    assert admin.status_code == 302 and "/admin/login/" in admin.headers["location"]


def _timed(http: httpx.Client, path: str, body: dict) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = http.post(path, json=body)
    return time.perf_counter() - started, response


def _shape(response: httpx.Response) -> tuple:
    body = response.json() if response.content else None
    return response.status_code, tuple(sorted(body)) if isinstance(body, dict) else str(body)


@pytest.fixture(scope="module")
def relayed_server(django_db_setup, tmp_path_factory):
    """The site as production runs it in every respect the timing depends on: its events
    are published by the relay (EVENTS_PUBLISH_ON_COMMIT off, production's default), not by
    the request after its commit as the suite's `server` does."""
    running = Site(
        tmp_path_factory.mktemp("relayed"), env={"EVENTS_PUBLISH_ON_COMMIT": "False"}
    ).start()
    yield running
    running.stop()


def test_sign_up_and_reset_answer_alike_for_taken_and_free_addresses(
    relayed_server,
):
    server = relayed_server
    owner = UserFactory(email="owner@example.com")
    run = uuid.uuid4().hex[:8]
    times: dict[str, list[float]] = {"new": [], "taken": [], "known": [], "unknown": []}
    shapes: dict[str, set] = {name: set() for name in times}
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for n in range(SAMPLES + 2):  # the first two warm the server up, and are dropped
            body = {"password": "Sturdy-pass-2026", "full_name": "Probe"}
            samples = {
                "new": ("/api/v1/auth/register", {**body, "email": f"new-{run}-{n}@example.com"}),
                "taken": ("/api/v1/auth/register", {**body, "email": owner.email}),
                "known": ("/api/v1/auth/password/reset", {"email": owner.email}),
                "unknown": ("/api/v1/auth/password/reset", {"email": f"x-{run}-{n}@example.com"}),
            }
            order = list(samples) if n % 2 else list(reversed(samples))  # interleaved
            for name in order:
                elapsed, response = _timed(http, *samples[name])
                if n >= 2:
                    times[name].append(elapsed)
                    shapes[name].add(_shape(response))

    medians = {name: statistics.median(values) for name, values in times.items()}
    assert shapes["new"] == shapes["taken"] and len(shapes["new"]) == 1
    assert next(iter(shapes["new"]))[0] == 201
    assert shapes["known"] == shapes["unknown"] and len(shapes["known"]) == 1
    assert User.objects.filter(email=owner.email).count() == 1
    assert User.objects.filter(email__startswith=f"new-{run}-").count() == SAMPLES + 2
    # Time is not asserted on a shared machine (docs/conventions.md, "Tests"): the medians
    # are printed, for whoever compares them on a quiet one.
    print(
        "\nmedians, ms: "
        + ", ".join(f"{name} {value * 1000:.1f}" for name, value in medians.items())
        + f"; sign-up {abs(medians['new'] - medians['taken']) * 1000:.1f} apart, "
        f"reset {abs(medians['known'] - medians['unknown']) * 1000:.1f} apart"
    )


def _delivery(user) -> Delivery:
    return Delivery.objects.create(
        key=f"review-{uuid.uuid4().hex}",
        notice="order.reservation_expiring",
        category="reminders",
        channel="email",
        user_id=user.pk,
        recipient=user.email,
        language="ru",
    )


def _link(delivery: Delivery) -> str:
    """The link as the site signs it (it runs on the base settings' key)."""
    token = signing.dumps(
        str(delivery.pk), key=DEFAULT_SECRET_KEY, salt=UNSUBSCRIBE_SALT, compress=True
    )
    return f"/notifications/unsubscribe/{token}/"


def test_an_unsubscribe_link_works_once_and_not_once_expired(server, settings):
    user = UserFactory()
    Preference.objects.create(user_id=user.pk)
    used, expired = _delivery(user), _delivery(user)
    link = _link(used)
    with time_machine.travel(
        timezone.now() - timedelta(days=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS + 1)
    ):
        old_link = _link(expired)

    with httpx.Client(base_url=server.url, timeout=60) as http:
        first = http.post(link, data={"List-Unsubscribe": "One-Click"})
        assert first.status_code == 200
        Preference.objects.filter(user_id=user.pk).update(email_reminders=True)  # on again
        again = http.post(link, data={"List-Unsubscribe": "One-Click"})
        late = http.post(old_link, data={"List-Unsubscribe": "One-Click"})

    assert again.status_code == 400 and late.status_code == 400
    assert 'data-status="invalid"' in again.text and 'data-status="invalid"' in late.text
    assert Preference.objects.get(user_id=user.pk).email_reminders is True
    assert Delivery.objects.get(pk=expired.pk).unsubscribed_at is None
    used_at = Delivery.objects.get(pk=used.pk).unsubscribed_at
    assert used_at is not None
