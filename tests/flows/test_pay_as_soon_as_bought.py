"""A premium or a seat can be paid as soon as its purchase answers (docs/deal.md,
"Payables"): payments learns of it from its owner's event, and when the buyer is quicker
than the event it asks the owner (common/payables.py) instead of answering 404 for
something that exists. The events here are not delivered until the test says so: the
buyer always pays before payments has heard."""

import uuid

import pytest
from django.urls import reverse

from common.events import delivery, registry, types
from conftest import client_for
from insurance import services as insurance_services
from insurance.tests.factories import quote_make, vehicle_order_make
from payments.handlers import note_policy  # noqa: F401  (the consumers exist)
from payments.models import Payable, Payment
from showroom import services as showroom_services
from showroom.tests.factories import event_make

pytestmark = pytest.mark.django_db(databases="__all__")
URL = reverse("payments-list")


def pay(client, amount, **payable):
    body = {"amount": str(amount), "method": "card", **payable}
    return client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_a_premium_paid_the_moment_its_policy_is_bought_is_taken_50_times_over(
    customer, provider, run_on_commit
):
    client = client_for(customer)
    order = vehicle_order_make(customer)
    for _ in range(50):
        policy = insurance_services.quote_purchase(quote_id=quote_make(customer, order).pk)

        with run_on_commit():
            response = pay(client, policy.premium, policy_id=str(policy.pk))

        assert response.status_code == 201, response.json()
        assert Payable.objects.get(payable_id=policy.pk).total_amount == policy.premium
        assert Payment.objects.get(payable_id=policy.pk).status == "completed"

    # The purchases' events arriving afterwards note nothing twice.
    rows = registry.outbox_model("insurance")._default_manager.filter(
        type="insurance_policy.purchased"
    )
    assert rows.count() == 50
    for row in rows:
        delivery.deliver(
            "payments.note_policy_premium", types.event_from_outbox_row(row, "insurance").as_dict()
        )
    assert Payable.objects.filter(payable_kind="policy").count() == 50
    assert Payment.objects.filter(status="completed").count() == 50


def test_a_seat_paid_the_moment_it_is_taken_is_taken(customer, provider, run_on_commit):
    event = event_make(price="1500.00")
    registration = showroom_services.registration_create(event_id=event.pk, user=customer)
    assert registration.status == "pending_payment"

    with run_on_commit():
        response = pay(client_for(customer), "1500.00", registration_id=str(registration.pk))

    assert response.status_code == 201, response.json()
    assert Payment.objects.get(payable_id=registration.pk).status == "completed"


def test_what_does_not_exist_is_still_a_404_and_someone_elses_too(
    customer, other_customer, provider
):
    unknown = pay(client_for(customer), "100.00", policy_id=str(uuid.uuid4()))
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "policy_not_found")

    policy = insurance_services.quote_purchase(quote_id=quote_make(other_customer).pk)
    theirs = pay(client_for(customer), policy.premium, policy_id=str(policy.pk))
    assert theirs.status_code == 404
    assert not Payment.objects.exists()
