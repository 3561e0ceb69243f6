"""Typed events (common/events/payloads.py, docs/events.md "The contract"): every event type's
JSON Schema, generated from its payload class, equals the committed one; a consumer receives
its event typed; a payload that does not match its class is refused."""

import dataclasses
from typing import Annotated, Literal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from common.events import TypedEvent, contract, registry
from common.events.payloads import Schema, Uuid, described, payload_from_json, payload_schema
from common.events.types import event_from_outbox_row
from orders.events import OrderCreated, OrderCreatedItem
from orders.models import OutboxEvent
from orders.tests.factories import order_make

DECLARED = contract.declared_events()


def test_every_app_that_emits_declares_its_types_with_payload_classes():
    assert len(DECLARED) >= 55
    assert all(dataclasses.is_dataclass(declared.payload) for declared in DECLARED)
    assert all(declared.payload.__dataclass_params__.frozen for declared in DECLARED)


@pytest.mark.parametrize("declared", DECLARED, ids=lambda declared: declared.type)
def test_the_generated_schema_of_a_type_equals_its_committed_schema(declared):
    generated = payload_schema(
        declared.payload, type=declared.type, version=declared.schema_version
    )
    committed = contract.schema(declared.app_label, declared.type, declared.schema_version)
    assert generated == committed


def test_a_field_changed_in_the_class_no_longer_matches_the_committed_schema():
    @dataclasses.dataclass(frozen=True)
    class Drifted(OrderCreated):
        currency: Annotated[str, Schema(pattern="^[A-Z]{2}$")] = described(
            "ISO 4217 code of the order's currency, e.g. RUB."
        )

    generated = payload_schema(Drifted, type="order.created", version=1)
    committed = contract.schema("orders", "order.created", 1)
    assert generated != committed
    assert generated["properties"]["currency"]["pattern"] == "^[A-Z]{2}$"


@dataclasses.dataclass(frozen=True)
class Probe:
    """A probe."""

    id: Uuid = described("The probe.")
    kind: Annotated[Literal["a"], Schema(exactly=True, const="a")] = described("Always a.")
    note: str | None = described("A note, or null.")
    tags: list[str] = described("Tags.", default_factory=list)


def test_the_generator_reads_annotations_keywords_and_defaults():
    schema = payload_schema(Probe, type="test.probe", version=3)
    assert schema["$id"].endswith("/test.probe.v3.json")
    assert schema["description"] == "A probe."
    assert schema["required"] == ["id", "kind", "note"]
    assert schema["properties"] == {
        "id": {"type": "string", "format": "uuid", "description": "The probe."},
        "kind": {"const": "a", "description": "Always a."},
        "note": {"type": ["string", "null"], "description": "A note, or null."},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "Tags."},
    }


def test_a_payload_with_a_key_its_class_lacks_or_without_a_required_one_is_refused():
    good = {"id": "0f0c5a38-3a5e-4e0b-9a4c-6c2f1e3a1b10", "kind": "a", "note": None}
    assert payload_from_json(Probe, good) == Probe(id=good["id"], kind="a", note=None, tags=[])
    with pytest.raises(TypeError, match="no field surprise"):
        payload_from_json(Probe, {**good, "surprise": 1})
    with pytest.raises(TypeError):
        payload_from_json(Probe, {"id": good["id"]})


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_consumer_receives_its_event_typed_from_the_stored_payload(monkeypatch):
    """A real consumer (the accounts' activity row of a placed order), watched as the order's
    event reaches it through the outbox, the relay's hand-over and the worker's delivery."""
    name = "accounts.log_order_placed"
    registered = registry.consumer_named(name)
    received = []

    def watched(event):
        received.append(event)
        registered.handler(event)

    monkeypatch.setitem(registry._consumers, name, dataclasses.replace(registered, handler=watched))
    order = order_make(UserFactory(), (ProductFactory(), 2), (ProductFactory(), 1))

    [event] = received
    row = OutboxEvent.objects.get(type="order.created", aggregate_id=str(order.pk))
    assert isinstance(event, TypedEvent)
    assert isinstance(event.payload, OrderCreated)
    assert event.payload.id == str(order.pk)
    assert event.payload.total_amount == row.payload["total_amount"]
    assert [type(item) for item in event.payload.items] == [OrderCreatedItem] * 2
    assert event.event == event_from_outbox_row(row, "orders")  # as it travelled
    assert event.type == "order.created" and event.id == str(row.pk)
