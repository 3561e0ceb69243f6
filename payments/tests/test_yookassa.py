"""Payments through YooKassa: its HTTP API is mocked with bodies from its API reference; our
code, its SDK and the databases run for real."""

import json
import uuid
from decimal import Decimal
from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.factories import order_make, product_make, vehicle_make
from payments import services
from payments.models import LedgerTransaction, Payment, ProviderNotification, Receipt, Refund
from payments.providers import ProviderUnavailable
from payments.tests import provider_api
from payments.tests.factories import pending_payment_make
from payments.tests.provider_api import (
    YOOKASSA_ADDRESS,
    YOOKASSA_API,
    yookassa_list,
    yookassa_notification,
    yookassa_payment,
    yookassa_receipt,
    yookassa_refund,
)
from payments.tests.yookassa_flow import (
    NOTIFY,
    REFERENCE,
    answer_creates,
    awaiting_confirmation,
    pay,
)

pytestmark = pytest.mark.django_db(databases="__all__")
REFUND_REFERENCE = "2d5f9c02-0015-5000-a000-1c3a4e8d9b01"


def notify(client, event, obj, *, address=YOOKASSA_ADDRESS):
    return client.post(
        NOTIFY,
        data=yookassa_notification(event, obj),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def requests_to(mock, method, path):
    return provider_api.requests_to(mock, method, f"/v3{path}")  # YooKassa's API is under /v3


def confirmed(client, mock, payment, run_on_commit) -> Payment:
    succeeded = yookassa_payment(payment, id=REFERENCE, status="succeeded")
    mock.get(f"{YOOKASSA_API}/payments/{REFERENCE}", json=succeeded)
    with run_on_commit():
        assert notify(client, "payment.succeeded", succeeded).json()["status"] == "accepted"
    payment.refresh_from_db()
    return payment


def test_a_payment_from_confirmation_to_a_partial_refund(
    customer, customer_client, manager_client, client, yookassa, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, yookassa, run_on_commit)

    # 1–2. Created at YooKassa, waiting for the customer's confirmation.
    (create,) = requests_to(yookassa, "POST", "/payments")
    assert create.headers["Idempotence-Key"] == f"payment-{payment.pk}"
    sent = json.loads(create.body)
    assert sent["metadata"]["payment_id"] == str(payment.pk)  # the SDK adds its own name
    assert {name: sent[name] for name in ("amount", "capture", "confirmation")} == {
        "amount": {"value": "1000.00", "currency": "RUB"},
        "capture": True,
        "confirmation": {
            "type": "redirect",
            "return_url": f"http://127.0.0.1:8000/payments/{payment.pk}/return",
        },
    }
    assert (payment.status, payment.provider, payment.provider_reference) == (
        "requires_action",
        "yookassa",
        REFERENCE,
    )
    shown = customer_client.get(f"/api/v1/payments/{payment.pk}/").json()
    assert shown["status"] == "requires_action"
    assert shown["confirmation_url"].startswith("https://yoomoney.ru/api-pages/v2/payment-confirm/")
    assert shown["return_url"] == f"http://127.0.0.1:8000/payments/{payment.pk}/return"
    order = orders_selectors.order_get(user=customer, order_id=payment.payable_id)
    link = order.links.get(reference_id=payment.pk)
    assert link.status == "requires_action"  # on the order, and pushed to the live feed
    assert LedgerTransaction.objects.count() == 0

    # 3–5. The notification: completed, one ledger row, the order paid.
    payment = confirmed(client, yookassa, payment, run_on_commit)
    assert (payment.status, payment.confirmation_url) == ("completed", "")
    charge = LedgerTransaction.objects.get()
    assert (charge.type, charge.amount, charge.provider_reference) == (
        "charge",
        Decimal("1000.00"),
        REFERENCE,
    )
    order = orders_selectors.order_get(user=customer, order_id=payment.payable_id)
    assert order.status == "paid"
    assert ProviderNotification.objects.get().status == "applied"

    # 6. A partial refund: YooKassa takes it and answers `pending`.
    def refund_created(request):
        body = json.loads(request.body)
        made = yookassa_refund(
            body["metadata"]["refund_id"],
            REFERENCE,
            Decimal("300"),
            status="pending",
            id=REFUND_REFERENCE,
        )
        return 200, {}, json.dumps(made)

    yookassa.add_callback("POST", f"{YOOKASSA_API}/refunds", callback=refund_created)
    with run_on_commit():
        response = manager_client.post(
            f"/api/v1/payments/{payment.pk}/refund",
            {"amount": "300.00", "reason": "A scratch on delivery"},
            format="json",
        )
    assert response.status_code == 201
    refund = Refund.objects.get()
    (request,) = requests_to(yookassa, "POST", "/refunds")
    assert request.headers["Idempotence-Key"] == f"refund-{refund.pk}"
    sent = json.loads(request.body)
    assert {name: sent[name] for name in ("payment_id", "amount", "metadata")} == {
        "payment_id": REFERENCE,
        "amount": {"value": "300.00", "currency": "RUB"},
        "metadata": {"refund_id": str(refund.pk)},
    }
    assert (refund.status, refund.provider_reference) == ("pending", REFUND_REFERENCE)

    # 7–8. Its notification: the payment is partially refunded.
    done = yookassa_refund(refund.pk, REFERENCE, Decimal("300"), id=REFUND_REFERENCE)
    yookassa.get(f"{YOOKASSA_API}/refunds/{REFUND_REFERENCE}", json=done)
    with run_on_commit():
        assert notify(client, "refund.succeeded", done).json()["status"] == "accepted"
    payment.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == "completed"
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("300.00"))
    assert sorted(LedgerTransaction.objects.values_list("amount", "provider_reference")) == [
        (Decimal("-300.00"), REFUND_REFERENCE),
        (Decimal("1000.00"), REFERENCE),
    ]
    order = orders_selectors.order_get(user=customer, order_id=payment.payable_id)
    assert order.paid_amount == Decimal("700.00")


