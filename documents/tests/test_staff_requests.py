"""Staff asking for an order's document (docs/documents.md, "Asked for again"; docs/security.md,
"Documents asked for again"): the one in force is answered while what it states is the same,
a new one supersedes it once the order's facts change, and the requests are rate-limited."""

import pytest

from conftest import client_for
from documents.models import Document, DocumentSequence
from documents.tests.factories import legal_entity_make
from orders import services as order_services
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def order(customer):
    legal_entity_make()
    return order_make(customer, (vehicle_make(price="2100000.00"), 1))


def documents_of(order) -> list[tuple[str, str]]:
    return list(
        Document.objects.using("documents")
        .filter(order_id=order.pk)
        .order_by("created_at")
        .values_list("kind", "number")
    )


@pytest.mark.parametrize("kind", ["invoice", "sale_contract", "handover_act"])
def test_three_requests_for_a_document_in_force_give_one_document(manager, order, kind):
    api = client_for(manager)
    url = f"/api/v1/orders/{order.pk}/documents/"

    responses = [api.post(url, {"kind": kind}) for _ in range(3)]

    assert [r.status_code for r in responses] == [201, 200, 200], responses[0].json()
    assert len({r.json()["id"] for r in responses}) == 1
    (made,) = documents_of(order)
    assert made == (kind, responses[0].json()["number"])
    assert DocumentSequence.objects.using("documents").get(kind=kind).last == 1


def test_an_invoice_asked_for_after_the_orders_facts_changed_supersedes_the_one_in_force(
    manager, order, run_on_commit
):
    api = client_for(manager)
    url = f"/api/v1/orders/{order.pk}/documents/"
    first = api.post(url, {"kind": "invoice"})
    with run_on_commit():  # a part of the price paid: less is due
        order_services.order_paid_amount_set(
            order_id=order.pk, paid_amount=order.total_amount / 2, version=1
        )

    again = api.post(url, {"kind": "invoice"})

    assert (first.status_code, again.status_code) == (201, 201), again.json()
    assert again.json()["supersedes"] == first.json()["id"]
    assert [kind for kind, _number in documents_of(order)] == ["invoice", "invoice"]


def test_staff_document_requests_are_rate_limited(manager, order, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "document": "2/min"}
    api = client_for(manager)
    url = f"/api/v1/orders/{order.pk}/documents/"

    responses = [api.post(url, {"kind": kind}) for kind in ("invoice", "sale_contract", "offer")]

    assert [r.status_code for r in responses] == [201, 201, 429]
    assert responses[2].json()["error"]["code"] == "throttled"
    assert [kind for kind, _number in documents_of(order)] == ["invoice", "sale_contract"]
    assert api.get(url).status_code == 200  # reading counts in the user's bucket
