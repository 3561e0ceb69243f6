"""The order page after the prepayment: it says the money is in and until when the car is
held, offers the rest rather than a second prepayment, and the checkout refuses one."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import VehicleFactory
from common import formatting
from orders import selectors as orders
from payments import selectors as payments
from payments import services as payment_services

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def reserved():
    """A buyer's client and their order holding a 3 000 000 ₽ car, nothing paid."""
    car = VehicleFactory(price=Decimal("3000000.00"))
    client = Client()
    buyer = UserFactory()
    client.force_login(buyer)
    client.post(reverse("storefront:reserve", args=[car.pk]), {"key": uuid.uuid4()})
    (order,) = orders.orders_of_buyer(user=buyer)
    return client, buyer, order


def prepay(client, buyer, order, run_on_commit):
    """The prepayment charged, and its event consumed by the order."""
    checkout = reverse("storefront:checkout", args=[order.pk])
    with run_on_commit():
        client.post(checkout, {"plan": "deposit", "key": uuid.uuid4(), "term_months": 60})
        (payment,) = payments.payment_list(user=buyer)
        payment_services.payment_process(payment_id=payment.pk)  # a worker's part, charged


def test_a_reserved_order_says_until_when_the_car_is_held_and_what_holds_it_longer(reserved):
    client, _buyer, order = reserved

    html = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    hold_ends = order.created_at + timedelta(hours=settings.ORDERS_VEHICLE_HOLD_HOURS)
    assert f"Автомобиль забронирован за вами до {formatting.local_datetime(hold_ends)}" in html
    assert "Предоплата 300\xa0000,00\xa0₽ продлит бронь" in html
    assert "Забронирован, ждёт оплаты" in html and "button-primary" in html


def test_after_the_prepayment_the_order_says_so_holds_the_car_longer_and_asks_the_rest(
    reserved, run_on_commit
):
    client, buyer, order = reserved

    prepay(client, buyer, order, run_on_commit)
    html = client.get(reverse("storefront:order", args=[order.pk])).content.decode()

    assert orders.order_get(user=buyer, order_id=order.pk).paid_amount == Decimal("300000.00")
    hold_ends = order.created_at + timedelta(days=settings.ORDERS_FINANCED_EXPIRE_DAYS)
    status = re.search(r'id="order-status"[^>]*>([^<]*)</span>', html)
    assert status and status[1] == "Предоплата получена, автомобиль закреплён за вами"
    assert f"до {formatting.local_datetime(hold_ends)}" in html
    assert "продлит бронь" not in html
    assert "Доплатить 2\xa0700\xa0000,00\xa0₽" in html
    assert 'class="button button-primary" href="/checkout/' not in html


def test_after_the_prepayment_the_checkout_offers_no_second_one_and_refuses_it(
    reserved, run_on_commit
):
    client, buyer, order = reserved
    prepay(client, buyer, order, run_on_commit)
    checkout = reverse("storefront:checkout", args=[order.pk])

    page = client.get(checkout).content.decode()
    refused = client.post(checkout, {"plan": "deposit", "key": uuid.uuid4(), "term_months": 60})

    assert 'value="deposit"' not in page
    assert re.search(r'value="full"[^>]*checked', page)
    assert "Остаток, 2\xa0700\xa0000,00\xa0₽, сейчас." in page
    assert refused.status_code == 400
    assert [p.amount for p in payments.payment_list(user=buyer)] == [Decimal("300000.00")]


def test_the_order_is_named_by_its_number_on_its_page_and_in_the_list_never_by_its_id(
    reserved,
):
    client, _buyer, order = reserved

    page = client.get(reverse("storefront:order", args=[order.pk])).content.decode()
    listed = client.get(reverse("storefront:orders")).content.decode()

    placed = formatting.local_date(order.created_at)
    assert f"Заказ № {order.number} от {placed}" in page
    assert f"<title>Заказ {order.number}" in page
    assert order.number in listed
    visible = re.sub(r"<[^>]+>", " ", page + listed)  # an id stays in links, never in text
    assert str(order.pk) not in visible and str(order.pk)[:8] not in visible
