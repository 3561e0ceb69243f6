"""The events' published contract (common/events/contract.py): a JSON Schema for each event
type, versioned; every event in the suite checked against it when emitted; the AsyncAPI
document served beside the OpenAPI schema."""

import pytest
from django.conf import settings
from django.db import transaction
from jsonschema import Draft202012Validator

from common.events import contract
from orders import events as order_events
from orders.events import order_payload
from orders.tests.factories import order_make, product_make

PUBLISHED = contract.event_types()


def test_the_suite_checks_every_emitted_payload_against_its_schema():
    assert settings.EVENTS_VALIDATE_PAYLOADS


@pytest.mark.parametrize(
    ("app_label", "type", "version"), PUBLISHED, ids=[t for _, t, _ in PUBLISHED]
)
def test_each_event_type_has_a_valid_strict_schema_of_its_version(app_label, type, version):
    schema = contract.schema(app_label, type, version)

    Draft202012Validator.check_schema(schema)
    assert schema["title"] == type
    assert schema["$id"] == f"{contract.SCHEMA_BASE_URI}{type}.v{version}.json"
    assert schema["additionalProperties"] is False
    assert schema["description"]


def test_every_declared_event_type_has_a_schema_internal_ones_included():
    declared = contract.declared_events()

    assert len(declared) >= 39
    for event in declared:
        assert contract.schema_path(event.app_label, event.type, event.schema_version).exists()


@pytest.mark.django_db(databases="__all__")
def test_a_payload_that_no_longer_matches_its_schema_fails_at_emit(customer):
    order = order_make(customer, (product_make(), 1))
    drifted = {**order_payload(order), "total_amount": 1000.0}  # a float, not a string
    drifted.pop("currency")

    with pytest.raises(contract.PayloadMismatch) as refused, transaction.atomic(using="orders"):
        order_events.ORDER_CREATED.emit(aggregate_id=order.pk, payload=drifted)

    assert "total_amount" in str(refused.value) and "currency" in str(refused.value)


def test_a_field_the_schema_does_not_know_fails_too():
    schema_of = order_events.ORDER_CREATED
    payload = {"id": "x", "unexpected": True}

    with pytest.raises(contract.PayloadMismatch, match="unexpected"):
        contract.payload_check(schema_of.app_label, schema_of.type, 1, payload)


def test_the_asyncapi_document_lists_every_published_event_and_no_internal_one(client):
    response = client.get("/api/schema/events/")

    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    document = response.json()
    assert document["asyncapi"] == "3.0.0"
    addresses = {
        channel["address"]
        for channel in document["channels"].values()
        if "amqp" in channel["bindings"]
    }
    assert addresses == {type for _, type, _ in PUBLISHED}
    assert "user.password_reset_requested" not in addresses
    message = document["components"]["messages"]["order_created_v1"]
    assert message["payload"]["properties"]["schema_version"] == {"const": 1}
    assert message["payload"]["properties"]["payload"] == {
        "$ref": "#/components/schemas/order_created_v1_payload"
    }
    exchange = document["channels"]["order_created_v1"]["bindings"]["amqp"]["exchange"]
    assert exchange == {"name": "autosalon.events", "type": "topic", "durable": True}


@pytest.mark.django_db(databases="__all__")
def test_formats_are_checked_too(customer):
    product = product_make()
    order = order_make(customer, (product, 1))
    created = order_events.ORDER_CREATED
    payload = order_payload(order, items=[{"product_id": str(product.pk), "quantity": 1}])

    contract.payload_check(created.app_label, created.type, 1, payload)
    with pytest.raises(contract.PayloadMismatch, match="uuid"):
        contract.payload_check(created.app_label, created.type, 1, {**payload, "id": "42"})


def test_the_asyncapi_document_has_the_kafka_server_and_one_channel_per_aggregate_topic():
    document = contract.asyncapi_document()

    assert document["servers"]["kafka"]["protocol"] == "kafka"
    kafka_channels = {
        channel["address"]: channel
        for channel in document["channels"].values()
        if "kafka" in channel["bindings"]
    }
    assert set(kafka_channels) == {contract.kafka_topic(type) for _, type, _ in PUBLISHED}
    order_topic = kafka_channels["autosalon.order"]
    assert order_topic["servers"] == [{"$ref": "#/servers/kafka"}]
    assert "order_cancelled_v1" in order_topic["messages"]
    carried = {name for channel in kafka_channels.values() for name in channel["messages"]}
    assert carried == {f"{type.replace('.', '_')}_v{version}" for _, type, version in PUBLISHED}
    headers = document["components"]["messages"]["order_created_v1"]["headers"]["properties"]
    assert set(headers) == {"event_type", "event_id", "schema_version"}
