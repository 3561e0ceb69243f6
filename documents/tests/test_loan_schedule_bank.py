"""The loan's schedule when the buyer took a partner bank's offer (docs/financing.md): it names
the bank and the loan's full cost of credit."""

import pytest

from conftest import client_for
from documents import services as documents
from documents.tests.factories import legal_entity_make, text_of
from financing import selectors as financing_selectors
from financing import services
from financing.tests.factories import application_make, banks_make, offers_url
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def application(customer):
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    return application_make(customer, order_make(customer, (car, 1)))


@pytest.fixture
def banks():
    return {bank.code: bank for bank in banks_make()}


def ask(customer, application, banks):
    response = client_for(customer).post(
        offers_url(application),
        {"banks": [str(bank.pk) for bank in banks], "consent": True},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_the_loans_schedule_names_the_chosen_bank_and_its_full_cost(
    customer, application, banks, run_on_commit
):
    with run_on_commit():
        ask(customer, application, banks.values())
    offers = financing_selectors.offers_of(user=customer, application_id=application.pk)
    volga = offers.get(bank__code="demo-volga")
    services.offer_choose(user=customer, offer_id=volga.pk)
    legal_entity_make()

    schedule = documents.document_generate(kind="loan_schedule", order_id=application.order_id)

    text = text_of(schedule).replace("\xa0", " ")
    assert schedule.facts["loan"]["bank"] == volga.bank.legal_name
    assert schedule.facts["loan"]["full_cost_percent"] == str(volga.full_cost_percent)
    assert "Демо-банк Волга" in text
    assert str(volga.full_cost_percent).replace(".", ",") in text
