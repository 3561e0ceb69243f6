"""The deal's papers and the dealer's credit discount (docs/financing.md, "The credit
discount"): while the loan holds it, the offer, the invoice and the sale contract state it
and the price without the loan; once the loan is given up, the papers made next carry the
price without it, as the order and payments do."""

from decimal import Decimal

import pytest

from conftest import client_for
from documents import services as documents
from documents.tests.factories import legal_entity_make, text_of
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    offers_url,
    withdraw_url,
)
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def discounted(customer, run_on_commit):
    """An approved application whose banks were asked: 1,000,000.00 less 100,000.00."""
    legal_entity_make()
    credit_discount_make(amount="100000.00", name="Выгода при покупке в кредит")
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    with run_on_commit():
        application = application_make(customer, order_make(customer, (car, 1)))
        response = client_for(customer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks_make()], "consent": True},
            format="json",
        )
    assert response.status_code == 201, response.json()
    return application


def words(document) -> str:
    return text_of(document).replace("\xa0", " ")


def test_the_papers_state_the_credit_discount_and_the_price_without_the_loan(customer, discounted):
    order_id = discounted.order_id
    offer = documents.document_generate(kind="offer", order_id=order_id)
    invoice = documents.document_generate(kind="invoice", order_id=order_id)
    contract = documents.document_generate(kind="sale_contract", order_id=order_id)

    assert offer.facts["order"]["total"] == "900000.00"
    assert offer.facts["order"]["credit_discount"] == "100000.00"
    assert offer.facts["order"]["price_without_loan"] == "1000000.00"
    assert offer.facts["discount"] == "0.00"  # the credit discount is not counted twice
    for document in (offer, invoice, contract):
        text = words(document)
        assert "Выгода при покупке в кредит" in text, document.kind
        assert "100 000" in text and "900 000" in text, document.kind
    assert "1 000 000" in words(offer) and "1 000 000" in words(contract)
    assert invoice.facts["amount"] == "900000.00"  # the discounted price, nothing paid yet


def test_once_the_loan_is_given_up_the_papers_carry_the_price_without_it(
    customer, discounted, run_on_commit
):
    with run_on_commit():
        assert client_for(customer).post(withdraw_url(discounted)).status_code == 200

    contract = documents.document_generate(kind="sale_contract", order_id=discounted.order_id)
    invoice = documents.document_generate(kind="invoice", order_id=discounted.order_id)

    assert contract.facts["order"]["total"] == "1000000.00"
    assert contract.facts["order"]["credit_discount"] == "0.00"
    assert "Выгода" not in words(contract) and "1 000 000" in words(contract)
    assert Decimal(invoice.facts["amount"]) == Decimal("1000000.00")
    assert "Выгода" not in words(invoice)
