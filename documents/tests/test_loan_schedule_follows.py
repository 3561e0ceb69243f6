"""A loan's schedule follows the loan's terms (docs/documents.md, "Papers follow the terms"):
approved, the dealership's terms; the credit discount taken, the smaller loan; a bank's offer
chosen, the bank's rate, payment and installments, each time under a new number that
supersedes the schedule before; the loan given up, the schedule void with no successor. An
event delivered again, or late after a newer one, issues nothing."""

from typing import Any

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from common.events import delivery, registry, types
from common.events.registry import outbox_model
from conftest import client_for
from documents import selectors
from documents.models import Document, LoanTerms
from documents.tests.factories import legal_entity_make, text_of
from financing import selectors as financing_selectors
from financing import services as financing_services
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    offers_url,
    withdraw_url,
)
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")

# The documents' consumers of the loan's terms, by the event each hears.
CONSUMERS = {
    "loan_application.approved": "documents.loan_schedule_of_approval",
    "loan_application.discounted": "documents.loan_schedule_of_discount",
    "loan_offer.chosen": "documents.loan_schedule_of_chosen_offer",
    "loan_application.withdrawn": "documents.loan_schedule_of_withdrawal",
}


@pytest.fixture
def application(customer, run_on_commit):
    """1,000,000.00 less a fifth down, approved by the dealership's scoring at 15.90 %; the
    dealer's credit discount of 100,000.00 waits for the banks to be asked."""
    legal_entity_make()
    banks_make()
    credit_discount_make(amount="100000.00")
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    with run_on_commit():
        return application_make(customer, order_make(customer, (car, 1)))


def ask_the_banks(customer, application, run_on_commit) -> None:
    """The demo banks are asked and answer; the credit discount is taken: the loan is
    700,000.00 now."""
    banks = banks_make()  # seeded once: the same three
    with run_on_commit():
        response = client_for(customer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks], "consent": True},
            format="json",
        )
    assert response.status_code == 201, response.json()


def choose_volga(customer, application, run_on_commit):
    offers = financing_selectors.offers_of(user=customer, application_id=application.pk)
    volga = offers.get(bank__code="demo-volga")
    with run_on_commit():
        financing_services.offer_choose(user=customer, offer_id=volga.pk)
    volga.refresh_from_db()
    return volga


def schedules(order_id) -> list[Document]:
    """The order's loan schedules, the first first."""
    staff: Any = UserFactory(role="manager")
    found = selectors.documents_of_order(user=staff, order_id=order_id).filter(kind="loan_schedule")
    return sorted(found, key=lambda document: document.sequence)


def event_of(event_type: str, aggregate_id) -> dict:
    """The event as the relay hands it over, read from financing's outbox."""
    outbox: Any = outbox_model("financing")
    row = outbox.objects.get(type=event_type, aggregate_id=str(aggregate_id))
    return types.event_from_outbox_row(row, "financing").as_dict()


@pytest.fixture
def held_back(monkeypatch):
    """The documents' consumers of the loan's terms hear nothing as the events are published:
    the test delivers them itself, late and in the order it chooses."""
    for event_type, name in CONSUMERS.items():
        kept = [c for c in registry._by_type[event_type] if c.name != name]
        monkeypatch.setitem(registry._by_type, event_type, kept)


