"""Event names (docs/events.md, "Names"): every type is named after its subject, not its app; a
renamed type is stored and consumed under its new name only, and partners receive it under the
former name too, with that name's last version, for the version of the rename."""

import json
import re
import uuid

import pytest
from django.apps import apps
from django.db import transaction

from common.events import Event, contract, registry
from common.events.amqp import amqp_publish_pending
from common.events.delivery import deliver
from financing.models import OutboxEvent as FinancingOutbox
from financing.tests.factories import application_make
from integrations import services as integrations
from integrations.models import WebhookDelivery
from orders.models import InboxEvent as OrdersInbox
from orders.models import OrderLink
from tests.conftest import RABBITMQ_URL
from tests.rabbitmq import drain, queue_of_its_own

pytestmark = pytest.mark.django_db(databases="__all__")

DECLARED = contract.declared_events()
RENAMED = [declared for declared in DECLARED if declared.formerly is not None]
# `<subject>.<what happened>`, the subject dotted when it belongs to another record.
NAME = re.compile(r"[a-z]+(_[a-z]+)*(\.[a-z]+(_[a-z]+)*)+")


def named_after_its_app(event_type: str) -> bool:
    """Whether a type starts with an app's label, and that app has no record of the name (the
    `showroom` app's `Showroom` is a subject; the `financing` app is not)."""
    subject = event_type.split(".")[0]
    app_labels = {config.label for config in apps.get_app_configs()}
    if subject not in app_labels:
        return False
    models = {model._meta.model_name for model in apps.get_app_config(subject).get_models()}
    return subject.replace("_", "") not in models


def test_every_type_is_named_after_its_subject_never_after_an_app():
    assert [d.type for d in DECLARED if not NAME.fullmatch(d.type)] == []
    assert [d.type for d in DECLARED if named_after_its_app(d.type)] == []
    assert {d.formerly.split(".")[0] for d in RENAMED} == {
        "financing",
        "insurance",
        "showroom_place",
    }


def test_a_type_named_like_its_app_is_about_the_record_of_that_name():
    assert named_after_its_app("financing.approved")
    assert named_after_its_app("insurance.quoted")
    assert not named_after_its_app("showroom.created")
    assert not named_after_its_app("order.created")


@pytest.mark.parametrize("declared", RENAMED, ids=lambda declared: declared.type)
def test_a_rename_is_a_new_version_whose_payload_is_the_former_names_last(declared):
    former_version = declared.schema_version - 1
    new = contract.schema(declared.app_label, declared.type, declared.schema_version)
    former = contract.schema(declared.app_label, declared.formerly, former_version)

    assert (new["title"], former["title"]) == (declared.type, declared.formerly)
    assert {k: v for k, v in new.items() if k not in ("$id", "title")} == {
        k: v for k, v in former.items() if k not in ("$id", "title")
    }
    assert (declared.app_label, declared.formerly, former_version) in contract.event_types()
    assert declared.formerly not in {d.type for d in DECLARED}  # nothing emits it any more


def test_a_renamed_type_is_stored_once_and_published_under_both_names(settings, customer):
    with queue_of_its_own("#") as queue:
        settings.EVENTS_AMQP_URL = RABBITMQ_URL
        settings.EVENTS_AMQP_EXCHANGE = queue.exchange.name
        application = application_make(customer)
        rows = list(FinancingOutbox.objects.filter(aggregate_id=str(application.pk)))
        assert {(row.type, row.schema_version) for row in rows} == {
            ("loan_application.submitted", 2),  # scoring approved it
            ("loan_application.approved", 2),
        }
        rows = [row for row in rows if row.type == "loan_application.submitted"]

        amqp_publish_pending()

        messages = [m for m in drain(queue) if m.properties["message_id"] == str(rows[0].id)]
    bodies = sorted((json.loads(m.body) for m in messages), key=lambda body: body["type"])
    assert [(m.delivery_info["routing_key"]) for m in messages] == [
        "loan_application.submitted",
        "financing.submitted",
    ]
    assert [(b["type"], b["schema_version"]) for b in bodies] == [
        ("financing.submitted", 1),
        ("loan_application.submitted", 2),
    ]
    assert bodies[0]["payload"] == bodies[1]["payload"] == rows[0].payload


def test_a_subscription_gets_a_renamed_type_once_under_a_name_it_asked_for(admin_user):
    wants = {
        "old names": ["financing.*"],
        "new names": ["loan_application.*"],
        "both": ["financing.*", "loan_application.*"],
        "everything": ["*"],
        "orders only": ["order.*"],
    }
    for name, patterns in wants.items():
        integrations.subscription_create(
            owner_id=admin_user.pk, name=name, url="http://127.0.0.1:9/hook", event_types=patterns
        )
    event = Event(
        type="loan_application.approved",
        aggregate_id=str(uuid.uuid4()),
        payload={"id": "a", "order_id": str(uuid.uuid4())},
        schema_version=2,
    )

    with transaction.atomic(using="integrations"):
        assert integrations.deliveries_record(event) == 4

    delivered = {
        d.subscription.name: (d.event_type, d.body["type"], d.body["schema_version"], d.event_id)
        for d in WebhookDelivery.objects.select_related("subscription")
    }
    new = ("loan_application.approved", "loan_application.approved", 2, uuid.UUID(event.id))
    assert delivered == {
        "old names": ("financing.approved", "financing.approved", 1, uuid.UUID(event.id)),
        "new names": new,
        "both": new,
        "everything": new,
    }


def test_an_event_stored_under_its_former_name_reaches_the_new_names_consumers(customer):
    application = application_make(customer)
    row = FinancingOutbox.objects.get(
        aggregate_id=str(application.pk), type="loan_application.submitted"
    )
    stored = Event(  # as an outbox kept it from before the rename, or a dead letter
        type="financing.submitted",
        aggregate_id=row.aggregate_id,
        payload=row.payload,
        schema_version=1,
    )

    assert {c.name for c in registry.consumers_for("financing.submitted")} == {
        c.name for c in registry.consumers_for("loan_application.submitted")
    }
    assert "orders.note_financing_submitted" in {
        c.name for c in registry.consumers_for("financing.submitted")
    }
    assert deliver("orders.note_financing_submitted", stored.as_dict()) is True

    inbox = OrdersInbox.objects.get(event_id=stored.id)
    assert (inbox.consumer, inbox.event_type) == (
        "orders.note_financing_submitted",
        "loan_application.submitted",
    )
    link = OrderLink.objects.get(reference_id=application.pk)
    assert (link.kind, link.status) == ("loan_application", application.status)


def test_the_asyncapi_document_marks_a_former_name_deprecated():
    messages = contract.asyncapi_document()["components"]["messages"]
    assert messages["financing_approved_v1"]["summary"].startswith(
        "Deprecated: renamed loan_application.approved at version 2"
    )
    assert not messages["loan_application_approved_v2"]["summary"].startswith("Deprecated")
