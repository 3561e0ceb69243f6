"""A partner bank's `disbursed` callback (docs/financing.md, "The HTTP bank") is taken only
for the chosen offer, for its amount, on an application waiting for its money: approved and
sent to that bank. Each other case is refused with its code and writes nothing: the
application as it was, no `loan_application.disbursed` for payments' ledger, no record of the
callback. (`test_http_bank.py` holds the offer not yet chosen, the loan not yet sent, another
bank and another amount.)"""

from decimal import Decimal

import pytest

from conftest import client_for
from financing import services
from financing.models import BankCallback, BankOffer, LoanApplication, OutboxEvent
from financing.tests.factories import application_make, choose_url, offers_url
from financing.tests.stand_in import OFFER, StandInBank, callback, http_bank_make
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
def sent(api_client, customer, bank, run_on_commit) -> BankOffer:
    """The bank's offer, chosen, and the loan sent to the bank once the down payment is in."""
    order = order_make(customer, (vehicle_make(price="1000000.00", make="Lada", year=2026), 1))
    application = application_make(customer, order)
    with run_on_commit():
        asked = client_for(customer).post(
            offers_url(application), {"banks": [str(bank.pk)], "consent": True}, format="json"
        )
    assert asked.status_code == 201, asked.json()
    offer = BankOffer.objects.get(application=application)
    assert callback(api_client, bank, {**OFFER, "offer_id": str(offer.pk)}).status_code == 200
    with run_on_commit():
        assert client_for(customer).post(choose_url(offer)).status_code == 200
        services.order_paid_note(order_id=order.pk, paid_amount=Decimal("200000.00"), version=1)
    offer.refresh_from_db()
    assert offer.application.sent_to_lender_at is not None
    return offer


def disbursed(api_client, offer, number: int, reference: str, amount: str = "800000.00"):
    body = {
        "id": f"cb-paid-{number}",
        "kind": "disbursed",
        "offer_id": str(offer.pk),
        "reference": reference,
        "amount": amount,
    }
    return callback(api_client, offer.bank, body)


def written(offer: BankOffer) -> tuple:
    """What a disbursement would write: the application's state, the events payments' ledger
    takes the money from, and the callbacks recorded."""
    application = LoanApplication.objects.get(pk=offer.application_id)
    return (
        application.status,
        application.disbursement_reference,
        application.disbursed_at,
        OutboxEvent.objects.filter(type="loan_application.disbursed").count(),
        list(BankCallback.objects.filter(kind="disbursed").values_list("callback_id", flat=True)),
    )


def test_a_loan_given_up_after_it_went_to_the_bank_takes_no_disbursement(
    api_client, customer, sent, run_on_commit, caplog
):
    with run_on_commit():
        given_up = client_for(customer).post(
            f"/api/v1/financing/applications/{sent.application_id}/withdraw"
        )
    assert given_up.status_code == 200, given_up.json()
    before = written(sent)

    refused = disbursed(api_client, sent, 1, "PAY-1")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_the_chosen_bank"
    assert written(sent) == before == ("withdrawn", None, None, 0, [])
    assert "not the chosen lender" in caplog.text


def test_a_loan_disbursed_takes_no_second_disbursement_and_its_repeat_changes_nothing(
    api_client, sent
):
    first = disbursed(api_client, sent, 1, "PAY-1")
    after_first = written(sent)

    other = disbursed(api_client, sent, 2, "PAY-2")
    repeat = disbursed(api_client, sent, 3, "PAY-1")

    assert first.status_code == 200, first.json()
    assert after_first[:2] == ("disbursed", "PAY-1") and after_first[3:] == (1, ["cb-paid-1"])
    assert other.status_code == 409 and other.json()["error"]["code"] == "already_disbursed"
    assert repeat.status_code == 200  # the bank said it again: nothing new is paid
    status, reference, at, events, callbacks = written(sent)
    assert (status, reference, at, events) == after_first[:4]
    assert callbacks == ["cb-paid-1", "cb-paid-3"]


def test_a_disbursement_of_another_amount_or_by_a_bank_not_asked_writes_nothing(
    api_client, sent, stand_in
):
    stranger = http_bank_make(stand_in, code="stranger", name="Stranger Bank")
    before = written(sent)

    less = disbursed(api_client, sent, 1, "PAY-1", amount="799999.99")
    more = disbursed(api_client, sent, 2, "PAY-2", amount="800000.01")
    body = {"id": "cb-x", "kind": "disbursed", "offer_id": str(sent.pk), "reference": "PAY-3"}
    by_stranger = callback(api_client, stranger, {**body, "amount": "800000.00"})

    assert [less.status_code, more.status_code] == [400, 400]
    assert {less.json()["error"]["code"], more.json()["error"]["code"]} == {
        "disbursement_amount_mismatch"
    }
    assert by_stranger.status_code == 404  # not its offer
    assert written(sent) == before == ("approved", None, None, 0, [])
