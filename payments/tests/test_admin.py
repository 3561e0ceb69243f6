from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import browser_for
from orders.tests.factories import order_make, product_make
from payments import services
from payments.models import LedgerTransaction, OutboxEvent, Payment, Refund
from payments.tests.factories import completed_payment_make, pending_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")


def refund_action(browser, payments, reason: str | None = None):
    data = {"action": "refund", helpers.ACTION_CHECKBOX_NAME: [str(p.pk) for p in payments]}
    extra = {"index": 0} if reason is None else {"reason": reason, "apply": "yes"}
    return browser.post(reverse("admin:payments_payment_changelist"), {**data, **extra})


def test_refunding_asks_for_a_reason_first(manager, customer, provider):
    order = order_make(customer, (product_make(price="1000.00"), 1))
    payment = completed_payment_make(customer, order, "1000.00")

    response = refund_action(browser_for(manager), [payment])

    assert response.status_code == 200
    assert list(response.context["objects"]) == [payment]
    assert not Refund.objects.exists()
    assert provider.records("refunds") == {}


def test_a_manager_refunds_what_is_left_of_a_payment_through_the_service(
    manager, customer, provider
):
    order = order_make(customer, (product_make(price="1000.00"), 1))
    payment = completed_payment_make(customer, order, "1000.00")
    services.payment_refund(payment_id=payment.pk, amount=Decimal("300.00"), reason="Dent")

    response = refund_action(browser_for(manager), [payment], "Returned the car")

    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("1000.00"))
    refund = Refund.objects.get(reason="Returned the car")
    assert (refund.amount, refund.status, refund.created_by_id) == (
        Decimal("700.00"),
        "completed",
        manager.pk,
    )
    assert provider.records("refunds")[str(refund.pk)]["amount"] == "700.00"
    ledger = LedgerTransaction.objects.filter(payment=payment, type="refund")
    assert sorted(ledger.values_list("amount", flat=True)) == [
        Decimal("-700.00"),
        Decimal("-300.00"),
    ]
    event = OutboxEvent.objects.filter(type="payment.refunded").order_by("occurred_at").last()
    assert (event.aggregate_id, event.payload["refund_amount"]) == (str(payment.pk), "700.00")


def test_a_payment_that_cannot_be_refunded_is_reported_and_the_others_are_refunded(
    manager, customer, provider
):
    completed = completed_payment_make(
        customer, order_make(customer, (product_make(price="50.00"), 1)), "50.00"
    )
    pending = pending_payment_make(
        customer, order_make(customer, (product_make(price="20.00"), 1)), "20.00"
    )

    response = refund_action(browser_for(manager), [completed, pending], "Goodwill")

    assert Payment.objects.get(pk=completed.pk).status == "refunded"
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert list(Refund.objects.values_list("payment_id", flat=True)) == [completed.pk]
    messages = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert messages == [
        ("error", f"{pending}: A pending payment cannot be refunded."),
        ("success", "Refunded: 1 payment."),
    ]


def test_payments_cannot_be_edited_in_the_admin(manager, customer, provider):
    payment = completed_payment_make(
        customer, order_make(customer, (product_make(price="50.00"), 1)), "50.00"
    )

    response = browser_for(manager).post(
        reverse("admin:payments_payment_change", args=[payment.pk]),
        {"status": "refunded", "refunded_amount": "50.00"},
    )

    assert response.status_code == 403
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0.00"))


def test_a_payments_page_shows_its_fiscal_receipts_in_russian(manager, customer, provider):
    order = order_make(customer, (product_make(price="1000.00"), 1))
    payment = completed_payment_make(customer, order, "400.00")
    browser = browser_for(manager)
    browser.cookies["django_language"] = "ru"

    page = browser.get(reverse("admin:payments_payment_change", args=[payment.pk]))

    text = page.content.decode()
    assert "Фискальные чеки" in text
    assert "частичная предоплата, НДС 22/122" in text
    assert "Зарегистрирован" in text  # the fake provider registers it at once
