"""Date-time filters take any ISO 8601 moment the database can hold, whatever its offset, and
refuse the rest with a validation error instead of a server error."""

import pytest

from orders.tests.factories import order_make, product_make

pytestmark = pytest.mark.django_db(databases="__all__")

LISTS = ["/api/v1/orders/", "/api/v1/payments/transactions/"]


@pytest.mark.parametrize("url", LISTS)
def test_an_offset_postgresql_cannot_store_is_turned_into_utc(customer, customer_client, url):
    order_make(customer, (product_make(), 1))

    # 16:29 ahead of UTC: beyond what PostgreSQL takes as a time zone displacement.
    response = customer_client.get(url, {"created_after": "0239-12-17T15:23:49+16:29"})

    assert response.status_code == 200, response.content
    if url == LISTS[0]:
        assert response.json()["count"] == 1


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_moment_outside_what_utc_can_hold_is_a_validation_error(customer_client, url, moment):
    response = customer_client.get(url, {"created_before": moment})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "created_before" in error["details"]
