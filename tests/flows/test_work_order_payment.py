"""A work order paid (docs/service.md, "Payment"): by card through the provider or at the cash
desk, the balance or a prepayment for parts; each payment with its 54-FZ receipt naming works
as `услуга` and parts as `товар`, a prepayment settled at the handover; the car goes home
without a second person's leave once payments reports nothing owed."""

import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for
from payments.choices import PayableKind, PaymentMode, ReceiptKind
from payments.models import Payable, Payment, Receipt
from payments.services import payment_create
from payments.services.receipts import settlement_receipt_issue
from service import services
from service.choices import Channel, WorkOrderStatus
from service.models import WorkOrder
from service.tests.factories import local_at, service_showroom_make, work_order_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
PAYMENTS = "/api/v1/payments/"


@pytest.fixture
def showroom():
    return service_showroom_make()


@pytest.fixture
def advisor(showroom):
    return UserFactory(role="manager", showroom_ids=[showroom.pk])


@pytest.fixture
def customer():
    return UserFactory(role="client")


def signed(advisor, customer, showroom) -> WorkOrder:
    """A ТО-1 order signed on the site: 1.5 norm hours of work and four litres of oil."""
    work_order = work_order_make(advisor, customer, showroom)
    services.work_order_sign(
        user=customer, work_order_id=work_order.pk, channel=Channel.SITE, instruction="call"
    )
    return WorkOrder.objects.get(pk=work_order.pk)


def done(advisor, work_order) -> WorkOrder:
    services.work_order_start(user=advisor, work_order_id=work_order.pk)
    for line in work_order.lines.all():
        services.line_done(user=advisor, work_order_id=work_order.pk, line_id=line.pk)
    services.work_order_complete(user=advisor, work_order_id=work_order.pk)
    return WorkOrder.objects.get(pk=work_order.pk)


def pay(user, work_order, amount, method="card"):
    payment, _created = payment_create(
        user=user,
        work_order_id=work_order.pk,
        amount=Decimal(amount),
        method=method,
        idempotency_key=uuid.uuid4().hex,
    )  # the fake provider charges, with its receipt, at commit
    return Payment.objects.get(pk=payment.pk)


def test_paid_once_done_the_receipt_names_works_as_services_and_parts_as_goods(
    provider, advisor, customer, showroom
):
    work_order = done(advisor, signed(advisor, customer, showroom))
    total = work_order.customer_total
    assert total > 0

    payment = pay(customer, work_order, total)

    assert payment.status == "completed"
    (receipt,) = Receipt.objects.filter(payment=payment)
    assert receipt.kind == ReceiptKind.PAYMENT and receipt.total == total
    subjects = {line["payment_subject"] for line in receipt.lines}
    assert subjects == {"service", "commodity"}
    assert {line["payment_mode"] for line in receipt.lines} == {PaymentMode.FULL_PAYMENT}
    assert receipt.seller_inn == work_order.executor_inn
    work_order.refresh_from_db()
    assert work_order.amount_paid == total and work_order.balance == 0
    payable = Payable.objects.get(payable_id=work_order.pk)
    assert payable.payable_kind == PayableKind.WORK_ORDER and payable.showroom_id == showroom.pk

    handed = services.work_order_hand_over(
        user=advisor, work_order_id=work_order.pk, mileage_out=30010
    )  # nothing owed: no second person's leave asked
    assert handed.status == WorkOrderStatus.HANDED_OVER
    assert settlement_receipt_issue(payable_id=work_order.pk) is None  # nothing was prepaid


def test_a_prepayment_for_parts_is_settled_at_the_handover(provider, advisor, customer, showroom):
    work_order = signed(advisor, customer, showroom)

    prepayment = pay(customer, work_order, "1000.00")

    (receipt,) = Receipt.objects.filter(payment=prepayment)
    assert {line["payment_mode"] for line in receipt.lines} == {PaymentMode.PARTIAL_PREPAYMENT}
    assert sum(Decimal(line["price"]) * line["quantity"] for line in receipt.lines) == Decimal(
        "1000.00"
    )
    work_order = done(advisor, work_order)
    rest = pay(customer, work_order, work_order.balance)
    (full,) = Receipt.objects.filter(payment=rest)
    assert {line["payment_mode"] for line in full.lines} == {PaymentMode.FULL_PAYMENT}

    services.work_order_hand_over(user=advisor, work_order_id=work_order.pk, mileage_out=30010)
    settlement = settlement_receipt_issue(payable_id=work_order.pk)

    assert settlement.kind == ReceiptKind.SETTLEMENT and settlement.prepaid == Decimal("1000.00")
    assert {line["payment_mode"] for line in settlement.lines} == {PaymentMode.FULL_PAYMENT}
    assert (
        Receipt.objects.filter(payable_id=work_order.pk, kind=ReceiptKind.SETTLEMENT).count() == 1
    )


def test_no_more_than_the_balance_and_not_before_the_signature(
    provider, advisor, customer, showroom
):
    draft = work_order_make(advisor, customer, showroom, start=local_at(showroom, 15))
    api = client_for(customer)
    body = {"work_order_id": str(draft.pk), "amount": "100.00", "method": "card"}

    not_signed = api.post(PAYMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    assert not_signed.status_code == 409, not_signed.content
    assert not_signed.json()["error"]["code"] == "order_not_payable"
    work_order = signed(advisor, customer, showroom)
    too_much = {**body, "work_order_id": str(work_order.pk), "amount": "9999999.00"}
    answer = api.post(PAYMENTS, too_much, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "amount_exceeds_balance"
    assert not Payment.objects.filter(payable_id__in=[draft.pk, work_order.pk]).exists()


def test_another_customer_cannot_pay_or_see_it_and_staff_take_cash_at_the_desk(
    provider, advisor, customer, showroom
):
    work_order = done(advisor, signed(advisor, customer, showroom))
    body = {"work_order_id": str(work_order.pk), "amount": "10.00", "method": "card"}

    stranger = client_for(UserFactory(role="client")).post(
        PAYMENTS, body, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )

    assert stranger.status_code == 404
    assert stranger.json()["error"]["code"] == "work_order_not_found"
    cash = pay(advisor, work_order, work_order.balance, method="cash")
    assert cash.status == "completed" and cash.customer_id == customer.pk
    assert WorkOrder.objects.get(pk=work_order.pk).balance == 0


def test_the_customer_pays_on_the_work_orders_page_and_opens_the_receipt(
    provider, advisor, customer, showroom
):
    work_order = done(advisor, signed(advisor, customer, showroom))
    browser = Client()
    browser.force_login(customer)
    page = reverse("storefront:work-order", args=[work_order.pk])
    assert "Оплатить картой" in browser.get(page, HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    wrong = browser.post(
        page + "pay", {"amount": "абв", "key": str(uuid.uuid4())}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert wrong.status_code == 400 and "абв" in wrong.content.decode()
    key = str(uuid.uuid4())
    for _twice in range(2):
        browser.post(page + "pay", {"amount": str(work_order.balance), "key": key})

    (payment,) = Payment.objects.filter(payable_id=work_order.pk)
    assert payment.amount == work_order.balance and payment.status == "completed"
    html = browser.get(page).content.decode()
    assert reverse("storefront:receipts", args=[payment.pk]) in html
    receipt_page = browser.get(reverse("storefront:receipts", args=[payment.pk]))
    assert (
        receipt_page.status_code == 200 and work_order.executor_inn in receipt_page.content.decode()
    )