@pytest.mark.parametrize("address", ["203.0.113.9", "185.71.76.32", "not-an-address"])
def test_a_notification_from_outside_yookassas_networks_is_refused(
    customer, customer_client, client, yookassa, run_on_commit, address
):
    payment = awaiting_confirmation(customer, customer_client, yookassa, run_on_commit)
    forged = yookassa_payment(payment, id=REFERENCE, status="succeeded")

    with run_on_commit():
        response = notify(client, "payment.succeeded", forged, address=address)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "notification_refused"
    payment.refresh_from_db()
    assert payment.status == "requires_action"
    assert ProviderNotification.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0
    assert requests_to(yookassa, "GET", f"/payments/{REFERENCE}") == []


@pytest.mark.parametrize(
    "fetched_as",
    [
        {"status": "pending"},  # not paid at all
        {"status": "succeeded", "amount": Decimal("1.00")},  # paid, but one rouble
    ],
)
def test_a_notification_the_fetched_object_contradicts_is_refused(
    customer, customer_client, client, yookassa, run_on_commit, fetched_as
):
    payment = awaiting_confirmation(customer, customer_client, yookassa, run_on_commit)
    claimed = yookassa_payment(payment, id=REFERENCE, status="succeeded")
    yookassa.get(
        f"{YOOKASSA_API}/payments/{REFERENCE}",
        json=yookassa_payment(payment, id=REFERENCE, **fetched_as),
    )

    with run_on_commit():
        response = notify(client, "payment.succeeded", claimed)

    assert response.status_code == 200  # YooKassa's delivery is done; it is not acted on
    payment.refresh_from_db()
    assert payment.status == "requires_action"
    assert LedgerTransaction.objects.count() == 0
    notice = ProviderNotification.objects.get()
    assert notice.status == "refused"
    assert "differs" in notice.note
    assert len(requests_to(yookassa, "GET", f"/payments/{REFERENCE}")) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"type": "notification", "event": "payment.succeeded"}',
        b'{"type": "notification", "event": "payment.succeeded", "object": {"id": "x", "status": "succeeded", "amount": {"value": "a lot"}}}',
    ],
)
def test_an_unreadable_notification_gets_a_400_in_the_envelope(client, yookassa, body):
    response = client.post(
        NOTIFY, data=body, content_type="application/json", REMOTE_ADDR=YOOKASSA_ADDRESS
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "notification_refused"
    assert ProviderNotification.objects.count() == 0


def test_a_notification_about_no_payment_of_ours_is_logged_and_ignored(
    client, yookassa, run_on_commit, caplog
):
    stranger = {
        **yookassa_payment(Payment(amount=Decimal("5.00"), currency="RUB"), status="succeeded"),
        "metadata": {},
    }

    with run_on_commit():
        response = notify(client, "payment.succeeded", stranger)

    assert response.status_code == 200
    notice = ProviderNotification.objects.get()
    assert notice.status == "ignored"
    assert "ignored" in caplog.text
    assert requests_to(yookassa, "GET", f"/payments/{stranger['id']}") == []


def test_notifications_go_only_to_the_configured_provider(client, yookassa, settings):
    settings.PAYMENTS_PROVIDER = "stripe"

    response = notify(client, "payment.succeeded", {"id": REFERENCE})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "provider_not_configured"


def test_a_create_that_times_out_stays_pending_and_the_look_up_repeats_it_under_the_same_key(
    customer, yookassa, run_on_commit
):
    order = order_make(customer, (product_make(price="500.00"), 1))
    payment = pending_payment_make(customer, order, "500.00")
    yookassa.post(f"{YOOKASSA_API}/payments", body=requests.exceptions.ReadTimeout("no answer"))

    with pytest.raises(ProviderUnavailable):
        services.payment_process(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == "pending"

    yookassa.replace(
        "POST", f"{YOOKASSA_API}/payments", json=yookassa_payment(payment, id=REFERENCE)
    )
    with run_on_commit():
        call_command("payments_retry_pending", "--older-than", "0")

    payment.refresh_from_db()
    assert (payment.status, payment.provider_reference) == ("requires_action", REFERENCE)
    first, second = requests_to(yookassa, "POST", "/payments")
    assert (
        first.headers["Idempotence-Key"]
        == second.headers["Idempotence-Key"]
        == f"payment-{payment.pk}"
    )
    assert json.loads(first.body) == json.loads(second.body)
    assert LedgerTransaction.objects.count() == 0


def test_the_return_page_asks_yookassa_at_once(
    customer, customer_client, client, yookassa, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, yookassa, run_on_commit)
    yookassa.get(
        f"{YOOKASSA_API}/payments/{REFERENCE}",
        json=yookassa_payment(payment, id=REFERENCE, status="succeeded"),
    )

    page = client.get(f"/payments/{payment.pk}/return")
    again = client.get(f"/payments/{payment.pk}/return")

    payment.refresh_from_db()
    assert payment.status == "completed"
    assert b"the payment is received" in again.content
    assert page.status_code == again.status_code == 200
    assert len(requests_to(yookassa, "GET", f"/payments/{REFERENCE}")) == 1
    assert client.get("/payments/7b0c2d5e-3f4a-4b6c-9d8e-1f2a3b4c5d6e/return").status_code == 404


@pytest.mark.parametrize("planted", [False, True])
def test_reconciliation_reports_a_charge_missing_from_the_ledger(
    customer, customer_client, client, yookassa, run_on_commit, planted
):
    payment = confirmed(
        client,
        yookassa,
        awaiting_confirmation(customer, customer_client, yookassa, run_on_commit),
        run_on_commit,
    )
    ours = yookassa_payment(payment, id=REFERENCE, status="succeeded")
    stranger = yookassa_payment(
        Payment(amount=Decimal("250.00"), currency="RUB"), status="succeeded"
    )
    yookassa.get(
        f"{YOOKASSA_API}/payments", json=yookassa_list([ours, stranger] if planted else [ours])
    )
    yookassa.get(f"{YOOKASSA_API}/refunds", json=yookassa_list([]))
    day = timezone.localdate().isoformat()

    if planted:
        with pytest.raises(CommandError, match="1 difference"):
            call_command("payments_reconcile", "--date", day, stdout=(out := StringIO()))
        assert out.getvalue().splitlines() == [
            f"missing charge {stranger['id']}: the provider holds 250.00 RUB, the ledger nothing"
        ]
    else:
        call_command("payments_reconcile", "--date", day, stdout=(out := StringIO()))
        assert out.getvalue().strip() == f"{day}: the ledger agrees with the provider."
    (listing,) = requests_to(yookassa, "GET", "/payments")
    assert "status=succeeded" in listing.path_url


def test_a_payment_yookassa_refuses_to_create_fails_with_its_reason(
    customer, customer_client, yookassa, run_on_commit
):
    order = order_make(customer, (product_make(price="300.00"), 1))
    refused = {
        "type": "error",
        "id": "ab1b4f8e-3b5c-4a86-9f3a-5ec1a7d0c2f1",
        "code": "invalid_request",
        "description": "Invalid amount value",
        "parameter": "amount.value",
    }
    yookassa.post(f"{YOOKASSA_API}/payments", status=400, json=refused)

    with run_on_commit():
        pay(customer_client, order, "300.00")

    payment = Payment.objects.get()
    assert payment.status == "failed"
    assert payment.failure_reason == "YooKassa refused the request: Invalid amount value"
    assert len(requests_to(yookassa, "POST", "/payments")) == 1  # declined, not retried


def test_a_notification_about_an_object_yookassa_does_not_know_is_refused(
    customer, customer_client, client, yookassa, run_on_commit
):
    payment = awaiting_confirmation(customer, customer_client, yookassa, run_on_commit)
    claimed = yookassa_payment(payment, id=REFERENCE, status="succeeded")
    yookassa.get(
        f"{YOOKASSA_API}/payments/{REFERENCE}",
        status=404,
        json={"type": "error", "code": "not_found", "description": "Payment doesn't exist"},
    )

    with run_on_commit():
        assert notify(client, "payment.succeeded", claimed).status_code == 200

    assert ProviderNotification.objects.get().status == "refused"
    payment.refresh_from_db()
    assert payment.status == "requires_action"


def test_giving_up_on_a_payment_never_sent_asks_nothing_and_fails_it(customer, yookassa):
    order = order_make(customer, (product_make(price="300.00"), 1))
    payment = pending_payment_make(customer, order, "300.00")

    payment = services.payment_reconcile(payment_id=payment.pk, reason="The order was cancelled.")

    assert (payment.status, payment.failure_reason) == ("failed", "The order was cancelled.")
    assert len(yookassa.calls) == 0  # a look-up would have opened a payment at YooKassa


def test_a_payment_yookassa_is_still_deciding_is_not_failed(customer, yookassa):
    order = order_make(customer, (product_make(price="300.00"), 1))
    payment = pending_payment_make(customer, order, "300.00")
    yookassa.post(f"{YOOKASSA_API}/payments", body=requests.exceptions.ReadTimeout("no answer"))
    with pytest.raises(ProviderUnavailable):
        services.payment_process(payment_id=payment.pk)
    deciding = yookassa_payment(payment, id=REFERENCE, status="waiting_for_capture")
    yookassa.replace("POST", f"{YOOKASSA_API}/payments", json=deciding)

    payment = services.payment_reconcile(payment_id=payment.pk, reason="Given up")

    assert payment.status == "pending"
    assert LedgerTransaction.objects.count() == 0


# FISCAL RECEIPTS (54-FZ)
# ------------------------------------------------------------------------------
def test_the_charge_the_refund_and_the_settlement_carry_receipts_the_sdk_accepts(
    customer, customer_client, manager, manager_client, client, yookassa, run_on_commit
):
    from yookassa.domain.models.receipt_data.receipt_item import PaymentMode, PaymentSubject
    from yookassa.domain.request.payment_request import PaymentRequest
    from yookassa.domain.request.receipt_request import ReceiptRequest
    from yookassa.domain.request.refund_request import RefundRequest

    modes = {v for k, v in vars(PaymentMode).items() if k.isupper()}
    subjects = {v for k, v in vars(PaymentSubject).items() if k.isupper()}
    order = order_make(customer, (vehicle_make(price="1000000.00"), 1))
    answer_creates(yookassa)
    with run_on_commit():
        assert pay(customer_client, order, "200000.00").status_code == 201
    payment = Payment.objects.get()

    # The charge: its receipt, as the SDK's own request model reads and validates it.
    sent = json.loads(requests_to(yookassa, "POST", "/payments")[0].body)
    PaymentRequest(sent).validate()
    receipt = sent["receipt"]
    assert receipt["customer"] == {"email": customer.email}
    (item,) = receipt["items"]
    assert (item["payment_mode"], item["payment_subject"]) == ("partial_prepayment", "commodity")
    assert item["payment_mode"] in modes and item["payment_subject"] in subjects
    assert (item["amount"], item["vat_code"], float(item["quantity"])) == (
        {"value": "200000.00", "currency": "RUB"},
        12,
        1.0,
    )
    assert receipt["tax_system_code"] == 1

    # YooKassa's notification says the receipt is registered.
    succeeded = yookassa_payment(payment, id=REFERENCE, status="succeeded")
    succeeded["receipt_registration"] = "succeeded"
    yookassa.get(f"{YOOKASSA_API}/payments/{REFERENCE}", json=succeeded)
    with run_on_commit():
        notify(client, "payment.succeeded", succeeded)
    assert Receipt.objects.get(kind="payment").status == "succeeded"

    # A refund of part of it: its receipt, the refund's share of the payment's lines.
    def refund_created(request):
        body = json.loads(request.body)
        made = yookassa_refund(body["metadata"]["refund_id"], REFERENCE, Decimal("1000.50"))
        made["receipt_registration"] = "pending"
        return 200, {}, json.dumps(made)

    yookassa.add_callback("POST", f"{YOOKASSA_API}/refunds", callback=refund_created)
    with run_on_commit():
        manager_client.post(
            f"/api/v1/payments/{payment.pk}/refund",
            {"amount": "1000.50", "reason": "A scratch"},
            format="json",
        )
    sent = json.loads(requests_to(yookassa, "POST", "/refunds")[0].body)
    RefundRequest(sent).validate()
    (item,) = sent["receipt"]["items"]
    assert (item["amount"]["value"], item["payment_mode"]) == ("1000.50", "partial_prepayment")
    assert Receipt.objects.get(kind="refund").status == "pending"  # YooKassa registers it later

    # The lender pays the rest (by bank transfer, outside YooKassa), then the handover: a
    # receipt of its own, settled by the buyer's prepayment net of the refund.
    with run_on_commit():
        services.loan_record(
            order_id=order.pk,
            application_id=uuid.uuid4(),
            customer_id=customer.pk,
            type="loan_disbursement",
            amount=Decimal("801000.50"),
            currency="RUB",
            reference="lender-transfer-1",
        )

    def receipt_created(request):
        return 200, {}, json.dumps(yookassa_receipt(json.loads(request.body), id="rt-2d5f"))

    yookassa.add_callback("POST", f"{YOOKASSA_API}/receipts", callback=receipt_created)
    with run_on_commit():
        orders_services.order_status_set(order_id=order.pk, status="processing", user=manager)
        orders_services.order_status_set(order_id=order.pk, status="completed", user=manager)
    (request,) = requests_to(yookassa, "POST", "/receipts")
    sent = json.loads(request.body)
    ReceiptRequest(sent).validate()
    assert (sent["type"], sent["payment_id"], sent["send"]) == ("payment", REFERENCE, True)
    assert sent["settlements"] == [
        {"type": "prepayment", "amount": {"value": "198999.50", "currency": "RUB"}}
    ]
    (item,) = sent["items"]
    assert (item["amount"]["value"], item["payment_mode"], item["vat_code"]) == (
        "198999.50",
        "full_payment",
        11,
    )
    settlement = Receipt.objects.get(kind="settlement")
    assert request.headers["Idempotence-Key"] == f"receipt-{settlement.pk}"
    assert (settlement.provider_reference, settlement.status) == ("rt-2d5f", "pending")
