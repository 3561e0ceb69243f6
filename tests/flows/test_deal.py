"""The car deal end to end (docs/deal.md): an order of 2,590,000 RUB, a 500,000 down payment
through the fake payment provider, a loan approved by scoring and paid out by the fake lender,
a KASKO policy paid for like any payable, and the cancellation that undoes each source the
way it came. A real Celery worker carries every event and task; the requests go through the
API in this process, committed."""

import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from conftest import client_for
from financing.models import LoanApplication
from insurance.models import Policy
from insurance.tests.factories import insured_vehicle_make
from orders.models import Order
from orders.tests.factories import order_make
from payments.models import LedgerTransaction, Payment, Refund
from tests.processes import Worker, purge_broker, wait_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]

PRICE, DOWN, LOAN = Decimal("2590000.00"), Decimal("500000.00"), Decimal("2090000.00")
LENDER_DELAY_SECONDS = 3


@pytest.fixture
def lender_worker(tmp_path, broker, settings):
    """A worker whose fake lender pays out a few seconds after it got the application."""
    settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS = LENDER_DELAY_SECONDS
    purge_broker()
    env = {**broker.env, "FAKE_LENDER_DISBURSE_AFTER_SECONDS": str(LENDER_DELAY_SECONDS)}
    running = Worker(tmp_path / "worker.log", env=env, queue=broker.queue).start()
    yield running
    running.stop()


def pay(client, amount, **payable):
    response = client.post(
        "/api/v1/payments/",
        {**{k: str(v) for k, v in payable.items()}, "amount": str(amount), "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert response.status_code == 201, response.json()
    return response.json()


def ledger(payable_id) -> list[tuple[str, Decimal]]:
    rows = LedgerTransaction.objects.filter(payable_id=payable_id).order_by("created_at")
    return list(rows.values_list("type", "amount"))


def financed_purchase(customer):
    """The order, its loan approved and its down payment paid, then the lender's money."""
    client = client_for(customer)
    order = order_make(customer, (insured_vehicle_make(price=str(PRICE)), 1))
    application = client.post(
        "/api/v1/financing/applications/",
        {
            "order_id": str(order.pk),
            "vehicle_price": str(PRICE),
            "down_payment": str(DOWN),
            "term_months": 60,
            "financing_type": "car_loan",
            "employment_status": "employed",
            "monthly_income": "300000.00",
        },
        format="json",
    ).json()
    assert application["status"] == "approved", application
    assert application["loan_amount"] == str(LOAN)
    wait_for(
        lambda: Order.objects.get(pk=order.pk).links.filter(status="approved").exists(),
        message="orders noting the approved loan",
    )

    # The unpaid sweep leaves an order alone while its approved loan is to pay it.
    call_command("orders_expire_unpaid", "--older-than-hours", "0")
    pay(client, DOWN, order_id=order.pk)
    wait_for(
        lambda: LoanApplication.objects.get(pk=application["id"]).sent_to_lender_at,
        message="the loan sent to the lender once the down payment is in",
    )
    call_command("orders_expire_unpaid", "--older-than-hours", "0")
    assert Order.objects.get(pk=order.pk).status == "pending"

    wait_for(
        lambda: Order.objects.get(pk=order.pk).status == "paid",
        timeout=LENDER_DELAY_SECONDS + 30,
        message="the order paid by the down payment and the loan",
    )
    return order, LoanApplication.objects.get(pk=application["id"])


def test_a_financed_purchase_is_paid_by_the_down_payment_and_the_lenders_disbursement(
    lender_worker, provider, customer
):
    order, application = financed_purchase(customer)

    order.refresh_from_db()
    assert (order.status, order.paid_amount) == ("paid", PRICE)
    assert application.status == "disbursed"
    assert application.disbursed_by_id is None  # the lender's adapter recorded it
    assert ledger(order.pk) == [("charge", DOWN), ("loan_disbursement", LOAN)]
    assert not Refund.objects.exists()
    history = list(order.history.values_list("to_status", flat=True))
    assert history == ["pending", "paid"]  # the sweeps cancelled nothing
    deal = client_for(customer).get(f"/api/v1/orders/{order.pk}/deal").json()
    assert (deal["balance_due"], deal["outstanding"]) == ("0.00", [])
    assert (deal["loan"]["status"], deal["loan"]["amount"], deal["loan"]["disbursed"]) == (
        "disbursed",
        str(LOAN),
        True,
    )
    assert deal["payments"]["captured"] == str(DOWN)


def test_cancelling_after_the_disbursement_returns_the_loan_and_refunds_the_customer(
    lender_worker, provider, customer
):
    order, application = financed_purchase(customer)
    client = client_for(customer)
    quote = client.post(
        "/api/v1/insurance/quotes/",
        {
            "order_id": str(order.pk),
            "insurance_type": "kasko",
            "driver_age": 40,
            "driver_experience_years": 20,
        },
        format="json",
    ).json()
    assert quote["coverage_amount"] == str(PRICE), quote  # all of the vehicle's price
    policy = client.post(f"/api/v1/insurance/quotes/{quote['id']}/purchase").json()
    assert policy["status"] == "pending_payment", policy
    wait_for(lambda: pay_when_payable(client, policy), message="the premium payable")
    wait_for(
        lambda: Policy.objects.get(pk=policy["id"]).status == "active",
        message="the policy active once its premium is paid",
    )

    cancelled = client.post(
        f"/api/v1/orders/{order.pk}/status", {"status": "cancelled"}, format="json"
    )
    assert cancelled.status_code == 200, cancelled.json()

    wait_for(
        lambda: len(ledger(order.pk)) == 4 and sum(a for _, a in ledger(order.pk)) == 0,
        message="the order's ledger netted out",
    )
    assert sorted(ledger(order.pk)) == sorted(
        [("charge", DOWN), ("loan_disbursement", LOAN), ("refund", -DOWN), ("loan_return", -LOAN)]
    )
    application.refresh_from_db()
    assert application.status == "returned"
    wait_for(
        lambda: Payment.objects.filter(
            payable_id=policy["id"], status="partially_refunded"
        ).exists(),
        message="the unused premium refunded",
    )
    policy_row = Policy.objects.get(pk=policy["id"])
    assert policy_row.status == "cancelled"
    assert Decimal("0") < policy_row.refund_amount < policy_row.premium  # today counts as used
    premium_moves = LedgerTransaction.objects.filter(payable_id=policy["id"])
    assert premium_moves.aggregate(total=Sum("amount"))["total"] == (
        policy_row.premium - policy_row.refund_amount
    )


def pay_when_payable(client, policy) -> bool:
    """Pay the premium once payments has learnt of it from insurance's event."""
    response = client.post(
        "/api/v1/payments/",
        {"policy_id": policy["id"], "amount": policy["premium"], "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"premium-{policy['id']}",
    )
    if response.status_code == 404:
        return False
    assert response.status_code == 201, response.json()
    return True
