"""A trade-in through the API, end to end, across the apps it touches (docs/tradein.md): appraised, offered under four
eyes, accepted, credited to the new car's order, inspected, and taken into stock when the
order completes. The events travel for real: published at commit, consumed by payments,
orders and the trade-in's own consumer."""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from catalog import selectors as catalog_selectors
from catalog.models import Product
from common.api.exceptions import ApplicationError
from conftest import client_for, run_concurrently
from crm.models import Activity
from financing import selectors as financing_selectors
from financing.tests.factories import application_make
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.tests.factories import order_make, vehicle_make
from payments import selectors as payments_selectors
from payments import services as payments_services
from tradein import services
from tradein.models import OutboxEvent
from tradein.tests import factories
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
OLD_CAR = {**factories.OLD_CAR, "vin": "XTA217030C0123456", "notes": "Winter tyres included."}


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 120, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def offer(client, trade_in_id, amount="1600000.00", days=7):
    valid_until = (timezone.now() + timedelta(days=days)).isoformat()
    return client.post(
        f"/api/v1/trade-ins/{trade_in_id}/offer",
        {"amount": amount, "valid_until": valid_until},
        format="json",
    )


def test_the_whole_deal_credits_the_old_car_and_takes_it_into_stock(customer, settings):
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("1500000")
    settings.FINANCING_LENDER = "manual"  # the lender pays by transfer; staff record it
    buyer = client_for(customer)
    first, second = UserFactory(role="manager"), UserFactory(role="manager")
    order = order_make(customer, (vehicle_make(price="3000000.00"), 1))

    # 1. The customer submits the old car, for the new car's order, with a photo.
    submitted = buyer.post(
        "/api/v1/trade-ins/", {**OLD_CAR, "order_id": str(order.pk)}, format="json"
    )
    assert submitted.status_code == 201, submitted.json()
    trade_in_id = submitted.json()["id"]
    photo = buyer.post(
        f"/api/v1/trade-ins/{trade_in_id}/photos/", {"file": io.BytesIO(jpeg())}, format="multipart"
    )
    assert photo.status_code == 201 and set(photo.json()["renditions"]) == {
        "thumb",
        "card",
        "large",
    }

    # 2. Above the threshold, a second staff member's offer of the same amount confirms it.
    waiting = offer(client_for(first), trade_in_id)
    assert (waiting.status_code, waiting.json()["status"]) == (202, "submitted")
    assert buyer.get(f"/api/v1/trade-ins/{trade_in_id}/").json()["offer_amount"] is None
    assert offer(client_for(first), trade_in_id).status_code == 403  # not by the same one
    offered = offer(client_for(second), trade_in_id)
    assert (offered.status_code, offered.json()["status"]) == (200, "offered")

    # 3. The customer accepts: the order expects the credit.
    accepted = buyer.post(f"/api/v1/trade-ins/{trade_in_id}/accept")
    assert accepted.json()["status"] == "accepted"
    deal = buyer.get(f"/api/v1/orders/{order.pk}/deal").json()
    assert deal["trade_in"]["status"] == "accepted"
    assert deal["balance_due"] == "1400000.00"

    # 4. A deposit, and a loan for the rest less the credit.
    application = application_make(
        customer,
        order,
        vehicle_price="3000000.00",
        down_payment="1900000.00",  # the deposit and the trade-in's credit
        monthly_income="500000.00",
    )
    assert application.status == "approved"
    payments_services.payment_create(
        user=customer,
        order_id=order.pk,
        amount=Decimal("300000.00"),
        method="card",
        idempotency_key="deposit",
    )
    # The accepted credit counts in the down payment: with the deposit it is in, so the loan
    # goes to the lender, and staff record the lender's money.
    sent = financing_selectors.application_list(user=first).get(pk=application.pk)
    assert (sent.status, sent.trade_in_credit) == ("approved", Decimal("1600000.00"))
    assert sent.sent_to_lender_at is not None
    disbursed = client_for(first).post(
        f"/api/v1/financing/applications/{application.pk}/disburse",
        {"amount": str(application.loan_amount), "reference": "lender-1"},
        format="json",
    )
    assert disbursed.status_code == 200, disbursed.json()
    assert orders_selectors.order_get(user=customer, order_id=order.pk).status == "pending"

    # 5. Staff inspect the car at handover: above the threshold, someone who did not approve
    # the offer. The credit is recorded, the order is paid; staff complete it.
    refused = client_for(first).post(
        f"/api/v1/trade-ins/{trade_in_id}/inspect",
        {"mileage_km": 148350, "findings": "Alone."},
        format="json",
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "second_approver_required",
    )
    inspected = client_for(UserFactory(role="manager")).post(
        f"/api/v1/trade-ins/{trade_in_id}/inspect",
        {"mileage_km": 148350, "findings": "As described; a scratch on the rear bumper."},
        format="json",
    )
    assert inspected.json()["status"] == "inspected"
    assert orders_selectors.order_get(user=customer, order_id=order.pk).status == "paid"
    orders_services.order_status_set(order_id=order.pk, status="processing", user=first)
    orders_services.order_status_set(order_id=order.pk, status="completed", user=first)

    # 6. The balance is 0; the ledger adds up to the price; the old car is in stock.
    deal = buyer.get(f"/api/v1/orders/{order.pk}/deal").json()
    assert deal["balance_due"] == "0.00"
    ledger = payments_selectors.ledger_list(user=first).filter(payable_id=order.pk)
    assert sorted(ledger.values_list("type", "amount")) == [
        ("charge", Decimal("300000.00")),
        ("loan_disbursement", Decimal("1100000.00")),
        ("trade_in_credit", Decimal("1600000.00")),
    ]
    assert sum(ledger.values_list("amount", flat=True)) == Decimal("3000000.00")
    shown = buyer.get(f"/api/v1/trade-ins/{trade_in_id}/").json()
    assert shown["status"] == "completed"
    used = catalog_selectors.vehicles_get(product_ids=[shown["stock_product_id"]])
    (car,) = used.values()
    assert (car.condition, car.is_active, car.vin, car.mileage_km, car.photos) == (
        "used",
        False,
        OLD_CAR["vin"],
        148350,
        1,
    )
    # What the dealership paid, for margin reports; staff's only.
    assert Product.objects.get(pk=car.product_id).purchase_price == Decimal("1600000.00")
    assert (
        "purchase_price"
        not in client_for(customer).get(f"/api/v1/catalog/products/{car.product_id}/").json()
    )

    # Each step told its own event, and the CRM's timeline tells the story in Russian.
    told = OutboxEvent.objects.filter(aggregate_id=trade_in_id).order_by("occurred_at")
    assert list(told.values_list("type", flat=True)) == [
        "trade_in.submitted",
        "trade_in.offered",
        "trade_in.accepted",
        "trade_in.inspected",
        "trade_in.completed",
    ]
    story = Activity.objects.filter(client__user_id=customer.pk, kind="trade_in")
    assert list(story.order_by("occurred_at").values_list("summary", flat=True)) == [
        "Заявка на трейд-ин: Lada Priora, 2012",
        "Предложено 1\xa0600\xa0000,00\xa0₽ за Lada Priora, 2012",
        "Принято 1\xa0600\xa0000,00\xa0₽ за Lada Priora, 2012",
        "Lada Priora, 2012 осмотрен; зачтено 1\xa0600\xa0000,00\xa0₽",
        "Lada Priora, 2012 принят в продажу с пробегом",
    ]


