"""order.cancelled withdraws the order's open applications, once."""

import pytest

from common.events import Event
from common.events.delivery import deliver
from financing import scoring
from financing.models import InboxEvent, LoanApplication, OutboxEvent
from financing.reasons import reason
from financing.tests.factories import PAYLOAD_KEYS, application_make, car_order_make
from orders import services as orders_services

pytestmark = pytest.mark.django_db(databases="__all__")
CONSUMER = "financing.withdraw_on_order_cancelled"


def test_cancelling_an_order_withdraws_its_open_application_and_says_so(customer, run_on_commit):
    order = car_order_make(customer)
    rejected = application_make(customer, order, monthly_income="25000.00")
    approved = application_make(customer, order)
    elsewhere = application_make(customer, monthly_income="40000.00")

    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)

    approved.refresh_from_db()
    assert approved.status == "withdrawn"
    assert approved.reasons[-1] == reason("order_cancelled")
    assert LoanApplication.objects.get(pk=rejected.pk).status == "rejected"
    assert LoanApplication.objects.get(pk=elsewhere.pk).status == "pending_review"
    event = OutboxEvent.objects.get(type="loan_application.withdrawn")
    assert event.aggregate_id == str(approved.pk)
    assert {key: event.payload[key] for key in PAYLOAD_KEYS} == {
        "id": str(approved.pk),
        "order_id": str(order.pk),
        "customer_id": str(customer.pk),
        "status": "withdrawn",
        "amount": "800000.00",
        "currency": order.currency,
    }
    assert InboxEvent.objects.filter(consumer=CONSUMER, status="processed").count() == 1


def test_a_second_delivery_of_the_cancellation_changes_nothing(customer, run_on_commit):
    order = car_order_make(customer)
    application = application_make(customer, order, monthly_income="40000.00")
    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    delivered = InboxEvent.objects.get(consumer=CONSUMER)
    updated_at = LoanApplication.objects.get(pk=application.pk).updated_at
    redelivery = Event(
        id=str(delivered.event_id),
        type="order.cancelled",
        aggregate_id=str(order.pk),
        payload={"id": str(order.pk), "status": "cancelled"},
    )

    again = deliver(CONSUMER, redelivery.as_dict())

    assert again is False
    application.refresh_from_db()
    assert (application.status, application.updated_at) == ("withdrawn", updated_at)
    assert application.reasons.count(reason("order_cancelled")) == 1
    assert OutboxEvent.objects.filter(type="loan_application.withdrawn").count() == 1
    assert InboxEvent.objects.filter(consumer=CONSUMER).count() == 1


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_an_application_written_while_its_order_is_cancelled_is_withdrawn(customer, monkeypatch):
    # Given an order cancelled after the application was checked but before it committed, so
    # that `order.cancelled` is consumed while there is nothing to withdraw yet...
    order = car_order_make(customer)
    loan_offer = scoring.loan_offer

    def cancel_first(**terms):
        orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
        return loan_offer(**terms)

    monkeypatch.setattr(scoring, "loan_offer", cancel_first)

    application = application_make(customer, order)

    # ...the application still ends withdrawn, once its own commit shows the cancellation.
    assert InboxEvent.objects.filter(consumer=CONSUMER).count() == 1
    assert LoanApplication.objects.get(pk=application.pk).status == "withdrawn"
    assert OutboxEvent.objects.filter(type="loan_application.withdrawn").count() == 1
