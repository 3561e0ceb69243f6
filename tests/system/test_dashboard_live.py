"""The dashboard's liveness against a real ASGI server process (docs/dashboard.md, "Caching
and liveness"): a paid order tells the staff feed at once that the figures changed, and the
figures fetched then show it. Everything is committed."""

import pytest

from accounts.tests.factories import UserFactory
from backoffice import dashboard
from orders import services as orders_services
from orders.tests.factories import order_make, product_make
from tests.feeds import receive_until, subscribe, ticket_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def revenue_today(user) -> str | int | None:
    figures = dashboard.figures(user=user)
    return next(t for t in figures["tiles"] if t["key"] == "revenue")["values"]["today"]["value"]


def test_a_paid_order_reaches_the_staff_feed_and_the_figures_within_2_seconds(server, customer):
    admin = UserFactory(role="admin")
    order = order_make(customer, (product_make(price="480.00"), 1))
    before = revenue_today(admin)  # now cached

    with subscribe(server, "ws/orders/", f"ticket={ticket_for(server, admin)}") as ws:
        assert receive_until(ws, lambda m: m["type"] == "snapshot")
        orders_services.order_paid_amount_set(
            order_id=order.pk, paid_amount=order.total_amount, version=1
        )
        # The bound: the push arrives within 2 seconds of the commit.
        receive_until(ws, lambda m: m["type"] == dashboard.CHANGED_PUSH, timeout=2)
        after = revenue_today(admin)

    assert (before, after) == ("0.00", "480.00")
