"""The deal's papers (docs/documents.md): a financed deal of the demo data (a deposit, a loan,
KASKO) gets all five documents, read back from the PDFs; a document's SHA-256 is its file's;
generating again makes a new number that supersedes the old and leaves its file as it was;
numbers have no gaps under concurrent generations; only the order's customer and staff read
them."""

import hashlib
import io
import re
import threading
from decimal import Decimal

import pytest
import zxingcpp
from django.http import QueryDict
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts import selectors as accounts_selectors
from accounts.tests.factories import UserFactory
from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from documents import selectors, services
from documents.tests.factories import SELLER, legal_entity_make, text_of
from documents.words import rubles_in_words
from financing import selectors as financing_selectors
from financing import services as financing_services
from insurance import services as insurance_services
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.factories import order_make, vehicle_make
from payments import services as payments_services

pytestmark = pytest.mark.django_db(databases="__all__")


def qr_codes_of(document) -> list[str]:
    """The QR codes printed in the document, read from its images by a QR decoder."""
    with document.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return [
        found.text
        for page in reader.pages
        for image in page.images
        for found in zxingcpp.read_barcodes(image.image)
    ]


@pytest.fixture
def financed_deal(demo_data):
    """A financed deal in the demo data: the demo client reserves a car of the demo stock,
    applies for a loan with a fifth down (scoring approves it), pays the down payment through
    the provider and buys KASKO for the car."""
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    car = (
        catalog_selectors.vehicle_list(params=QueryDict())
        .filter(price__lt=Decimal("3000000"))
        .order_by("price")
        .first()
    )
    order, _created = orders_services.order_create(
        customer=client, items=[{"product_id": car.pk, "quantity": 1}]
    )
    application = financing_services.application_create(
        user=client,
        order_id=order.pk,
        vehicle_price=order.total_amount,
        down_payment=(order.total_amount / 5).quantize(Decimal(1)),
        term_months=36,
        financing_type="car_loan",
        employment_status="employed",
        monthly_income=Decimal("400000"),
    )
    assert application.status == "approved", application.reasons
    payments_services.payment_create(
        user=client,
        order_id=order.pk,
        amount=application.down_payment,
        method="card",
        idempotency_key=f"down-{order.pk}",
    )
    quote = insurance_services.quote_create(
        user=client,
        order_id=order.pk,
        insurance_type="kasko",
        product_id=car.pk,
        driver_age=40,
        driver_experience_years=15,
        unlimited_drivers=False,
    )
    insurance_services.policy_for_quote(user=client, order_id=order.pk, quote_id=quote.pk)
    return client, orders_selectors.order_get(user=client, order_id=order.pk), application


def rub(amount: Decimal) -> str:
    """As a Russian document writes an amount: 2 100 000,00 ₽ (spaces as PDFs extract them)."""
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} ₽"


# Committed for real: the demo's events reach payments, financing and insurance as they would.
@pytest.mark.django_db(transaction=True, databases="__all__")
@pytest.mark.xdist_group("demo_data")
def test_a_financed_deal_gets_all_five_documents_stating_what_they_must(financed_deal):
    client, order, application = financed_deal
    car = order.items.get()
    documents = {
        kind: services.document_generate(kind=kind, order_id=order.pk)
        for kind in ("offer", "invoice", "sale_contract", "handover_act", "loan_schedule")
    }

    contract = text_of(documents["sale_contract"])
    papers = orders_selectors.order_papers(order_id=order.pk)
    total = papers.view.total_amount
    product = catalog_selectors.product_get(product_id=car.product_id)
    assert product.vin in contract
    assert rub(total) in contract.replace("\xa0", " ")
    assert rubles_in_words(total) in contract
    assert SELLER["inn"] in contract and SELLER["ogrn"] in contract
    assert rub(application.loan_amount) in contract.replace("\xa0", " ")
    assert documents["sale_contract"].number.startswith("ДКП-")

    invoice = documents["invoice"]
    due = total - papers.view.paid_amount
    (code,) = qr_codes_of(invoice)
    assert code.startswith("ST00012|")
    fields = dict(part.split("=", 1) for part in code.split("|")[1:])
    assert fields["Sum"] == str(int(due * 100))
    assert (fields["PersonalAcc"], fields["BIC"], fields["CorrespAcc"], fields["PayeeINN"]) == (
        SELLER["account"], SELLER["bik"], SELLER["correspondent_account"], SELLER["inn"],
    )  # fmt: skip
    assert rubles_in_words(due) in text_of(invoice)

    schedule = text_of(documents["loan_schedule"]).replace("\xa0", " ")
    rows = list(
        financing_selectors.application_schedule(user=client, application_id=application.pk)
    )
    for row in (rows[0], rows[-1]):
        line = f"{row.number} {row.due_date:%d.%m.%Y} {rub(row.payment)} {rub(row.principal)}"
        assert line in schedule, line
    assert "ориентировочный" in schedule.lower()
    assert f"{application.annual_rate}% годовых".replace(".", ",") in schedule  # 15,90%

    act = text_of(documents["handover_act"])
    assert product.vin in act and "Акт приёма-передачи" in act
    offer = text_of(documents["offer"])
    assert "Коммерческое предложение" in offer and rub(total) in offer.replace("\xa0", " ")


