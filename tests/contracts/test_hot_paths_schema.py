"""Order creation and the product list build their bodies directly (docs/api.md,
"Responses"); Schemathesis holds what they answer to the OpenAPI schema, which still
documents their serializers: generated requests, and the successful ones made on purpose."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error, response_schema_conformance

from accounts.tokens import AccessToken
from config.wsgi import application
from orders.models import Order
from orders.tests.factories import product_make
from tests.properties import PROPERTY_EXAMPLES, sized_property

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
HOT_PATHS = r"^/api/v1/(orders|catalog/products)/$"
# As scripts/fuzz_api.py checks the whole API (docs/conventions.md, "Tests").
CHECKS = [not_a_server_error, response_schema_conformance]
# Schemathesis adds the schema's examples and its coverage phase (the boundary values of
# every parameter: some 2,000 requests on these four operations, 40 s) as Hypothesis's
# explicit examples: `make soak` runs them beside its 500 generated ones, `make test` only
# the generated dozen.
PHASES = [Phase.explicit, Phase.generate] if PROPERTY_EXAMPLES >= 100 else [Phase.generate]


@pytest.fixture(scope="module")
def hot_paths(django_db_blocker):
    """The schema the site serves, loaded once for the module and as JSON: rendering the
    whole API's schema as YAML takes seconds. Its request starts as every request does, by
    checking the connections an earlier test of the worker left open: no test's database
    access is open around a module's fixture, so it is opened for the request."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = schemathesis.pytest.from_fixture("hot_paths").include(path_regex=HOT_PATHS)


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


@schema.parametrize()
@sized_property(
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests_get_answers_the_schema_allows(case, customer):
    if case.method == "GET":
        case.query = {**(case.query or {}), "page_size": 5}
    case.call_and_validate(headers=bearer(customer), checks=CHECKS)


def test_a_created_order_and_a_full_page_match_the_schema(hot_paths, customer):
    car = product_make(stock=5)
    create = hot_paths["/api/v1/orders/"]["POST"].Case(
        body={"items": [{"product_id": str(car.pk), "quantity": 2}], "notes": "Blue"},
        media_type="application/json",
    )
    page = hot_paths["/api/v1/catalog/products/"]["GET"].Case(query={"page_size": 50})

    created = create.call_and_validate(headers=bearer(customer), checks=CHECKS)
    listed = page.call_and_validate(checks=CHECKS)
    cached = page.call_and_validate(checks=CHECKS)

    assert created.status_code == 201
    assert Order.objects.get(pk=created.json()["id"]).total_quantity == 2
    assert listed.status_code == cached.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [str(car.pk)]
    assert cached.json() == listed.json()
