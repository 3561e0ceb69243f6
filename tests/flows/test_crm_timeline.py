"""A customer's whole story in the CRM's timeline, carried by a real Celery worker from every
app's outbox: once each, in order, linked to its source, however often it is delivered."""

import pytest

from accounts import services as accounts_services
from accounts.tests.factories import PASSWORD
from common.events import registry, types
from common.events.signing import sign
from common.tasks import event_deliver_task
from conftest import client_for
from crm.handlers import FEEDS, consumer_name
from crm.models import Activity, Client
from financing.tests.factories import application_make
from insurance.tests.factories import policy_make
from orders.tests.factories import order_make, vehicle_make
from payments.tests.factories import completed_payment_make
from tests.processes import wait_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]

STORY = ["registered", "order_placed", "payment_completed", "loan_decided", "policy_issued"]


def timeline(user) -> list[Activity]:
    return list(Activity.objects.filter(client__user_id=user.pk).order_by("occurred_at"))


def redeliver_everything_to_the_crm() -> int:
    """Hand every event the CRM consumes to it once more, as a broker that redelivers would."""
    handed = 0
    for app_label in registry.outbox_apps():
        for row in registry.outbox_model(app_label)._default_manager.filter(type__in=FEEDS):
            event = types.event_from_outbox_row(row, app_label).as_dict()
            name = consumer_name(row.type)
            event_deliver_task.delay(name, event, signature=sign(event, [name]))
            handed += 1
    return handed


def test_a_customers_story_reaches_their_timeline_once_in_order_even_delivered_twice(
    worker, provider, manager
):
    user = accounts_services.user_register(
        email="anna@example.com", password=PASSWORD, full_name="Anna Petrova"
    )
    # She follows the verification link: scoring approves only a verified buyer's loan.
    token = accounts_services.email_verify_token(user=user)
    user = accounts_services.email_verify_confirm(token=token)
    order = order_make(user, (vehicle_make(price="1000000.00"), 1))  # a car, to insure
    payment = completed_payment_make(user, order, "100000.00")
    application = application_make(user, order)  # approved on the spot: a high income
    policy = policy_make(user, order)

    wait_for(lambda: len(timeline(user)) >= len(STORY), message="the story in the timeline")
    assert redeliver_everything_to_the_crm() >= len(STORY)
    worker.wait_idle()

    entries = timeline(user)
    assert [entry.kind for entry in entries] == STORY
    assert [(entry.source_type, entry.source_id) for entry in entries] == [
        ("user", str(user.pk)),
        ("order", str(order.pk)),
        ("payment", str(payment.pk)),
        ("loan_application", str(application.pk)),
        ("insurance_policy", str(policy.pk)),
    ]
    client = Client.objects.get(user_id=user.pk)  # one record, made by the first event
    assert (client.name, client.email, client.source) == (
        "Anna Petrova",
        "anna@example.com",
        "registration",
    )
    assert client.last_activity_at == entries[-1].occurred_at

    shown = client_for(manager).get(f"/api/v1/crm/clients/{client.pk}/activity").json()
    assert [entry["kind"] for entry in shown["results"]] == STORY[::-1]  # newest first
    assert shown["results"][0]["source"] == {
        "type": "insurance_policy",
        "id": str(policy.pk),
        "url": f"/api/v1/insurance/policies/{policy.pk}/",
    }
