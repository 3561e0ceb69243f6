"""Property: whatever payments and partial refunds happen, some of them at once, no payment
is refunded beyond what it captured and its ledger rows sum to its net amount."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from common.api.exceptions import ApplicationError
from conftest import run_concurrently
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import LedgerTransaction, Payment, Refund
from payments.tests.factories import pending_payment_make
from tests.properties import sized_property

# Each example commits real transactions (a third of a second): the run's examples
# (`sized_property`), a dozen in `make test`, 500 in `make soak`.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500.00"), places=2)
refund_step = st.tuples(
    st.integers(min_value=0, max_value=2),  # which payment
    st.one_of(st.none(), money),  # how much (None: all that is left)
    st.integers(min_value=1, max_value=4),  # how many at once
)


def refund(payment_id, amount):
    try:
        services.payment_refund(payment_id=payment_id, amount=amount, reason="property")
    except ApplicationError as exc:
        assert exc.code in {"refund_exceeds_captured", "payment_not_refundable"}


@sized_property(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(amounts=st.lists(money, min_size=1, max_size=3), steps=st.lists(refund_step, max_size=6))
def test_refunds_never_exceed_captures_and_the_ledger_adds_up(provider, customer, amounts, steps):
    provider.set_control(latency_ms=0)
    order = order_make(customer, (product_make(price=str(sum(amounts)), stock=1), 1))
    payment_ids = []
    for amount in amounts:
        payment_ids.append(pending_payment_make(customer, order, str(amount)).pk)
        services.payment_process(payment_id=payment_ids[-1])

    for index, amount, at_once in steps:
        payment_id = payment_ids[index % len(payment_ids)]
        if at_once == 1:
            refund(payment_id, amount)
        else:
            run_concurrently(at_once, lambda p=payment_id, a=amount: refund(p, a))

    for payment in Payment.objects.filter(pk__in=payment_ids):
        refunded = sum(Refund.objects.filter(payment=payment).values_list("amount", flat=True))
        ledger = sum(
            LedgerTransaction.objects.filter(payment=payment).values_list("amount", flat=True)
        )
        assert refunded == payment.refunded_amount <= payment.amount
        assert ledger == payment.amount - payment.refunded_amount
        refund_ids = {
            str(pk) for pk in Refund.objects.filter(payment=payment).values_list("pk", flat=True)
        }
        assert refund_ids <= set(provider.records("refunds"))
