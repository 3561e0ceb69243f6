"""Seats at a paid showroom event, paid through payments (a cross-app flow): the same
idempotency, breaker, ledger and refunds as orders, learnt of through the showroom's events."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from common.events import delivery, types
from conftest import client_for
from payments import services as payments_services
from payments.models import LedgerTransaction, Payment, Refund
from payments.models import OutboxEvent as PaymentOutbox
from showroom import services
from showroom.models import OutboxEvent, Registration
from showroom.tests.factories import event_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _instant_provider(settings, provider):
    settings.FAKE_PROVIDER_LATENCY_MS = 0


def hold_seat(user, event, run_on_commit) -> Registration:
    with run_on_commit():  # payments hears of the seat
        return services.registration_create(event_id=event.pk, user=user)


def pay(user, registration, run_on_commit, amount="1500.00", key="seat"):
    with run_on_commit():
        return client_for(user).post(
            reverse("payments-list"),
            {"registration_id": str(registration.pk), "amount": amount, "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )


def test_paying_a_held_seat_confirms_it_with_one_ledger_row(customer, run_on_commit):
    event = event_make(capacity=5, price="1500.00")
    registration = hold_seat(customer, event, run_on_commit)
    assert registration.status == "pending_payment"

    response = pay(customer, registration, run_on_commit)
    replay = pay(customer, registration, run_on_commit)

    assert response.status_code == 201
    assert response.json()["registration_id"] == str(registration.pk)
    assert response.json()["order_id"] is None
    assert replay.json()["id"] == response.json()["id"]  # the same key: the same payment
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    payment = Payment.objects.get()
    assert (payment.payable_kind, payment.status) == ("registration", "completed")
    assert list(LedgerTransaction.objects.values_list("type", "amount")) == [
        ("charge", Decimal("1500.00"))
    ]


def test_a_seat_cannot_be_paid_beyond_its_price_or_by_someone_else(
    customer, other_customer, run_on_commit
):
    event = event_make(capacity=5, price="1500.00")
    registration = hold_seat(customer, event, run_on_commit)

    too_much = pay(customer, registration, run_on_commit, amount="1500.01", key="a")
    foreign = pay(other_customer, registration, run_on_commit, key="b")

    assert (too_much.status_code, too_much.json()["error"]["code"]) == (
        409,
        "amount_exceeds_balance",
    )
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (
        404,
        "registration_not_found",
    )
    assert not Payment.objects.exists()


def test_cancelling_a_paid_event_refunds_every_seat_once_even_if_the_saga_runs_twice(
    manager_client, run_on_commit
):
    event = event_make(capacity=5, price="1500.00")
    buyers = [UserFactory(role="client") for _ in range(3)]
    seats = [hold_seat(buyer, event, run_on_commit) for buyer in buyers]
    for buyer, seat in zip(buyers, seats, strict=True):
        assert pay(buyer, seat, run_on_commit, key=f"seat-{seat.pk}").status_code == 201

    with run_on_commit():
        manager_client.post(reverse("showroom-event-cancel", args=[event.pk]))
    # The saga again: every cancellation delivered once more, and settled once more directly.
    for row in OutboxEvent.objects.filter(type="event.registration.cancelled"):
        delivery.deliver(
            "payments.settle_cancelled_registration",
            {**types.event_from_outbox_row(row, "showroom").as_dict(), "id": str(row.pk)},
        )
    with run_on_commit():
        for seat in seats:
            payments_services.registration_payable_note(
                registration_id=seat.pk,
                customer_id=seat.user_id,
                status="cancelled",
                amount="1500.00",
                currency="RUB",
            )

    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    assert set(Payment.objects.values_list("status", flat=True)) == {"refunded"}
    assert Refund.objects.filter(status="completed").count() == 3
    ledger = LedgerTransaction.objects.values_list("amount", flat=True)
    assert sum(ledger) == Decimal("0.00") and len(ledger) == 6
    assert PaymentOutbox.objects.filter(type="payment.refunded").count() == 3


def test_a_payment_that_lands_after_the_hold_expired_is_refunded(customer, run_on_commit):
    from datetime import timedelta

    from django.utils import timezone

    event = event_make(capacity=1, price="1500.00")
    registration = hold_seat(customer, event, run_on_commit)
    # The payment is created, but its processing never starts here (nothing commits).
    payment, _ = payments_services.payment_create(
        user=customer,
        registration_id=registration.pk,
        amount=Decimal("1500.00"),
        method="card",
        idempotency_key="late",
    )
    with run_on_commit():
        services.registrations_expire_holds(now=timezone.now() + timedelta(hours=1))

    with run_on_commit():
        payments_services.payment_process(payment_id=payment.pk)

    registration.refresh_from_db()
    payment.refresh_from_db()
    assert registration.status == "expired"
    assert payment.status in {"failed", "refunded"}  # never charged, or charged and refunded
    assert sum(LedgerTransaction.objects.values_list("amount", flat=True)) == Decimal("0")