def test_what_is_refused_writes_nothing(customer, other_customer, settings):
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("5000000")
    buyer, staff = client_for(customer), client_for(UserFactory(role="manager"))
    theirs = order_make(other_customer, (vehicle_make(price="2000000.00"), 1))

    # A credit on another customer's order: 404, like a missing one.
    other = buyer.post("/api/v1/trade-ins/", {**OLD_CAR, "order_id": str(theirs.pk)}, format="json")
    assert other.status_code == 404
    # A VIN that contradicts the make.
    wrong = buyer.post("/api/v1/trade-ins/", {**OLD_CAR, "make": "Toyota"}, format="json")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "vin_contradiction")
    trade_in_id = buyer.post("/api/v1/trade-ins/", OLD_CAR, format="json").json()["id"]
    # The same VIN again while under appraisal.
    again = buyer.post("/api/v1/trade-ins/", OLD_CAR, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "vin_under_appraisal")
    # An offer by the customer: staff only.
    assert offer(buyer, trade_in_id).status_code == 403
    # An offer for longer than 14 days.
    assert offer(staff, trade_in_id, days=15).json()["error"]["code"] == "offer_too_long"
    assert offer(staff, trade_in_id, amount="900000.00").status_code == 200
    # An expired offer cannot be accepted.
    from tradein.models import TradeIn

    TradeIn.objects.filter(pk=trade_in_id).update(offer_valid_until=timezone.now())
    expired = buyer.post(f"/api/v1/trade-ins/{trade_in_id}/accept")
    assert (expired.status_code, expired.json()["error"]["code"]) == (409, "offer_expired")
    assert TradeIn.objects.get(pk=trade_in_id).status == "offered"
    TradeIn.objects.filter(pk=trade_in_id).update(
        offer_valid_until=timezone.now() + timedelta(days=1)
    )
    assert buyer.post(f"/api/v1/trade-ins/{trade_in_id}/accept").status_code == 200
    # A second acceptance.
    second = buyer.post(f"/api/v1/trade-ins/{trade_in_id}/accept")
    assert (second.status_code, second.json()["error"]["code"]) == (409, "invalid_transition")
    assert TradeIn.objects.get(pk=trade_in_id).accepted_at is not None
    assert TradeIn.objects.count() == 1
    assert uuid.UUID(trade_in_id)


