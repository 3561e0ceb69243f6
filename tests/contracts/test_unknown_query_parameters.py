"""An API list answers 400 to a query parameter it does not know, naming it (docs/api.md,
"Lists"): one test walks every list operation of the schema. A filter it knows still
filters: the payments of one order are that order's."""

import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from conftest import client_for
from orders.tests.factories import order_make, product_make
from payments.tests.factories import completed_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")


def list_operations() -> list[tuple[str, set[str]]]:
    """(path, its query parameters) of every paginated GET in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        names = {p["name"] for p in (get or {}).get("parameters", []) if p["in"] == "query"}
        if names & {"page", "cursor"}:
            found.append((path, names))
    return found


def test_every_list_refuses_a_query_parameter_it_does_not_know_and_takes_its_own(admin_user):
    client = client_for(admin_user)
    operations = list_operations()
    assert len(operations) >= 25

    refused = {}
    for path, names in operations:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        response = client.get(url, {"colour": "red", "page_size": "5"})
        body = response.json()
        refused[path] = (response.status_code, body.get("error", {}).get("details", {}))
        # The parameters the schema documents are not refused.
        known = client.get(url, dict.fromkeys(names - {"cursor"}, ""))
        assert known.status_code != 400 or "Unknown query parameter" not in known.text, (
            path,
            known.json(),
        )

    wrong = {
        path: got for path, got in refused.items() if got[0] != 400 or list(got[1]) != ["colour"]
    }
    assert wrong == {}


def test_the_payments_of_one_order_are_that_orders(customer, provider):
    first, second = (order_make(customer, (product_make(price="100.00"), 1)) for _ in range(2))
    paid = completed_payment_make(customer, first, "100.00")
    completed_payment_make(customer, second, "100.00")

    response = client_for(customer).get("/api/v1/payments/", {"order_id": str(first.pk)})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(paid.pk)]
