"""What other domains get when they read an order: a frozen OrderView with an enum status,
and the project's own error for an order that is not the caller's."""

import dataclasses
import uuid
from decimal import Decimal

import pytest

from common.api.exceptions import ApplicationError
from orders import selectors
from orders.choices import OrderStatus
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_the_owner_gets_a_frozen_view_with_an_enum_status(customer):
    order = order_make(customer, (product_make(price="120.50"), 2))

    view = selectors.order_view_get(user=customer, order_id=order.pk)

    assert view == selectors.OrderView(
        id=order.pk,
        number=order.number,
        customer_id=customer.pk,
        status=OrderStatus.PENDING,
        currency="RUB",
        total_amount=Decimal("241.00"),
        paid_amount=Decimal("0.00"),
        showroom_id=order.showroom_id,
    )
    assert type(view.status) is OrderStatus
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.status = OrderStatus.PAID  # type: ignore[misc]


@pytest.mark.parametrize("whose", ["another clients", "nobodys"])
def test_another_clients_order_and_a_missing_one_are_the_same_order_not_found(
    customer, other_customer, whose
):
    order_id = (
        order_make(other_customer, (product_make(), 1)).pk
        if whose == "another clients"
        else uuid.uuid4()
    )

    with pytest.raises(ApplicationError) as refused:
        selectors.order_view_get(user=customer, order_id=order_id)

    assert (refused.value.code, refused.value.http_status) == ("order_not_found", 404)


def test_staff_read_any_order(manager, customer):
    order = order_make(customer, (product_make(), 1))

    assert selectors.order_view_get(user=manager, order_id=order.pk).customer_id == customer.pk