@pytest.fixture
def order(customer):
    legal_entity_make()
    return order_make(customer, (vehicle_make(price="2100000.00"), 1))


def test_each_documents_sha256_is_its_files_and_generating_again_supersedes_it(order):
    first = services.document_generate(kind="sale_contract", order_id=order.pk)
    with first.file.open("rb") as file:
        before = file.read()

    second = services.document_generate(kind="sale_contract", order_id=order.pk)

    first.refresh_from_db()
    with first.file.open("rb") as file:
        assert file.read() == before
    assert hashlib.sha256(before).hexdigest() == first.sha256
    assert second.supersedes_id == first.pk and second.number != first.number
    assert selectors.document_current(kind="sale_contract", order_id=order.pk) == second
    with pytest.raises(TypeError):
        first.save()


def test_a_consumer_makes_a_kind_once_however_often_it_is_asked(order):
    made = services.document_generate(kind="handover_act", order_id=order.pk, once=True)

    again = services.document_generate(kind="handover_act", order_id=order.pk, once=True)

    assert made is not None and again is None


def test_an_invoice_for_a_paid_order_is_refused_with_a_reason(order):
    # What orders notes when payments reports the whole price captured.
    orders_services.order_paid_amount_set(
        order_id=order.pk, paid_amount=order.total_amount, version=1
    )

    with pytest.raises(ApplicationError) as refused:
        services.document_generate(kind="invoice", order_id=order.pk)

    assert refused.value.code == "document_not_applicable"


# WHO READS THEM
# ------------------------------------------------------------------------------
def test_only_the_orders_customer_and_staff_read_a_document(
    customer, other_customer, manager, order
):
    document = services.document_generate(kind="offer", order_id=order.pk)
    url = f"/api/v1/documents/{document.pk}/file"

    own = client_for(customer).get(url)
    listed = client_for(customer).get(f"/api/v1/orders/{order.pk}/documents/").json()

    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(own.streaming_content)).hexdigest() == document.sha256
    assert [d["number"] for d in listed["results"]] == [document.number]
    assert client_for(other_customer).get(url).status_code == 404
    assert (
        client_for(other_customer).get(f"/api/v1/orders/{order.pk}/documents/").status_code == 404
    )
    assert client_for(manager).get(url).status_code == 200
    assert APIClient().get(url).status_code == 401


def test_a_customer_asks_for_the_offer_and_no_other_kind(customer, order):
    api = client_for(customer)

    offered = api.post(f"/api/v1/orders/{order.pk}/documents/", {"kind": "offer"})
    refused = api.post(f"/api/v1/orders/{order.pk}/documents/", {"kind": "sale_contract"})
    unknown = api.post(f"/api/v1/orders/{order.pk}/documents/", {"kind": "poem"})

    assert offered.status_code == 201 and offered.json()["number"].startswith("КП-")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "document_kind_not_requestable"
    assert unknown.status_code == 400
    assert [d.kind for d in selectors.documents_of_order(user=customer, order_id=order.pk)] == [
        "offer"
    ]


# NUMBERS
# ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_twenty_generations_at_once_take_twenty_numbers_with_no_gap():
    legal_entity_make()
    orders = [order_make(UserFactory(), (vehicle_make(price="1500000.00"), 1)) for _ in range(20)]
    queue = iter(orders)
    lock = threading.Lock()

    def generate():
        with lock:
            order = next(queue)
        return services.document_generate(kind="offer", order_id=order.pk).sequence

    numbers = run_concurrently(20, generate)

    assert sorted(numbers) == list(range(1, 21))
    staff = UserFactory(role="manager")
    stored = sorted(
        int(re.search(r"(\d+)$", d.number)[1]) for d in selectors.document_list(user=staff)
    )
    assert stored == list(range(1, 21))


def test_the_offer_states_the_deposit_the_checkout_asks(customer, settings):
    settings.ORDERS_VEHICLE_DEPOSIT_PERCENT = 7
    legal_entity_make()
    order = order_make(customer, (vehicle_make(price="2100007.00"), 1))

    offer = services.document_generate(kind="offer", order_id=order.pk)

    # 7 % of 2 100 007 is 147 000,49: whole roubles up, as the checkout asks it.
    assert offer.facts["order"]["deposit"] == "147001.00"
