"""What the buyer hears of a loan (docs/notifications.md): the dealership's own pre-check is a
pre-approval that names no rate nor payment; the terms come in the e-mail of the bank's offer
the buyer took; a schedule issued again is told as re-issued, once per re-issue, instead of as
a new document (docs/documents.md, "Papers follow the terms")."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from common.events import delivery, types
from common.events.registry import outbox_model
from conftest import client_for
from documents.tests.factories import legal_entity_make
from financing import selectors as financing_selectors
from financing import services as financing_services
from financing.tests.factories import (
    application_make,
    banks_make,
    credit_discount_make,
    offers_url,
)
from notifications import rendering
from notifications.models import Delivery
from orders.tests.factories import order_make, vehicle_make

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def daytime(time_machine):
    """Noon in Moscow: outside the quiet hours of SMS."""
    time_machine.move_to("2026-11-26T12:00:00+03:00", tick=True)


def buyer(language: str):
    return UserFactory(role="client", language=language, phone="+79151234567")


def approved(customer, run_on_commit):
    """1,000,000.00 less a fifth down: 800,000.00 over 60 months, approved by the
    dealership's scoring (at its table's 15.90 %, 19,411.96 a month)."""
    car = vehicle_make(price="1000000.00", make="Lada", model="Vesta", year=2026)
    with run_on_commit():
        return application_make(customer, order_make(customer, (car, 1)))


def mails(customer, subject_starts: str) -> list:
    return [
        m for m in mail.outbox if m.to == [customer.email] and m.subject.startswith(subject_starts)
    ]


@pytest.mark.parametrize(
    ("language", "subject", "amount"),
    [
        ("ru", "Кредит предварительно одобрен", "800\xa0000,00\xa0₽"),
        ("en", "Your loan is pre-approved", "800,000.00\xa0RUB"),
    ],
)
def test_the_dealerships_pre_check_is_a_pre_approval_naming_no_rate_nor_payment(
    language, subject, amount, run_on_commit
):
    customer = buyer(language)

    application = approved(customer, run_on_commit)

    (message,) = mails(customer, subject)
    assert amount in message.body and "60" in message.body
    sms = Delivery.objects.get(user_id=customer.pk, notice="loan.approved", channel="sms")
    assert sms.status == "sent" and amount in rendering.render(sms.template.body, sms.context)
    # The dealership's table gave 15.90 % and 19,411.96 a month: no bank offered them.
    assert (application.annual_rate, application.monthly_payment) == (
        Decimal("15.90"),
        Decimal("19411.96"),
    )
    for text in (message.body, rendering.render(sms.template.body, sms.context)):
        assert "15,90" not in text and "15.90" not in text
        assert "411,96" not in text and "411.96" not in text
    assert not {"annual_rate", "monthly_payment"} & set(sms.context)


def test_the_bank_offer_taken_is_the_e_mail_that_names_the_terms(run_on_commit):
    customer = buyer("ru")
    application = approved(customer, run_on_commit)
    banks = banks_make()
    with run_on_commit():
        asked = client_for(customer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks], "consent": True},
            format="json",
        )
    assert asked.status_code == 201, asked.json()
    offers = financing_selectors.offers_of(user=customer, application_id=application.pk)
    volga = offers.get(bank__code="demo-volga")

    with run_on_commit():
        financing_services.offer_choose(user=customer, offer_id=volga.pk)

    (message,) = mails(customer, "Вы выбрали предложение банка Демо-банк Волга")
    body = message.body
    assert "11,90 % годовых" in body
    payment = f"{volga.monthly_payment:,.2f}".replace(",", "\xa0").replace(".", ",")
    assert f"платёж {payment}\xa0₽ в месяц" in body
    assert f"{volga.full_cost_percent:.3f}".replace(".", ",") in body
    assert Delivery.objects.filter(user_id=customer.pk, notice="loan.offer_chosen").count() == 2


def test_a_schedule_issued_again_is_told_once_as_re_issued(run_on_commit):
    customer = buyer("ru")
    legal_entity_make()
    credit_discount_make(amount="100000.00")
    application = approved(customer, run_on_commit)
    (first,) = mails(customer, "График платежей по кредиту №")
    banks = banks_make()

    with run_on_commit():  # the credit discount: a smaller loan, its schedule issued again
        client_for(customer).post(
            offers_url(application),
            {"banks": [str(bank.pk) for bank in banks], "consent": True},
            format="json",
        )

    (told,) = mails(customer, "График платежей переоформлен")
    old_number = first.subject.split("№ ")[1]
    rows = outbox_model("documents").objects.filter(type="order.document_ready")
    (reissue,) = [row for row in rows if row.payload["supersedes"]]
    new_number = reissue.payload["number"]
    assert told.subject == f"График платежей переоформлен: № {new_number}"
    assert f"новый № {new_number} заменяет № {old_number}" in " ".join(told.body.split())
    assert mails(customer, "График платежей по кредиту №") == [
        first
    ]  # not a new document's e-mail too

    event = types.event_from_outbox_row(reissue, "documents").as_dict()
    with run_on_commit():
        assert delivery.deliver("notifications.document_ready", event) is False
    reissued = Delivery.objects.filter(user_id=customer.pk, notice="loan.schedule_reissued")
    assert [(d.key, d.channel) for d in reissued] == [(str(reissue.pk), "email")]
    assert len(mails(customer, "График платежей переоформлен")) == 1
