"""Webhook deliveries in-process, against a receiver on loopback
(integrations/services/deliveries.py, docs/integrations.md): signatures, retries, the retry
window on a simulated clock, order per order, redelivery and the targets refused."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from common.events import Event
from integrations import services
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from integrations.services import deliveries
from integrations.tests.receiver import Receiver, SilentReceiver

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


def subscribe(owner, url, event_types=("order.*", "payment.*")) -> WebhookSubscription:
    return services.subscription_create(
        owner_id=owner.pk, name="Accounting", url=url, event_types=list(event_types)
    )


def order_event(order_id: str, minute: int, type="order.status_changed") -> Event:
    """An event about one order, `minute` minutes into the day."""
    occurred = timezone.now().replace(hour=9, minute=minute, second=0, microsecond=0)
    return Event(
        type=type,
        aggregate_id=order_id,
        payload={"id": order_id, "status": "processing"},
        occurred_at=occurred.isoformat(),
    )


def record(*events: Event) -> None:
    for event in events:
        with transaction.atomic(using="integrations"):
            services.deliveries_record(event)


def send_due(now=None) -> list:
    """One round of the dispatcher: send every delivery due at `now`."""
    due = services.deliveries_due(now=now)
    for delivery_id in due:
        services.delivery_send(delivery_id=delivery_id, now=now)
    return due


# SIGNATURES
# ------------------------------------------------------------------------------
def test_a_delivery_is_signed_and_a_receiver_verifies_it_with_the_documented_code(
    receiver, admin_user
):
    subscription = subscribe(admin_user, receiver.url)
    record(order_event("6d1c7a55-0000-4000-8000-000000000001", 1))

    send_due()

    (got,) = receiver.received
    # docs/integrations.md, "Receiving": the receiver's whole check is one call
    event = Webhook(subscription.secret).verify(got.body, got.headers)
    assert event["type"] == "order.status_changed"
    assert got.headers["webhook-id"] == event["id"]
    assert set(event) == {
        "id",
        "type",
        "schema_version",
        "occurred_at",
        "aggregate_id",
        "request_id",
        "payload",
    }
    tampered = got.body.replace(b"processing", b"completed")
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(subscription.secret).verify(tampered, got.headers)
    another = subscribe(admin_user, receiver.url)
    with pytest.raises(WebhookVerificationError):
        Webhook(another.secret).verify(got.body, got.headers)


def test_a_delivery_replayed_with_an_old_timestamp_fails_verification(receiver, admin_user):
    subscription = subscribe(admin_user, receiver.url)
    record(order_event("6d1c7a55-0000-4000-8000-000000000002", 1))
    delivery = WebhookDelivery.objects.get()
    body = json.dumps(delivery.body)
    six_minutes_ago = timezone.now() - timedelta(minutes=6)

    replayed = services.signed_headers(subscription, delivery, body, six_minutes_ago)

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(subscription.secret).verify(body, replayed)
    fresh = services.signed_headers(subscription, delivery, body, timezone.now())
    assert Webhook(subscription.secret).verify(body, fresh)["id"] == str(delivery.event_id)


# RETRIES
# ------------------------------------------------------------------------------
def test_a_receiver_failing_three_times_gets_it_on_the_fourth_attempt_and_all_are_logged(
    admin_user,
):
    receiver = Receiver(statuses=[500, 500, 500]).start()
    try:
        subscribe(admin_user, receiver.url)
        record(order_event("6d1c7a55-0000-4000-8000-000000000003", 1))
        now = timezone.now()
        pauses = []

        for _ in range(4):
            assert len(send_due(now)) == 1
            delivery = WebhookDelivery.objects.get()
            if delivery.status == "pending":
                pauses.append((delivery.next_attempt_at - now).total_seconds())
                assert send_due(now) == []  # not before its time
                now = delivery.next_attempt_at
    finally:
        receiver.stop()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 4)
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 500, False),
        (3, 500, False),
        (4, 200, True),
    ]
    assert all(a.latency_ms >= 0 for a in attempts)
    assert len(attempts[0].response_excerpt) == services.RESPONSE_EXCERPT_CHARS  # truncated
    assert attempts[-1].response_excerpt == '{"ok": true}'
    assert len(receiver.received) == 4
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    # Exponential back-off with jitter: each pause within [half, all] of its doubling ceiling
    for number, pause in enumerate(pauses, start=1):
        ceiling = 30 * 2 ** (number - 1)
        assert ceiling / 2 <= pause <= ceiling


def test_a_receiver_that_never_answers_is_disabled_after_the_retry_window_and_its_owner_told(
    admin_user, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.2
    silent = SilentReceiver()
    subscription = subscribe(admin_user, silent.url)
    record(order_event("6d1c7a55-0000-4000-8000-000000000004", 1))
    started = now = timezone.now()

    try:
        with django_capture_on_commit_callbacks(using="integrations", execute=True):
            while WebhookSubscription.objects.get().is_active:
                assert now - started < timedelta(days=2), "never disabled"
                assert len(send_due(now)) == 1
                delivery = WebhookDelivery.objects.get()
                now = delivery.next_attempt_at if delivery.status == "pending" else now
    finally:
        silent.stop()

    subscription.refresh_from_db()
    delivery = WebhookDelivery.objects.get()
    window = timedelta(seconds=settings.WEBHOOKS_RETRY_WINDOW_SECONDS)
    assert now - started >= window
    assert delivery.status == "failed"
    assert subscription.disabled_at == now and "failed" in subscription.disabled_reason
    attempts = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempts.count() == delivery.attempts >= 10
    assert all("Timeout" in a.error and a.status_code is None for a in attempts)
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    assert "Accounting" in mail.outbox[0].subject and silent.url in mail.outbox[0].body
    assert services.deliveries_due(now=now + window) == []  # disabled: nothing more goes out


def test_a_success_ends_the_failure_streak(admin_user):
    receiver = Receiver(statuses=[503]).start()
    try:
        subscribe(admin_user, receiver.url)
        record(order_event("6d1c7a55-0000-4000-8000-000000000005", 1))
        send_due()
        assert WebhookSubscription.objects.get().failing_since is not None
        send_due(WebhookDelivery.objects.get().next_attempt_at)
    finally:
        receiver.stop()

    assert WebhookSubscription.objects.get().failing_since is None


# ORDER
# ------------------------------------------------------------------------------
def test_one_orders_events_wait_for_each_other_while_other_orders_go_on(admin_user):
    receiver = Receiver(statuses=[500]).start()  # the first attempt fails
    first, second = (
        "6d1c7a55-0000-4000-8000-00000000000a",
        "6d1c7a55-0000-4000-8000-00000000000b",
    )
    try:
        subscribe(admin_user, receiver.url)
        record(order_event(first, 1), order_event(second, 2), order_event(first, 3))
        now = timezone.now()

        assert len(send_due(now)) == 2  # the first order's oldest, and the second order's
        assert send_due(now) == []  # the first order's next waits behind its failed one
        retry_at = WebhookDelivery.objects.get(status="pending", attempts=1).next_attempt_at
        send_due(retry_at)
        send_due(retry_at)
    finally:
        receiver.stop()

    sent = [(e["aggregate_id"], e["occurred_at"][11:16]) for e in receiver.events]
    assert sent == [(first, "09:01"), (second, "09:02"), (first, "09:01"), (first, "09:03")]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_an_event_type_a_subscription_does_not_want_is_not_delivered(receiver, admin_user):
    subscribe(admin_user, receiver.url, event_types=["payment.completed"])

    record(order_event("6d1c7a55-0000-4000-8000-000000000006", 1))

    assert not WebhookDelivery.objects.exists()


def test_one_event_recorded_twice_is_one_delivery(receiver, admin_user):
    subscribe(admin_user, receiver.url)
    event = order_event("6d1c7a55-0000-4000-8000-000000000007", 1)

    record(event, event)

    assert WebhookDelivery.objects.count() == 1


# REDELIVERY
# ------------------------------------------------------------------------------
def test_an_admin_redelivers_one_delivery_and_all_since_a_time(receiver, admin_user, admin_client):
    subscription = subscribe(admin_user, receiver.url)
    order_id = "6d1c7a55-0000-4000-8000-000000000008"
    record(order_event(order_id, 1), order_event(order_id, 2), order_event(order_id, 3))
    for _ in range(3):
        send_due()
    assert len(receiver.received) == 3
    base = f"/api/v1/integrations/webhooks/{subscription.pk}"
    first = WebhookDelivery.objects.order_by("occurred_at").first()

    one = admin_client.post(f"{base}/deliveries/{first.pk}/redeliver")
    assert one.status_code == 202, one.content
    send_due()
    since = WebhookDelivery.objects.order_by("occurred_at")[1].occurred_at
    many = admin_client.post(f"{base}/redeliver", {"since": since.isoformat()}, format="json")
    assert (many.status_code, many.json()) == (202, {"redelivered": 2})
    send_due()
    send_due()

    minutes = [e["occurred_at"][14:16] for e in receiver.events]
    assert minutes == ["01", "02", "03", "01", "02", "03"]
    listed = admin_client.get(f"{base}/deliveries").json()["results"]
    assert [d["attempts"] for d in listed] == [2, 2, 2]
    assert [len(d["attempt_log"]) for d in listed] == [2, 2, 2]


# SUBSCRIPTIONS
# ------------------------------------------------------------------------------
def test_an_admin_subscribes_through_the_api_and_a_manager_cannot(
    receiver, admin_user, admin_client, manager_client
):
    body = {"name": "Bank desk", "url": receiver.url, "event_types": ["financing.*"]}

    created = admin_client.post("/api/v1/integrations/webhooks/", body, format="json")
    refused = manager_client.post("/api/v1/integrations/webhooks/", body, format="json")

    assert created.status_code == 201, created.content
    assert refused.status_code == 403
    subscription = WebhookSubscription.objects.get()
    assert (subscription.owner_id, subscription.event_types) == (admin_user.pk, ["financing.*"])
    assert created.json()["secret"] == subscription.secret
    assert subscription.secret.startswith("whsec_")


def test_an_event_type_pattern_that_matches_nothing_is_refused(receiver, admin_client):
    body = {"name": "Typo", "url": receiver.url, "event_types": ["oder.*"]}

    response = admin_client.post("/api/v1/integrations/webhooks/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "webhook_event_type_unknown"
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("https://10.0.0.1/", "10.0.0.1"),
        ("https://192.168.1.10/hook", "192.168.1.10"),
        ("https://[::1]:8443/", "::1"),
        ("https://localhost/", "localhost is a private"),  # a name that resolves inside
        ("https://[::ffff:10.0.0.1]/", "10.0.0.1"),  # IPv4-mapped
        ("https://[64:ff9b::a9fe:a9fe]/", "169.254.169.254"),  # NAT64 of the metadata host
        ("https://[2002:a00:1::]/", "10.0.0.1"),  # 6to4
        ("http://partner.example/hooks", "https"),
        ("ftp://partner.example/", "http or https"),
    ],
)
def test_private_targets_are_refused_with_production_settings(admin_client, settings, url, reason):
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    settings.WEBHOOKS_ALLOWED_NETWORKS = []
    body = {"name": "SSRF", "url": url, "event_types": ["order.*"]}

    response = admin_client.post("/api/v1/integrations/webhooks/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "webhook_target_refused"
    assert reason in error["message"]
    assert not WebhookSubscription.objects.exists()


def test_a_target_that_turns_private_later_is_refused_at_send_time(receiver, admin_user, settings):
    subscribe(admin_user, receiver.url)
    record(order_event("6d1c7a55-0000-4000-8000-000000000009", 1))
    settings.WEBHOOKS_ALLOWED_NETWORKS = []  # as if its name now pointed inside

    send_due()

    attempt = WebhookAttempt.objects.get()
    assert "not allowed" in attempt.error and attempt.status_code is None
    assert receiver.received == []


# SENDERS
# ------------------------------------------------------------------------------
def test_a_dispatch_does_not_queue_again_what_waits_for_a_sender(receiver, admin_user):
    subscribe(admin_user, receiver.url)
    record(order_event("6d1c7a55-0000-4000-8000-00000000000c", 1))

    first = services.deliveries_dispatch()
    second = services.deliveries_dispatch()

    assert len(first) == 1 and second == []
    assert services.delivery_send(delivery_id=first[0]) is True


def test_a_sender_that_dies_mid_attempt_has_used_it_and_the_next_comes_after_the_back_off(
    receiver, admin_user, settings
):
    subscribe(admin_user, receiver.url)
    record(order_event("6d1c7a55-0000-4000-8000-00000000000d", 1))
    (delivery_id,) = services.deliveries_due()
    now = timezone.now()

    deliveries._claim(delivery_id, now)  # claimed, then the worker is killed: never settled

    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.first_attempt_at) == (1, now)
    assert services.deliveries_due(now=delivery.next_attempt_at) == []  # the claim holds
    after_claim = delivery.claimed_until + timedelta(seconds=1)
    assert services.deliveries_due(now=after_claim) == [delivery.pk]
    assert services.delivery_send(delivery_id=delivery.pk, now=after_claim) is True
    assert WebhookDelivery.objects.get().attempts == 2


def test_a_redelivery_while_an_attempt_runs_leaves_it_to_settle_nothing_twice(
    admin_user, admin_client
):
    receiver = Receiver(statuses=[500]).start()
    try:
        subscription = subscribe(admin_user, receiver.url)
        record(order_event("6d1c7a55-0000-4000-8000-00000000000e", 1))
        delivery = WebhookDelivery.objects.get()
        now = timezone.now()
        claimed = deliveries._claim(delivery.pk, now)
        # An admin sends it again while that attempt is under way, and another sender
        # settles first: the late attempt is logged and decides nothing.
        services.delivery_redeliver(delivery_id=delivery.pk)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None)
        assert services.delivery_send(delivery_id=delivery.pk) is False  # the 500
        late = deliveries._post(subscription, claimed, now)
        assert late["succeeded"] is True
    finally:
        receiver.stop()

    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 2


def test_the_admin_form_refuses_a_private_target_with_a_message_not_a_500(admin_user, settings):
    from conftest import browser_for

    settings.WEBHOOKS_ALLOWED_NETWORKS = []
    page = browser_for(admin_user).post(
        "/admin/integrations/webhooksubscription/add/",
        {"name": "Inside", "url": "http://10.0.0.1/", "event_types": '["order.*"]'},
    )

    assert page.status_code == 200
    assert b"private or reserved address" in page.content
    assert not WebhookSubscription.objects.exists()