def accepted_trade_in(customer, order, amount="800000.00"):
    staff = UserFactory(role="manager")
    trade_in = trade_in_make(customer, order)
    services.trade_in_offer(
        user=staff,
        trade_in_id=trade_in.pk,
        amount=Decimal(amount),
        valid_until=timezone.now() + timedelta(days=7),
    )
    return staff, trade_in


def test_ten_acceptances_at_once_give_one_credit(customer):
    order = order_make(customer, (vehicle_make(price="2000000.00"), 1))
    _staff, trade_in = accepted_trade_in(customer, order)

    answers = run_concurrently(
        10, lambda: client_for(customer).post(f"/api/v1/trade-ins/{trade_in.pk}/accept")
    )

    assert sorted(a.status_code for a in answers) == [200] + [409] * 9
    deal = client_for(customer).get(f"/api/v1/orders/{order.pk}/deal").json()
    assert deal["trade_in"]["status"] == "accepted"
    assert deal["balance_due"] == "1200000.00"  # one credit, not ten
    assert payments_selectors.payable_trade_in_expected(order_id=order.pk) == Decimal("800000.00")


def test_a_lowered_inspection_reopens_the_balance_until_accepted_again(customer):
    order = order_make(customer, (vehicle_make(price="2000000.00"), 1))
    staff, trade_in = accepted_trade_in(customer, order)
    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)
    payments_services.payment_create(
        user=customer,
        order_id=order.pk,
        amount=Decimal("1200000.00"),
        method="card",
        idempotency_key="rest",
    )

    raised = client_for(staff).post(
        f"/api/v1/trade-ins/{trade_in.pk}/inspect",
        {"mileage_km": 150000, "findings": "Fine", "amount": "900000.00"},
        format="json",
    )
    lowered = client_for(staff).post(
        f"/api/v1/trade-ins/{trade_in.pk}/inspect",
        {"mileage_km": 190000, "findings": "Mileage higher than stated", "amount": "700000.00",
         "reason": "40,000 km more than declared"},
        format="json",
    )  # fmt: skip

    assert raised.json()["error"]["code"] == "inspection_raises"
    assert lowered.json()["status"] == "offered" and lowered.json()["offer_amount"] == "700000.00"
    deal = client_for(customer).get(f"/api/v1/orders/{order.pk}/deal").json()
    assert deal["balance_due"] == "800000.00"  # the credit is no longer expected
    with pytest.raises(ApplicationError):  # not paid: it cannot be completed
        orders_services.order_status_set(order_id=order.pk, status="processing", user=staff)

    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)
    services.trade_in_inspect(
        user=staff, trade_in_id=trade_in.pk, mileage_km=190000, findings="Accepted lower"
    )
    assert orders_selectors.order_get(user=customer, order_id=order.pk).status == "pending"
    payments_services.payment_create(
        user=customer,
        order_id=order.pk,
        amount=Decimal("100000.00"),
        method="card",
        idempotency_key="difference",
    )
    assert orders_selectors.order_get(user=customer, order_id=order.pk).status == "paid"


