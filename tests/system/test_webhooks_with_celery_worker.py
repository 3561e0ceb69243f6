"""Webhooks end to end: a real Celery worker, on Redis and on RabbitMQ, carries an order's
story from the outbox to a partner's endpoint on loopback (docs/integrations.md)."""

import pytest
from standardwebhooks.webhooks import Webhook

from common.events import registry
from conftest import client_for
from integrations import services as integration_services
from integrations.models import WebhookDelivery
from integrations.tests.receiver import Receiver
from orders import services as order_services
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make
from tests.conftest import BROKERS
from tests.processes import wait_for

pytestmark = [
    pytest.mark.process,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.parametrize("broker", BROKERS, indirect=True),
]


def subscribed_events() -> list[tuple[str, str]]:
    """(id, type) of every order and payment event the outboxes recorded, oldest first."""
    rows = []
    for app_label in ("orders", "payments"):
        for row in registry.outbox_model(app_label)._default_manager.all():
            if row.type.startswith(("order.", "payment.")):
                rows.append((row.occurred_at, str(row.id), row.type))
    return [(id, type) for _, id, type in sorted(rows)]


def test_an_order_flow_reaches_the_partner_once_per_event_in_order_and_signed(
    worker, provider, customer, manager, admin_user
):
    receiver = Receiver().start()
    try:
        subscription = integration_services.subscription_create(
            owner_id=admin_user.pk,
            name="Accounting",
            url=receiver.url,
            event_types=["order.*", "payment.*"],
        )
        order = order_make(customer, (product_make(price="1000.00"), 1))
        completed_payment_make(customer, order, "1000.00")
        wait_for(lambda: order.__class__.objects.get(pk=order.pk).status == "paid", message="paid")
        for status in ("processing", "completed"):
            order_services.order_status_set(order_id=order.pk, status=status, user=manager)

        wait_for(
            lambda: len(receiver.received) >= len(subscribed_events()) >= 6,
            timeout=60,
            message="every order and payment event at the receiver",
        )
        worker.wait_idle()
    finally:
        receiver.stop()

    events = [Webhook(subscription.secret).verify(r.body, r.headers) for r in receiver.received]
    received = [(e["id"], e["type"]) for e in events]
    assert sorted(received) == sorted(subscribed_events())  # every one, once each
    for prefix in ("order.", "payment."):  # each outbox's events in the order they happened
        assert [r for r in received if r[1].startswith(prefix)] == [
            s for s in subscribed_events() if s[1].startswith(prefix)
        ]
    assert {e["type"] for e in events} >= {
        "order.created",
        "payment.created",
        "payment.completed",
        "order.status_changed",
    }
    assert [e["payload"]["status"] for e in events if e["type"] == "order.status_changed"] == [
        "paid",
        "processing",
        "completed",
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    shown = client_for(admin_user).get(
        f"/api/v1/integrations/webhooks/{subscription.pk}/deliveries"
    )
    assert shown.json()["count"] == len(events)
