"""The card-number guard through the API (common/cardnumbers.py, docs/security.md "Card
numbers"): each format the security review found stored is refused in order notes and a
claim description, and masked in the access log of a search; none of it is found in any
table or log line. Numbers that are not cards are stored as written."""

import io
import json
import logging
import uuid

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from common.ops.logging import json_formatter
from common.tests.cards import AMEX, CARD_FORMATS, NOT_CARDS, VISA, digits_of, holds
from conftest import rows_containing
from insurance.models import Claim
from insurance.tests.factories import policy_make
from orders.models import Order
from orders.tests.factories import product_make
from tests.processes import Site

pytestmark = pytest.mark.django_db(databases="__all__")
REFUSED = "Card numbers are not accepted here; nothing was saved."


def stored_anywhere(text: str) -> list[str]:
    return rows_containing(text, digits_of(text)[:-4], json.dumps(text)[1:-1])


@pytest.mark.parametrize("text", CARD_FORMATS.values(), ids=CARD_FORMATS.keys())
def test_a_card_in_order_notes_is_refused_and_found_in_no_table_and_no_log_line(
    customer_client, text, caplog
):
    caplog.set_level(logging.DEBUG)
    car = product_make(stock=2)

    response = customer_client.post(
        "/api/v1/orders/",
        {"items": [{"product_id": str(car.pk), "quantity": 1}], "notes": f"pay with {text}"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["details"]["notes"] == [REFUSED]
    assert not holds(response.content.decode(), text)
    assert Order.objects.count() == 0
    assert stored_anywhere(text) == []
    assert not any(holds(r.getMessage(), text) for r in caplog.records)


def test_numbers_that_are_not_cards_are_stored_in_order_notes(customer_client):
    notes = "; ".join(NOT_CARDS.values())
    car = product_make(stock=2)

    response = customer_client.post(
        "/api/v1/orders/",
        {"items": [{"product_id": str(car.pk), "quantity": 1}], "notes": notes},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert Order.objects.get().notes == notes


def test_a_card_in_a_claim_description_is_refused_in_every_format(customer, customer_client):
    policy = policy_make(customer)
    url = reverse("insurance-policy-claims", args=[policy.pk])

    def file(description):
        return customer_client.post(
            url,
            {
                "incident_date": timezone.localdate().isoformat(),
                "description": description,
                "amount_claimed": "120000.00",
            },
            format="json",
        )

    answers = {name: file(f"Hail; paid with {text}") for name, text in CARD_FORMATS.items()}
    accepted = file(f"Hail; call {NOT_CARDS['a russian phone in brackets']}, VIN 1HGCM82633A004352")

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(CARD_FORMATS, 400)
    assert {r.json()["error"]["details"]["description"][0] for r in answers.values()} == {REFUSED}
    assert accepted.status_code == 201, accepted.json()
    assert list(Claim.objects.values_list("description", flat=True)) == [
        "Hail; call 8 (916) 123-45-67, VIN 1HGCM82633A004352"
    ]
    assert [leak for text in CARD_FORMATS.values() for leak in stored_anywhere(text)] == []


@pytest.mark.parametrize(
    "search",
    ["4111111111111111", "4111 1111 1111 1111", "4111\u00a01111\u00a01111\u00a01111", AMEX],
    ids=["whole", "spaces", "nbsp", "amex"],
)
def test_a_card_in_a_search_query_is_in_no_log_line_and_no_table(customer_client, search, caplog):
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    access = logging.getLogger("autosalon.access")
    access.addHandler(handler)
    try:
        response = customer_client.get(
            reverse("products-list"), {"search": search}, HTTP_X_REQUEST_ID=str(uuid.uuid4())
        )
    finally:
        access.removeHandler(handler)

    assert response.status_code == 200
    (line,) = [json.loads(x) for x in stream.getvalue().splitlines()]
    assert line["path"].startswith("/api/v1/catalog/products/?search=")
    assert line["path"].endswith(search[-4:]) and "*" in line["path"]
    assert not holds(stream.getvalue(), search)
    for record in caplog.records:
        shown = record.getMessage() + " " + " ".join(map(str, vars(record).values()))
        assert not holds(shown, search), shown
    assert stored_anywhere(search) == []


@pytest.mark.process
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_through_the_served_site_a_searched_card_is_in_no_line_of_any_server(tmp_path):
    # Given the site as production serves it, logging JSON.
    server = Site(tmp_path / "site", env={"LOG_FORMAT": "json"}).start()
    searches = ["4111111111111111", "4111 1111 1111 1111", "4111\u00a01111\u00a01111\u00a01111"]
    try:
        http = httpx.Client(base_url=server.url, timeout=30)
        # When a card is searched for, in each form, and sent in a raw query string.
        answers = [http.get("/api/v1/catalog/products/", params={"search": s}) for s in searches]
        answers.append(http.get("/api/v1/catalog/products/?search=4111%2D1111%2D1111%2D1111"))
        logs = {
            name: path.read_text()
            for name, path in (
                ("http", server.http.log_path),
                ("feed", server.feed.log_path),
                ("proxy", server.proxy.log_path),
            )
        }
    finally:
        server.stop()

    # Then each is answered, and its line in the access log shows only the last four.
    assert [a.status_code for a in answers] == [200] * 4
    paths = [
        json.loads(line)["path"]
        for line in logs["http"].splitlines()
        if '"autosalon.access"' in line and "search=" in line
    ]
    assert len(paths) == 4 and all(p.endswith("1111") and "*" in p for p in paths), paths
    assert [name for name, text in logs.items() if holds(text, VISA)] == []
    assert stored_anywhere(VISA) == []
