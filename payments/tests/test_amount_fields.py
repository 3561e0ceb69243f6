"""Amounts payments accept (`common/money.py`): up to 14 digits, two decimals, at least 0.01."""

import pytest

from payments.api.serializers import PaymentCreateInputSerializer, PaymentRefundInputSerializer

BODIES = [
    (
        PaymentCreateInputSerializer,
        {"order_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "method": "card"},
    ),
    (PaymentRefundInputSerializer, {"reason": "dent"}),
]


@pytest.mark.parametrize(("serializer", "body"), BODIES)
@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("0.01", None),
        ("999999999999.99", None),
        ("0.00", "Ensure this value is greater than or equal to 0.01."),
        ("-0.01", "Ensure this value is greater than or equal to 0.01."),
        ("1.001", "Ensure that there are no more than 2 decimal places."),
        ("1000000000000.00", "Ensure that there are no more than 14 digits in total."),
        ("NaN", "A valid number is required."),
    ],
)
def test_an_amount_is_positive_with_at_most_two_decimals_and_fourteen_digits(
    serializer, body, amount, error
):
    form = serializer(data={**body, "amount": amount})

    assert form.is_valid() is (error is None)
    assert form.errors == ({"amount": [error]} if error else {})


def test_a_refund_may_leave_the_amount_out():
    form = PaymentRefundInputSerializer(data={"reason": "dent"})

    assert form.is_valid(), form.errors
    assert "amount" not in form.validated_data
