"""The service's events go to partners as every published event does (docs/events.md):
webhooks through the fan-out, RabbitMQ and Kafka from the service's outbox by the relay, on
the topics of their aggregates, and in the AsyncAPI document."""

import pytest

from accounts.tests.factories import UserFactory
from common.events import contract, delivery, kafka, registry, types
from integrations import services as integrations_services
from integrations.models import WebhookDelivery
from service.models import OutboxEvent
from service.tests.factories import service_showroom_make, work_order_make

SERVICE_TYPES = {
    "service_booking.created",
    "service_booking.rescheduled",
    "service_booking.cancelled",
    "work_order.opened",
    "work_order.status_changed",
    "work_order.line_proposed",
    "work_order.line_decided",
    "warranty_claim.opened",
    "warranty_claim.status_changed",
}


def test_every_service_event_is_published_on_its_aggregates_topic():
    published = {type: app for app, type, _version in contract.event_types()}

    assert {type: published.get(type) for type in SERVICE_TYPES} == dict.fromkeys(
        SERVICE_TYPES, "service"
    )
    assert "service" in registry.outbox_apps()  # what the relay publishes from
    assert {
        "autosalon.service_booking",
        "autosalon.work_order",
        "autosalon.warranty_claim",
    } <= set(kafka.topics())
    channels = contract.asyncapi_document()["channels"].values()
    carried = {name for channel in channels for name in channel["messages"]}
    assert {f"{type.replace('.', '_')}_v1" for type in SERVICE_TYPES} <= carried


@pytest.mark.django_db(databases="__all__")
def test_a_partners_subscription_to_the_service_gets_a_delivery_of_each_event():
    partner = UserFactory(role="admin")
    integrations_services.subscription_create(
        owner_id=partner.pk,
        name="Сервисный партнёр",
        url="http://127.0.0.1:9/hooks",
        event_types=["service_booking.*", "work_order.*", "warranty_claim.*"],
    )
    showroom = service_showroom_make()
    staff = UserFactory(role="manager", showroom_ids=[showroom.pk])
    work_order_make(staff, UserFactory(role="client"), showroom)

    rows = list(OutboxEvent.objects.order_by("created_at"))
    for row in rows:
        event = types.event_from_outbox_row(row, "service").as_dict()
        assert delivery.deliver("integrations.webhook_fanout", event) is True

    assert [row.type for row in rows] == ["service_booking.created", "work_order.opened"]
    delivered = WebhookDelivery.objects.order_by("created_at")
    assert [(d.event_type, str(d.event_id)) for d in delivered] == [
        (row.type, str(row.id)) for row in rows
    ]
    assert delivered[1].body["payload"]["number"].startswith("ЗН-")
