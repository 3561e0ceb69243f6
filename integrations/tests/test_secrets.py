"""Webhook secrets (docs/integrations.md, "Secrets"): encrypted at rest, shown once, and
rotated with an overlap during which the old and the new secret both sign."""

from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from common.events import Event
from conftest import browser_for
from integrations import services
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import deliveries
from integrations.signing import secret_decrypt, secret_generate
from integrations.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(databases="__all__")

WEBHOOKS = "/api/v1/integrations/webhooks/"


def order_event(order_id: str, minute: int) -> Event:
    occurred = timezone.now().replace(hour=9, minute=minute, second=0, microsecond=0)
    return Event(
        type="order.status_changed",
        aggregate_id=order_id,
        payload={"id": order_id, "status": "processing"},
        occurred_at=occurred.isoformat(),
    )


def record(*events: Event) -> None:
    for event in events:
        with transaction.atomic(using="integrations"):
            services.deliveries_record(event)


def verifies(secret: str, received) -> bool:
    try:
        Webhook(secret).verify(received.body, received.headers)
    except WebhookVerificationError:
        return False
    return True


# AT REST, SHOWN ONCE
# ------------------------------------------------------------------------------
def test_a_secret_is_stored_encrypted_and_shown_only_in_the_answer_to_its_creation(
    admin_user, admin_client
):
    body = {"name": "Bank desk", "url": "http://127.0.0.1:9/hooks", "event_types": ["order.*"]}

    created = admin_client.post(WEBHOOKS, body, format="json")

    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and len(secret) == len(secret_generate())
    assert "no-store" in created["Cache-Control"]
    pk = created.json()["id"]
    with connections["integrations"].cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_webhooksubscription WHERE id = %s", [pk])
        columns = [c.name for c in cursor.description]
        (row,) = cursor.fetchall()
    stored = dict(zip(columns, row, strict=True))
    assert "secret" not in columns  # the plain-text column is gone
    assert secret not in str(row) and secret[6:] not in str(row)
    assert secret_decrypt(stored["secret_encrypted"]) == secret
    # Never again: not in the list, the GET, the answer to a change, nor the admin's page.
    answers = [
        admin_client.get(WEBHOOKS),
        admin_client.get(f"{WEBHOOKS}{pk}/"),
        admin_client.patch(f"{WEBHOOKS}{pk}/", {"name": "Loan desk"}, format="json"),
        browser_for(admin_user).get(f"/admin/integrations/webhooksubscription/{pk}/change/"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    for answer in answers:
        assert secret.encode() not in answer.content
        assert secret[6:].encode() not in answer.content
    assert "secret" not in answers[1].json()
    assert WebhookSubscription.objects.get().name == "Loan desk"


def test_the_admin_shows_a_new_subscriptions_secret_on_the_page_after_adding_it_only(
    admin_user,
):
    browser = browser_for(admin_user)

    page = browser.post(
        "/admin/integrations/webhooksubscription/add/",
        {"name": "Insurer", "url": "http://127.0.0.1:9/hooks", "event_types": '["order.*"]'},
    )

    subscription = WebhookSubscription.objects.get()
    assert page.status_code == 200
    assert subscription.secret.encode() in page.content
    assert "no-store" in page["Cache-Control"]
    again = browser.get(f"/admin/integrations/webhooksubscription/{subscription.pk}/change/")
    assert again.status_code == 200 and subscription.secret.encode() not in again.content


# ROTATION
# ------------------------------------------------------------------------------
def test_a_rotation_with_deliveries_in_flight_signs_with_both_in_the_overlap_then_the_new_only(
    admin_client, settings
):
    settings.WEBHOOKS_SECRET_OVERLAP_SECONDS = 120  # receivers check timestamps to 5 minutes
    receiver = Receiver(statuses=[200, 500, 200]).start()  # the second delivery fails once
    try:
        body = {"name": "Accounting", "url": receiver.url, "event_types": ["order.*"]}
        old = admin_client.post(WEBHOOKS, body, format="json").json()
        record(
            order_event("6d1c7a55-0000-4000-8000-0000000000a1", 1),
            order_event("6d1c7a55-0000-4000-8000-0000000000a2", 2),
            order_event("6d1c7a55-0000-4000-8000-0000000000a3", 3),
        )
        first, second, third = WebhookDelivery.objects.order_by("occurred_at")
        now = timezone.now()
        # Given a delivery a sender has claimed, not yet signed, when the secret is rotated
        in_flight = deliveries._claim(first.pk, now)
        rotated = admin_client.post(f"{WEBHOOKS}{old['id']}/rotate-secret")
        assert rotated.status_code == 200, rotated.content
        new = rotated.json()
        expires_at = WebhookSubscription.objects.get().previous_secret_expires_at
        # then it, and the others sent during the overlap, are signed with both secrets
        outcome = deliveries._post(in_flight.subscription, in_flight, now)
        assert outcome["succeeded"] is True
        assert services.deliveries_due(now=now + timedelta(seconds=60)) == [second.pk, third.pk]
        for delivery_id in (second.pk, third.pk):
            services.delivery_send(delivery_id=delivery_id, now=now + timedelta(seconds=60))
        # and after the overlap, the second's retry is signed with the new one only.
        after = expires_at + timedelta(seconds=1)
        assert services.deliveries_due(now=after) == [second.pk]
        assert services.delivery_send(delivery_id=second.pk, now=after) is True
    finally:
        receiver.stop()

    assert new["secret"] != old["secret"] and new["id"] == old["id"]
    assert timedelta(seconds=120) <= expires_at - now <= timedelta(seconds=125)
    assert new["previous_secret_expires_at"] is not None
    during, after_overlap = receiver.received[:3], receiver.received[3:]
    assert [r.event["aggregate_id"][-2:] for r in receiver.received] == ["a1", "a2", "a3", "a2"]
    for received in during:
        assert verifies(old["secret"], received) and verifies(new["secret"], received)
        assert len(received.headers["webhook-signature"].split(" ")) == 2
    (retry,) = after_overlap
    assert verifies(new["secret"], retry) and not verifies(old["secret"], retry)
    assert len(retry.headers["webhook-signature"].split(" ")) == 1
    settled = WebhookDelivery.objects.exclude(pk=first.pk)  # the first's sender settles it
    assert [(d.status, d.attempts) for d in settled.order_by("occurred_at")] == [
        ("succeeded", 2),
        ("succeeded", 1),
    ]


def test_a_second_rotation_within_the_overlap_stops_the_first_secret_at_once(admin_user):
    subscription = services.subscription_create(
        owner_id=admin_user.pk, name="A", url="http://127.0.0.1:9/", event_types=["order.*"]
    )
    first = subscription.secret
    now = timezone.now()

    second = services.subscription_secret_rotate(subscription_id=subscription.pk, now=now).secret
    third = services.subscription_secret_rotate(subscription_id=subscription.pk, now=now).secret

    stored = WebhookSubscription.objects.get()
    assert services.signing_secrets(stored, now) == [third, second]
    assert first not in services.signing_secrets(stored, now)
    expires_at = stored.previous_secret_expires_at
    assert services.signing_secrets(stored, expires_at) == [third]


def test_a_manager_cannot_rotate_a_secret_and_it_stays_the_same(admin_user, manager_client):
    subscription = services.subscription_create(
        owner_id=admin_user.pk, name="A", url="http://127.0.0.1:9/", event_types=["order.*"]
    )

    refused = manager_client.post(f"{WEBHOOKS}{subscription.pk}/rotate-secret")

    assert refused.status_code == 403
    assert b"whsec_" not in refused.content
    stored = WebhookSubscription.objects.get()
    assert stored.secret == subscription.secret
    assert (stored.previous_secret_encrypted, stored.previous_secret_expires_at) == ("", None)


def test_the_admin_action_rotates_the_secret_and_shows_the_new_one_on_its_page_only(
    admin_user,
):
    subscription = services.subscription_create(
        owner_id=admin_user.pk, name="A", url="http://127.0.0.1:9/", event_types=["order.*"]
    )
    old = subscription.secret
    browser = browser_for(admin_user)

    page = browser.post(
        "/admin/integrations/webhooksubscription/",
        {"action": "rotate_secret", "_selected_action": [str(subscription.pk)]},
    )

    stored = WebhookSubscription.objects.get()
    assert page.status_code == 200
    assert stored.secret != old and stored.secret.encode() in page.content
    assert old.encode() not in page.content
    assert services.signing_secrets(stored, timezone.now()) == [stored.secret, old]
    listing = browser.get("/admin/integrations/webhooksubscription/")
    assert listing.status_code == 200 and stored.secret.encode() not in listing.content


# MIGRATION
# ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, databases=["integrations"])
def test_the_migration_encrypts_the_secrets_stored_in_plain_text():
    connection = connections["integrations"]
    before, after = (
        ("integrations", "0002_delivery_queued_until"),
        (
            "integrations",
            "0003_webhook_secrets_encrypted",
        ),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old_apps = executor.loader.project_state([before]).apps
        plain = secret_generate()
        old_apps.get_model("integrations", "WebhookSubscription").objects.using(
            "integrations"
        ).create(
            name="Legacy",
            url="https://partner.example/hooks",
            event_types=["order.*"],
            secret=plain,
            owner_id="6d1c7a55-0000-4000-8000-0000000000ff",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("integrations"))

    stored = WebhookSubscription.objects.get()
    assert stored.secret == plain
    assert plain not in stored.secret_encrypted and plain[6:] not in stored.secret_encrypted
    assert after in MigrationRecorder(connection).applied_migrations()


# THE KEY
# ------------------------------------------------------------------------------
def test_a_new_key_put_first_and_the_reencrypt_command_let_the_old_key_go(admin_user, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.WEBHOOKS_SECRETS_KEY = [old_key]
    subscription = services.subscription_create(
        owner_id=admin_user.pk, name="A", url="http://127.0.0.1:9/", event_types=["order.*"]
    )
    first = subscription.secret
    second = services.subscription_secret_rotate(subscription_id=subscription.pk).secret

    settings.WEBHOOKS_SECRETS_KEY = [new_key, old_key]
    call_command("integrations_secrets_reencrypt", stdout=StringIO())
    settings.WEBHOOKS_SECRETS_KEY = [new_key]

    stored = WebhookSubscription.objects.get()
    assert services.signing_secrets(stored, timezone.now()) == [second, first]
    assert Fernet(new_key).decrypt(stored.secret_encrypted.encode()).decode() == second
    settings.WEBHOOKS_SECRETS_KEY = [Fernet.generate_key().decode()]  # a key lost
    with pytest.raises(RuntimeError, match="cannot be decrypted"):
        services.signing_secrets(WebhookSubscription.objects.get(), timezone.now())
