"""`order_body` answers what `OrderOutputSerializer` would, to the byte (docs/api.md,
"Responses"): the schema documents the serializer, the hot path uses the function."""

from decimal import Decimal

import pytest
from django.utils import timezone

from common.api.renderers import JSONRenderer
from orders.api.serializers import OrderOutputSerializer, order_body
from orders.models import Order, OrderLink
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_new_order_reads_the_same_both_ways(customer):
    car, van = product_make(price="1234567.80"), product_make(price="0.05")
    order = order_make(customer, (car, 2), (van, 1), notes="Blue, «with» a towbar\u2028please")

    assert order_body(order) == OrderOutputSerializer(order).data
    rendered = JSONRenderer().render(order_body(order))
    assert rendered == JSONRenderer().render(OrderOutputSerializer(order).data)


def test_an_order_with_links_read_back_reads_the_same_both_ways(customer):
    order_id = order_make(customer, (product_make(), 1)).pk
    moment = timezone.now().replace(microsecond=123456)
    OrderLink.objects.create(
        order_id=order_id,
        kind="payment",
        reference_id=order_id,
        status="completed",
        amount=Decimal("999.5"),
        currency="RUB",
        reported_at=moment,
    )
    OrderLink.objects.create(
        order_id=order_id,
        kind="loan_application",
        reference_id=customer.pk,
        status="submitted",
        amount=None,
        currency="",
        reported_at=moment,
    )
    order = Order.objects.get(pk=order_id)

    body = order_body(order)

    assert body == OrderOutputSerializer(order).data
    assert {link["amount"] for link in body["links"]} == {"999.50", None}
    # in the dealership's time zone, to the microsecond (docs/api.md, "Times")
    assert body["links"][0]["reported_at"] == timezone.localtime(moment).isoformat()