def test_an_offer_chosen_issues_the_schedule_again_under_a_new_number_replacing_the_old(
    customer, application, run_on_commit
):
    year = timezone.localdate().year
    (first,) = schedules(application.order_id)
    assert first.number == f"ГП-{year}-000001"
    assert (first.facts["loan"]["annual_rate"], first.facts["loan"]["loan_amount"]) == (
        "15.90",
        "800000.00",
    )

    ask_the_banks(customer, application, run_on_commit)
    volga = choose_volga(customer, application, run_on_commit)

    first, discounted, chosen = schedules(application.order_id)
    loan = financing_selectors.loan_papers(order_id=application.order_id)
    # The credit discount: the smaller loan at the dealership's rate, under the next number.
    assert discounted.number == f"ГП-{year}-000002"
    assert (discounted.facts["loan"]["loan_amount"], discounted.facts["order"]["total"]) == (
        "700000.00",
        "900000.00",
    )
    # The bank's offer: its rate, the loan, the payment and every installment, as financing
    # holds them now.
    assert chosen.number == f"ГП-{year}-000003"
    assert chosen.facts["loan"] == loan
    assert (loan["annual_rate"], loan["loan_amount"]) == (str(volga.annual_rate), "700000.00")
    assert loan["monthly_payment"] == str(volga.monthly_payment)
    assert len(chosen.facts["loan"]["schedule"]) == volga.term_months
    # Each old one is replaced, and points to the one that replaced it.
    assert (first.replaced_by, discounted.replaced_by, chosen.replaced_by) == (
        discounted,
        chosen,
        None,
    )
    assert chosen.supersedes == discounted and chosen.voided_at is None
    assert selectors.document_current(kind="loan_schedule", order_id=application.order_id) == chosen
    # The new paper says which one it replaces; the old one's file is as it was.
    text = text_of(chosen).replace("\xa0", " ")
    assert f"Взамен графика № {discounted.number}" in text
    assert "11,90" in text and "Демо-банк Волга" in text
    assert "15,90" in text_of(first) and "Взамен" not in text_of(first)


def test_replaying_an_event_changes_nothing(customer, application, run_on_commit):
    ask_the_banks(customer, application, run_on_commit)
    volga = choose_volga(customer, application, run_on_commit)
    made = schedules(application.order_id)
    chosen = event_of("loan_offer.chosen", volga.pk)

    with run_on_commit():
        # The same event again: its inbox row is there.
        assert delivery.deliver(CONSUMERS["loan_offer.chosen"], chosen) is False
        # The same report under another id (published twice): no newer than the one noted.
        again = {**chosen, "id": "6a1f0c1e-0000-4000-8000-000000000001"}
        assert delivery.deliver(CONSUMERS["loan_offer.chosen"], again) is True

    assert schedules(application.order_id) == made
    assert [d.number for d in Document.objects.filter(kind="loan_schedule")] == [
        d.number for d in reversed(made)
    ]


def test_terms_reported_out_of_order_never_issue_the_older_terms(
    held_back, customer, application, run_on_commit
):
    # The applications' own approval reached nobody: the documents' consumers are held back.
    ask_the_banks(customer, application, run_on_commit)
    volga = choose_volga(customer, application, run_on_commit)
    assert schedules(application.order_id) == []

    with run_on_commit():  # the newest report first
        assert delivery.deliver(
            CONSUMERS["loan_offer.chosen"], event_of("loan_offer.chosen", volga.pk)
        )
    (schedule,) = schedules(application.order_id)
    assert schedule.facts["loan"]["annual_rate"] == str(volga.annual_rate)

    with run_on_commit():  # then the older ones, late
        for event_type in ("loan_application.discounted", "loan_application.approved"):
            late = event_of(event_type, application.pk)
            assert delivery.deliver(CONSUMERS[event_type], late) is True

    assert schedules(application.order_id) == [schedule]  # nothing issued again, nothing older
    noted = LoanTerms.objects.get(pk=application.pk)
    assert noted.event_type == "loan_offer.chosen" and not noted.withdrawn


def test_a_loan_given_up_leaves_its_schedule_void_with_no_successor(
    customer, application, run_on_commit
):
    ask_the_banks(customer, application, run_on_commit)
    choose_volga(customer, application, run_on_commit)
    *_before, chosen = schedules(application.order_id)

    with run_on_commit():
        assert client_for(customer).post(withdraw_url(application)).status_code == 200

    *_before, voided = schedules(application.order_id)
    assert voided == chosen  # no new schedule
    assert voided.voided_at is not None and voided.void_reason == "loan_withdrawn"
    assert voided.replaced_by is None
    assert selectors.document_current(kind="loan_schedule", order_id=application.order_id) is None
    # The withdrawal delivered again voids nothing more, and draws nothing.
    with run_on_commit():
        withdrawn = event_of("loan_application.withdrawn", application.pk)
        assert delivery.deliver(CONSUMERS["loan_application.withdrawn"], withdrawn) is False
    assert Document.objects.get(pk=voided.pk).voided_at == voided.voided_at