def test_a_loan_counts_the_accepted_credit_in_its_down_payment_until_it_is_lowered(customer):
    order = order_make(customer, (vehicle_make(price="2000000.00"), 1))
    application = application_make(
        customer, order, vehicle_price="2000000.00", down_payment="800000.00",
        monthly_income="500000.00",
    )  # fmt: skip
    staff, trade_in = accepted_trade_in(customer, order)

    def credit():
        return financing_selectors.application_list(user=staff).get(pk=application.pk)

    services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)
    assert credit().trade_in_credit == Decimal("800000.00")
    assert credit().sent_to_lender_at is not None  # the credit is the whole down payment

    lowered = order_make(customer, (vehicle_make(price="2000000.00"), 1))
    later = application_make(
        customer, lowered, vehicle_price="2000000.00", down_payment="800000.00",
        monthly_income="500000.00",
    )  # fmt: skip
    _staff, other = accepted_trade_in(customer, lowered)
    services.trade_in_accept(user=customer, trade_in_id=other.pk)
    services.trade_in_inspect(
        user=staff, trade_in_id=other.pk, mileage_km=190000, findings="Worn",
        amount=Decimal("500000.00"), reason="Higher mileage",
    )  # fmt: skip
    shown = financing_selectors.application_list(user=staff).get(pk=later.pk)
    assert shown.trade_in_credit == Decimal("0.00")  # offered again: no credit yet
    assert shown.status == "approved"


def test_a_second_old_car_does_not_hide_the_first_ones_credit(customer):
    # Found by the deal's state machine: the deal showed the latest trade-in alone, so a
    # second one asked for after the first was inspected hid its credit from the buyer.
    order = order_make(customer, (vehicle_make(price="3000000.00"), 1))
    staff, first = accepted_trade_in(customer, order)
    services.trade_in_accept(user=customer, trade_in_id=first.pk)
    services.trade_in_inspect(
        user=staff,
        trade_in_id=first.pk,
        mileage_km=factories.OLD_CAR["mileage_km"],
        findings="As described",
    )
    _staff, second = accepted_trade_in(customer, order, amount="500000.00")
    services.trade_in_accept(user=customer, trade_in_id=second.pk)

    deal = orders_selectors.deal_of_buyer(user=customer, order_id=order.pk)

    assert str(deal.trade_in.reference_id) == str(second.pk)  # the latest, on the page
    assert deal.trade_in_credit == Decimal("1300000.00")  # 800 000 recorded, 500 000 expected
    assert deal.balance_due == Decimal("1700000.00")
    assert payments_selectors.payable_trade_in_expected(order_id=order.pk) == Decimal("500000.00")
