"""Each document at its moment (docs/documents.md, "When"), through the real chain: the deal's
events are published at commit, delivered to the documents' consumers, and a task renders the
document once the consumer's transaction commits."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from documents import selectors
from documents.tests.factories import legal_entity_make, text_of
from orders import services as orders_services
from orders.tests.factories import order_make, vehicle_make
from payments import services as payments_services
from tradein import services as tradein_services
from tradein.tests.factories import trade_in_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def kinds_of(order) -> list[str]:
    staff: Any = UserFactory(role="manager")
    return sorted(d.kind for d in selectors.documents_of_order(user=staff, order_id=order.pk))


def pay(customer, order, amount, method="card"):
    payment, _created = payments_services.payment_create(
        user=customer, order_id=order.pk, amount=amount, method=method,
        idempotency_key=f"{method}-{order.pk}-{amount}",
    )  # fmt: skip
    return payment


def test_a_paid_order_gets_its_contract_and_a_completed_one_its_act(customer, manager):
    legal_entity_make()
    order = order_make(customer, (vehicle_make(price="1800000.00", color="white"), 1))

    pay(customer, order, order.total_amount)  # the fake provider charges at commit

    assert kinds_of(order) == ["sale_contract"]
    orders_services.order_status_set(order_id=order.pk, status="processing", user=manager)
    orders_services.order_status_set(order_id=order.pk, status="completed", user=manager)
    assert kinds_of(order) == ["handover_act", "sale_contract"]
    staff: Any = UserFactory(role="manager")
    for document in selectors.documents_of_order(user=staff, order_id=order.pk):
        text = text_of(document)
        assert "Белый" in text and "White" not in text, document.kind  # the colour, in words
    (contract,) = selectors.documents_of_order(user=staff, order_id=order.pk).filter(
        kind="sale_contract"
    )
    # What the site sells is a prepayment, an advance; the contract says so (ГК РФ ст. 380).
    terms = text_of(contract)
    assert "Предоплата и иные платежи" in terms and "Задаток" not in terms
    assert "задатком (ст. 380 ГК РФ) она не является" in " ".join(terms.split())


def test_a_bank_transfer_awaited_gets_an_invoice_for_its_amount(customer):
    legal_entity_make()
    order = order_make(customer, (vehicle_make(price="1800000.00"), 1))

    pay(customer, order, Decimal("360000.00"), method="bank_transfer")

    (invoice,) = selectors.document_list(user=customer).filter(kind="invoice")
    assert invoice.facts["amount"] == "360000.00"
    assert "|Sum=36000000|" in invoice.facts["qr"]["payload"]


def test_an_inspected_trade_in_gets_its_buy_back_contract_stating_the_car_and_its_price(
    customer, manager
):
    legal_entity_make()
    order = order_make(customer, (vehicle_make(price="2400000.00"), 1))
    trade_in = trade_in_make(customer, order, make="Lada", model="Priora", year=2012)
    tradein_services.trade_in_offer(
        user=manager,
        trade_in_id=trade_in.pk,
        amount=Decimal("640000.00"),
        valid_until=timezone.now() + timedelta(days=7),
    )
    tradein_services.trade_in_accept(user=customer, trade_in_id=trade_in.pk)
    assert kinds_of(order) == []  # accepted, the car is not seen yet: no contract

    tradein_services.trade_in_inspect(
        user=manager, trade_in_id=trade_in.pk, mileage_km=151200, findings="Скол на капоте."
    )

    (contract,) = selectors.document_list(user=customer).filter(kind="trade_in_contract")
    assert contract.number.startswith(f"ДВ-{timezone.localdate().year}-")
    (car,) = contract.facts["trade_ins"]
    assert (car["vin"], car["mileage_km"], car["amount"]) == (trade_in.vin, "151200", "640000.00")
    assert contract.facts["amount_words"] == "Шестьсот сорок тысяч рублей 00 копеек"
    text = text_of(contract)
    assert trade_in.vin in text and "Скол на капоте." in text and "640 000,00" in text
