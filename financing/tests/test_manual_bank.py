"""A bank without an API (financing/banks/manual.py): staff record its answer, never on their own
application, and an offer above the four-eyes threshold counts once a second staff member
records the same one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for
from financing.models import Bank, BankOffer, BankProgramme, OfferDecision
from financing.tests.factories import application_make, offers_url
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def offer(customer, run_on_commit):
    bank = Bank.objects.create(
        name="Paper Bank", legal_name="ПАО «Бумажный банк»", code="paper", adapter="manual"
    )
    BankProgramme.objects.create(
        bank=bank, name="Auto", annual_rate="15.00", min_term_months=12, max_term_months=84
    )
    order = order_make(customer, (vehicle_make(price="1000000.00", make="Kia", year=2026), 1))
    application = application_make(customer, order)
    with run_on_commit():
        response = client_for(customer).post(
            offers_url(application), {"banks": [str(bank.pk)], "consent": True}, format="json"
        )
    assert response.status_code == 201
    return BankOffer.objects.get(application=application)


def answer(user, offer, **body):
    return client_for(user).post(
        reverse("financing-offer-answer", args=[offer.pk]),
        {"approved": True, "reference": "P-1", "annual_rate": "14.50", **body},
        format="json",
    )


def test_staff_record_a_manual_banks_offer_and_its_full_cost_is_computed(manager, offer):
    response = answer(manager, offer, insurance_premium="20000.00")

    assert response.status_code == 200, response.json()
    offer.refresh_from_db()
    assert (offer.status, offer.annual_rate, offer.insurance_premium) == (
        "offered",
        Decimal("14.50"),
        Decimal("20000.00"),
    )
    assert offer.full_cost_percent > Decimal("14.5")
    assert OfferDecision.objects.get(offer=offer).decided_by_id == manager.pk


def test_the_buyer_cannot_record_an_answer_nor_staff_one_without_a_reason_to_refuse(
    customer, manager, offer
):
    assert answer(customer, offer).status_code == 403
    refusal = answer(manager, offer, approved=False, reason="")
    assert refusal.status_code == 400
    offer.refresh_from_db()
    assert offer.status == "requested" and not OfferDecision.objects.exists()


def test_above_the_threshold_a_second_staff_member_records_the_same_offer(settings, manager, offer):
    other_manager = UserFactory(role="manager")
    settings.FINANCING_SECOND_APPROVAL_ABOVE = Decimal("500000")  # the loan is 800,000

    first = answer(manager, offer)
    offer.refresh_from_db()
    assert first.status_code == 200 and offer.status == "requested"
    assert answer(manager, offer).status_code == 403  # the same one again

    second = answer(other_manager, offer)

    assert second.status_code == 200
    offer.refresh_from_db()
    assert offer.status == "offered"
    assert OfferDecision.objects.filter(offer=offer).count() == 2
