from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import stock_of
from common.api.exceptions import ApplicationError
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import LedgerTransaction, Payment, Refund
from payments.tests.factories import pending_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def paid_order(customer, customer_client, run_on_commit):
    """An order of 1000.00, paid in full by one completed payment."""
    car = product_make(stock=2, price="1000.00")
    order = order_make(customer, (car, 1))
    with run_on_commit():
        customer_client.post(
            reverse("payments-list"),
            {"order_id": str(order.pk), "amount": "1000.00", "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="pay",
        )
    order.car = car
    return order


def settle(order):
    """What payments' consumer of `order.cancelled` does with the event."""
    return services.payable_settle_cancelled(
        payable_id=order.pk,
        order_id=order.pk,
        customer_id=order.customer_id,
        total_amount=order.total_amount,
        currency=order.currency,
    )


def refund_url(payment):
    return reverse("payments-refund", args=[payment.pk])


def ledger_sum(payment) -> Decimal:
    amounts = LedgerTransaction.objects.filter(payment=payment).values_list("amount", flat=True)
    return sum(amounts, Decimal("0"))


def test_partial_then_full_refund_with_ledger_rows(manager_client, paid_order, run_on_commit):
    payment = Payment.objects.get()

    with run_on_commit():
        partial = manager_client.post(refund_url(payment), {"amount": "300.00", "reason": "dent"})
    payment.refresh_from_db()
    assert partial.status_code == 201
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("300.00"))
    assert ledger_sum(payment) == Decimal("700.00")
    order = orders_selectors.order_get(user=payment_owner(payment), order_id=paid_order.pk)
    assert order.paid_amount == Decimal("700.00")

    with run_on_commit():
        rest = manager_client.post(refund_url(payment), {"reason": "returned"})
    payment.refresh_from_db()
    assert rest.json()["amount"] == "700.00"
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("1000.00"))
    assert ledger_sum(payment) == Decimal("0.00")
    assert list(
        LedgerTransaction.objects.filter(payment=payment)
        .order_by("created_at")
        .values_list("type", flat=True)
    ) == ["charge", "refund", "refund"]


def payment_owner(payment):
    from accounts.selectors import user_get

    return user_get(user_id=payment.customer_id)


