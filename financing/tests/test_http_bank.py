"""The HTTP bank (financing/banks/http.py) against a stand-in bank server this test starts: the
application goes to it signed, its signed callback is accepted once, and an unsigned, wrongly
signed, stale or replayed one is refused and logged with nothing written; a bank that never
answers ends as "no answer"."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import client_for
from financing import services
from financing.banks import BankUnavailable
from financing.banks.http import signed_headers
from financing.models import Bank, BankCallback, BankOffer, LoanApplication, OutboxEvent
from financing.tests.factories import application_make, choose_url, offers_url
from financing.tests.stand_in import OFFER, SECRET, StandInBank, callback, http_bank_make
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def stand_in():
    with StandInBank() as bank:
        yield bank


@pytest.fixture
def bank(stand_in):
    return http_bank_make(stand_in)


@pytest.fixture
def offer(customer, bank, stand_in, run_on_commit):
    order = order_make(customer, (vehicle_make(price="1000000.00", make="Lada", year=2026), 1))
    application = application_make(customer, order)
    with run_on_commit():
        response = client_for(customer).post(
            offers_url(application), {"banks": [str(bank.pk)], "consent": True}, format="json"
        )
    assert response.status_code == 201, response.json()
    return BankOffer.objects.get(application=application)


def test_the_application_goes_to_the_bank_signed_with_what_it_needs(offer, stand_in):
    path, body, signed = stand_in.received[0]

    assert (path, signed) == ("/applications", True)
    assert body["offer_id"] == str(offer.pk) and body["amount"] == "800000.00"
    assert body["callback_url"].endswith("/api/v1/financing/banks/stand-in/callback")
    assert body["vehicle"] == {
        "price": "1000000.00",
        "condition": "new",
        "make": "Lada",
        "year": 2026,
    }
    assert "email" not in json.dumps(body)  # the bank gets the loan's terms, not the account
    offer.refresh_from_db()
    assert offer.sent_at is not None and offer.bank_reference == "BANK-1"


def test_a_signed_callback_is_accepted_once_and_its_replay_refused(api_client, bank, offer, caplog):
    first = callback(api_client, bank, {**OFFER, "offer_id": str(offer.pk)})
    replay = callback(api_client, bank, {**OFFER, "offer_id": str(offer.pk)})

    assert first.status_code == 200, first.json()
    offer.refresh_from_db()
    assert (offer.status, offer.annual_rate) == ("offered", Decimal("13.50"))
    assert offer.full_cost_percent == Decimal("13.500")
    assert replay.status_code == 409
    assert replay.json()["error"]["code"] == "callback_refused"
    assert BankCallback.objects.count() == 1
    assert "replayed callback cb-1" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Signature": "sha256=" + "0" * 64, "X-Signature-Timestamp": str(int(time.time()))},
        "stale",
    ],
    ids=["unsigned", "wrongly-signed", "stale"],
)
def test_an_unsigned_wrongly_signed_or_stale_callback_is_refused_and_logged(
    api_client, bank, offer, caplog, headers
):
    body = {**OFFER, "offer_id": str(offer.pk)}
    if headers == "stale":
        headers = signed_headers(SECRET, json.dumps(body).encode(), now=time.time() - 3600)

    response = callback(api_client, bank, body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "callback_refused"
    offer.refresh_from_db()
    assert (offer.status, offer.answered_at) == ("requested", None)
    assert not BankCallback.objects.exists()
    assert "was refused" in caplog.text


def test_a_refusal_says_why_and_an_offer_of_another_bank_is_not_found(api_client, bank, offer):
    other = Bank.objects.create(name="Other", legal_name="Other", code="other", adapter="http")
    services.bank_secret_set(bank_id=other.pk, secret=SECRET)
    refused = callback(
        api_client,
        bank,
        {"id": "cb-2", "kind": "refusal", "offer_id": str(offer.pk), "reason": "Low income"},
    )
    elsewhere = callback(api_client, other, {**OFFER, "id": "cb-3", "offer_id": str(offer.pk)})

    assert refused.status_code == 200
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("refused", "Low income")
    assert elsewhere.status_code == 404
    assert BankCallback.objects.count() == 1


def test_a_bank_that_never_answers_ends_as_no_answer(bank, offer, stand_in):
    stand_in.silent = True
    BankOffer.objects.filter(pk=offer.pk).update(sent_at=None)

    with pytest.raises(BankUnavailable):  # the task tries again, backing off
        services.offer_send(offer_id=offer.pk)
    BankOffer.objects.filter(pk=offer.pk).update(
        requested_at=timezone.now() - timedelta(minutes=31)
    )
    assert services.offers_time_out() == 1

    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("timed_out", "The bank did not answer in time.")


def test_the_chosen_offer_is_accepted_at_the_bank_which_calls_back_its_disbursement(
    api_client, customer, bank, offer, stand_in, run_on_commit
):
    assert callback(api_client, bank, {**OFFER, "offer_id": str(offer.pk)}).status_code == 200
    with run_on_commit():
        assert client_for(customer).post(choose_url(offer)).status_code == 200
        services.order_paid_note(
            order_id=offer.application.order_id, paid_amount=Decimal("200000.00"), version=1
        )
    application = LoanApplication.objects.get(pk=offer.application_id)
    assert application.lender == "http" and application.sent_to_lender_at is not None
    assert stand_in.received[-1][0] == f"/applications/{offer.pk}/accept"

    paid = callback(
        api_client,
        bank,
        {
            "id": "cb-9",
            "kind": "disbursed",
            "offer_id": str(offer.pk),
            "reference": "PAY-77",
            "amount": "800000.00",
        },
    )

    assert paid.status_code == 200, paid.json()
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("disbursed", "PAY-77")


def test_only_the_chosen_bank_disburses_after_the_loan_went_to_it_and_only_the_chosen_amount(
    api_client, customer, bank, stand_in, run_on_commit, caplog
):
    """The fifth review: the buyer asked two banks and chose A; B's signed `disbursed` for
    its own declined offer answered 200 and paid the order with money A never lent."""
    other = http_bank_make(stand_in, code="second", name="Second Bank", rate="13.00")
    order = order_make(customer, (vehicle_make(price="1000000.00", make="Lada", year=2026), 1))
    application = application_make(customer, order)
    with run_on_commit():
        asked = client_for(customer).post(
            offers_url(application),
            {"banks": [str(bank.pk), str(other.pk)], "consent": True},
            format="json",
        )
    assert asked.status_code == 201, asked.json()
    chosen = BankOffer.objects.get(application=application, bank=bank)
    declined = BankOffer.objects.get(application=application, bank=other)
    for n, offer in enumerate((chosen, declined)):
        body = {**OFFER, "id": f"cb-offer-{n}", "offer_id": str(offer.pk)}
        assert callback(api_client, offer.bank, body).status_code == 200

    def disbursed(of, number, amount="800000.00"):
        body = {
            "id": f"cb-paid-{number}",
            "kind": "disbursed",
            "offer_id": str(of.pk),
            "reference": f"PAY-{number}",
            "amount": amount,
        }
        return callback(api_client, of.bank, body)

    before_choice = disbursed(chosen, 1)  # offered, not yet chosen nor sent
    with run_on_commit():
        assert client_for(customer).post(choose_url(chosen)).status_code == 200
    before_sending = disbursed(chosen, 2)  # chosen, but the down payment is not in
    with run_on_commit():
        services.order_paid_note(order_id=order.pk, paid_amount=Decimal("200000.00"), version=1)
    by_the_other = disbursed(declined, 3)
    more = disbursed(chosen, 4, amount="900000.00")
    application.refresh_from_db()
    declined.refresh_from_db()
    written = BankCallback.objects.filter(kind="disbursed").count()

    assert [r.status_code for r in (before_choice, before_sending, by_the_other)] == [409] * 3
    assert by_the_other.json()["error"]["code"] == "not_the_chosen_bank"
    assert more.status_code == 400 and more.json()["error"]["code"] == (
        "disbursement_amount_mismatch"
    )
    assert declined.status == "declined"
    assert (application.status, application.disbursement_reference) == ("approved", None)
    assert application.bank_id == bank.pk and written == 0  # nothing recorded of any of them
    assert not OutboxEvent.objects.filter(type="loan_application.disbursed").exists()
    assert "not the chosen lender" in caplog.text

    paid = disbursed(chosen, 5)

    assert paid.status_code == 200, paid.json()
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("disbursed", "PAY-5")
