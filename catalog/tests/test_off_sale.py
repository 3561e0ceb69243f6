"""A used car taken in by trade-in waits off sale for its price: staff list it by
`is_active`, read it and price it, and put it on sale; nobody else sees it, and their
lists' cache never holds staff's answer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db(databases=["default", "catalog"])

LIST_URL = reverse("products-list")


@pytest.fixture
def taken_in():
    return ProductFactory(name="Lada Vesta 2019", price=Decimal("0.00"), is_active=False)


def test_staff_list_read_price_and_put_on_sale_a_car_off_sale(manager_client, taken_in):
    listed = manager_client.get(LIST_URL, {"is_active": "false"})
    detail = reverse("products-detail", args=[taken_in.pk])
    read = manager_client.get(detail)
    priced = manager_client.patch(detail, {"price": "640000.00", "is_active": True}, format="json")

    assert [row["id"] for row in listed.json()["results"]] == [str(taken_in.pk)]
    assert read.status_code == 200 and read.json()["is_active"] is False
    assert priced.status_code == 200, priced.json()
    stored = Product.objects.get(pk=taken_in.pk)
    assert (stored.price, stored.is_active) == (Decimal("640000.00"), True)


def test_nobody_else_sees_a_car_off_sale_or_lists_by_it(api_client, customer_client, taken_in):
    detail = reverse("products-detail", args=[taken_in.pk])

    assert api_client.get(detail).status_code == 404
    assert customer_client.get(detail).status_code == 404
    refused = customer_client.get(LIST_URL, {"is_active": "false"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert str(taken_in.pk) not in api_client.get(LIST_URL).content.decode()


def test_staffs_list_off_sale_is_not_cached_for_the_public(manager_client, api_client, taken_in):
    manager_client.get(LIST_URL, {"is_active": "false"})

    public = api_client.get(LIST_URL, {"is_active": "false"})

    assert public.status_code in (401, 403)
    assert str(taken_in.pk) not in public.content.decode()