def test_refunding_more_than_was_captured_is_refused(manager_client, paid_order):
    payment = Payment.objects.get()

    response = manager_client.post(refund_url(payment), {"amount": "1000.01", "reason": "x"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refund_exceeds_captured"
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0")
    assert not Refund.objects.exists()


def test_a_client_cannot_refund_at_all(customer_client, paid_order):
    payment = Payment.objects.get()

    response = customer_client.post(refund_url(payment), {"reason": "I want my money"})

    assert response.status_code == 403
    assert not Refund.objects.exists()


def test_a_pending_payment_cannot_be_refunded(manager_client, customer):
    order = order_make(customer, (product_make(price="10.00"), 1))
    pending_payment_make(customer, order, method="cash")

    response = manager_client.post(refund_url(Payment.objects.get()), {"reason": "x"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_not_refundable"


def test_cancelling_a_paid_order_refunds_it_releases_stock_and_stays_cancelled(
    manager_client, paid_order, provider, run_on_commit
):
    with run_on_commit():
        response = manager_client.post(
            reverse("orders-status", args=[paid_order.pk]), {"status": "cancelled"}
        )

    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("1000.00"))
    assert list(provider.records("refunds")) == [str(Refund.objects.get().pk)]
    assert stock_of(paid_order.car) == 2
    order = orders_selectors.order_get(user=payment_owner(payment), order_id=paid_order.pk)
    assert (order.status, order.paid_amount) == ("cancelled", Decimal("0.00"))


def test_the_cancellation_saga_refunds_once(paid_order, provider, run_on_commit):
    orders_services.order_status_set(order_id=paid_order.pk, status="cancelled", user=None)

    with run_on_commit():  # the refunds are carried out after each call's commit
        settle(paid_order)
        settle(paid_order)

    assert Refund.objects.get().status == "completed"
    assert len(provider.records("refunds")) == 1


def test_the_ledger_shows_clients_their_own_rows_and_staff_all(
    customer_client, manager_client, paid_order, other_customer, run_on_commit
):
    from conftest import client_for

    other_order = order_make(other_customer, (product_make(price="5.00"), 1))
    with run_on_commit():
        client_for(other_customer).post(
            reverse("payments-list"),
            {"order_id": str(other_order.pk), "amount": "5.00", "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="other",
        )
    url = reverse("payments-transactions")

    own = customer_client.get(url).json()
    everything = manager_client.get(url).json()
    by_order = manager_client.get(url, {"order_id": str(other_order.pk), "type": "charge"}).json()

    assert [row["amount"] for row in own["results"]] == ["1000.00"]
    assert everything["count"] == 2
    assert [row["amount"] for row in by_order["results"]] == ["5.00"]


def test_pending_payments_are_enqueued_again(customer, run_on_commit):
    from datetime import timedelta

    from django.core.management import call_command

    order = order_make(customer, (product_make(price="10.00"), 1))
    pending_payment_make(
        customer, order, method="card"
    )  # its on-commit enqueue never runs: as if the broker were down
    Payment.objects.update(created_at=Payment.objects.get().created_at - timedelta(minutes=10))

    with run_on_commit():
        call_command("payments_retry_pending", "--older-than", "60")

    assert Payment.objects.get().status == "completed"


def test_a_payment_still_pending_when_its_order_is_cancelled_is_never_charged(customer, provider):
    order = order_make(customer, (product_make(price="10.00"), 1))
    pending_payment_make(customer, order, method="card")
    orders_services.order_status_set(order_id=order.pk, status="cancelled", user=customer)
    settle(order)

    payment = services.payment_process(payment_id=Payment.objects.get().pk)

    assert (payment.status, payment.failure_reason) == ("failed", "The order was cancelled.")
    assert provider.charges() == {}


def test_a_charge_that_completes_after_the_cancellation_is_refunded_at_once(
    customer, provider, run_on_commit
):
    from payments.services.payments import _payment_complete

    order = order_make(customer, (product_make(price="10.00"), 1))
    pending_payment_make(customer, order, method="card")
    payment = Payment.objects.get()
    settle(order)

    # The charge was already under way at the provider when the order was cancelled.
    with run_on_commit():
        _payment_complete(payment_id=payment.pk, reference="fake_in_flight")

    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("10.00"))
    assert ledger_sum(payment) == Decimal("0.00")


def test_a_refund_the_provider_cannot_be_asked_about_stays_pending_until_it_answers(
    manager_client, paid_order, provider, run_on_commit
):
    from django.core.management import call_command

    payment = Payment.objects.get()
    provider.set_control(failing=True)

    response = manager_client.post(refund_url(payment), {"amount": "100.00", "reason": "x"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "provider_unavailable"
    refund = Refund.objects.get()
    assert response.json()["error"]["details"] == {"refund_id": str(refund.pk)}
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0"))
    assert refund.status == "pending"  # the provider may have refunded: nobody knows yet
    assert ledger_sum(payment) == Decimal("1000.00")

    provider.set_control(failing=False)
    with run_on_commit():
        call_command("payments_retry_pending", "--older-than", "0")

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == "completed"
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("100.00"))
    assert ledger_sum(payment) == Decimal("900.00")
    assert list(provider.records("refunds")) == [str(refund.pk)]


def test_a_refund_the_provider_says_it_never_made_is_failed_and_moves_no_money(
    manager_client, paid_order, provider, monkeypatch
):
    from payments.providers import ProviderUnavailable
    from payments.providers.fake import FakeProvider

    def refund_unavailable(self, request):
        raise ProviderUnavailable("The refund endpoint is down.")

    monkeypatch.setattr(FakeProvider, "refund", refund_unavailable)
    payment = Payment.objects.get()

    response = manager_client.post(refund_url(payment), {"amount": "100.00", "reason": "x"})

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "provider_unavailable"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0"))
    assert Refund.objects.get().status == "failed"
    assert ledger_sum(payment) == Decimal("1000.00")
    assert provider.records("refunds") == {}


def test_a_refund_left_pending_by_a_crash_is_completed_once(paid_order, provider, monkeypatch):
    from django.core.management import call_command

    from payments.services import refunds

    payment = Payment.objects.get()

    def crash(**kwargs):
        raise SystemExit("the process died after the provider refunded")

    monkeypatch.setattr(refunds, "refund_settle", crash)
    with pytest.raises(SystemExit):
        services.payment_refund(payment_id=payment.pk, amount=Decimal("250.00"), reason="x")
    monkeypatch.undo()
    refund = Refund.objects.get()
    assert refund.status == "pending"
    assert list(provider.records("refunds")) == [str(refund.pk)]
    # While it is pending, it still counts against what can be refunded.
    with pytest.raises(ApplicationError):
        services.payment_refund(payment_id=payment.pk, amount=Decimal("750.01"), reason="y")

    call_command("payments_retry_pending", "--older-than", "0")

    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == "completed"
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("250.00"))
    assert list(provider.records("refunds")) == [str(refund.pk)]
    assert ledger_sum(payment) == Decimal("750.00")


def test_a_payment_asked_for_after_payments_heard_of_the_cancellation_is_refused(
    customer, customer_client, provider
):
    # given: payments consumed `order.cancelled` before it had ever seen the order, while a
    # payment request read the order as still pending (the orders row is left pending here)
    order = order_make(customer, (product_make(price="10.00"), 1))
    assert settle(order) == []

    # when: that request goes on to create the payment
    response = customer_client.post(
        reverse("payments-list"),
        {"order_id": str(order.pk), "amount": "10.00", "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="after-cancel",
    )

    # then: it is refused and nothing is charged
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_payable"
    assert not Payment.objects.exists()
    assert provider.charges() == {}
