"""`?ordering=` on every list that offers it: empty parameters (`,`, `price,,`) are ignored,
never taken as "no order", which left pages in no stable order (common.filters)."""

import pytest

from crm.tests.factories import crm_client_make
from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")


def ids(client, url: str, ordering: str | None = None) -> list[str]:
    query = {"page_size": 5} if ordering is None else {"page_size": 5, "ordering": ordering}
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def lists(customer, customer_client, admin_client):
    """Each list with three rows, the client that sees them, and one field it orders by."""
    products = [product_make(price=price) for price in ("3000.00", "1000.00", "2000.00")]
    for product in products:
        order_make(customer, (product, 1))
    for name in ("Boris", "Anna", "Vera"):
        crm_client_make(name=name)
    return [
        (customer_client, "/api/v1/catalog/products/", "price"),
        (customer_client, "/api/v1/orders/", "total_amount"),
        (admin_client, "/api/v1/crm/clients/", "name"),
    ]


@pytest.mark.parametrize("empty", [",", ",,,,"])
def test_empty_ordering_parameters_keep_the_default_order(lists, empty):
    for client, url, _ in lists:
        default = ids(client, url)
        assert len(default) == 3, url
        assert ids(client, url, empty) == default, url


def test_empty_parameters_beside_a_field_order_by_that_field(lists):
    for client, url, field in lists:
        by_field = ids(client, url, field)
        assert by_field != ids(client, url, f"-{field}"), url  # the field decides the order
        assert ids(client, url, f"{field},,") == by_field, url
        assert ids(client, url, f",-{field}") == ids(client, url, f"-{field}"), url
