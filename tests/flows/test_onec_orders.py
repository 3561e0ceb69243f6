"""The orders' exchange with 1C (docs/1c.md, "Orders" and "Payments"), played by 1C's side
(onec/emulator.py) through the site's WSGI application: the orders go out as CommerceML
documents and count as exported only after 1C's `success`; statuses and cash desk payments
1C sends back go through the same services as any other change, refused and logged where the
rules forbid them."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from onec.models import ExchangeFile, Good, OrderExport, Refusal
from onec.samples import SaleDocument, catalog_sample, good_id, sale_sample
from orders.models import Order, OrderStatusHistory
from orders.tests.factories import order_make, product_make
from payments.models import DeskPayment, LedgerTransaction
from payments.tests.factories import completed_payment_make

pytestmark = pytest.mark.django_db(databases="__all__")


def _documents(data: bytes) -> list[ET.Element]:
    root = ET.fromstring(data)
    return [
        doc
        for doc in root
        if doc.tag == "Документ" and doc.findtext("ХозОперация") == "Заказ товара"
    ]


def _requisite(document: ET.Element, name: str) -> str | None:
    for value in document.iter("ЗначениеРеквизита"):
        if value.findtext("Наименование") == name:
            return value.findtext("Значение")
    return None


def test_orders_go_out_whole_and_count_as_exported_only_after_success(
    onec, onec_account, customer, provider, settings, run_on_commit
):
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    onec_account.encoding = "windows-1251"
    onec_account.save()
    onec.catalog_exchange(catalog_sample(cars=3, parts=0))
    car = Good.objects.get(onec_id=good_id("car", 1))
    with run_on_commit():
        ordered = order_make(customer, (product_make(price="1000.00"), 2))
        from catalog.models import Product

        order_of_car = order_make(customer, (Product.objects.get(pk=car.product_id), 1))
        completed_payment_make(customer, ordered, "2000.00")

    data = onec.sale_query()

    assert data.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    documents = {doc.findtext("Номер"): doc for doc in _documents(data)}
    assert set(documents) == {ordered.number, order_of_car.number}
    paid = documents[ordered.number]
    assert paid.findtext("Сумма") == "2000.00"
    assert (
        _requisite(paid, "Статус заказа") == "Оплачен"
        and _requisite(paid, "Заказ оплачен") == "true"
    )
    assert paid.findtext("Контрагенты/Контрагент/Наименование") == (
        customer.full_name or customer.email
    )
    line = documents[order_of_car.number].find("Товары/Товар")
    assert line.findtext("Ид") == good_id("car", 1)  # 1C's own id of its car
    payments = [doc for doc in ET.fromstring(data) if doc.findtext("Основание") == ordered.number]
    assert [p.findtext("Сумма") for p in payments] == ["2000.00"]
    assert not OrderExport.objects.filter(confirmed_at__isnull=False).exists()

    assert {d.findtext("Номер") for d in _documents(onec.sale_query())} == set(documents)  # not yet
    onec.sale_success()

    assert OrderExport.objects.filter(confirmed_at__isnull=False).count() == 2
    assert _documents(onec.sale_query()) == []
    with run_on_commit():
        from orders import services as orders_services

        orders_services.order_status_set(
            order_id=order_of_car.pk, status="cancelled", user=customer
        )
    assert [d.findtext("Номер") for d in _documents(onec.sale_query())] == [order_of_car.number]


def test_statuses_sent_back_move_orders_through_their_rules(
    onec, customer, provider, settings, run_on_commit
):
    settings.FAKE_PROVIDER_LATENCY_MS = 0
    with run_on_commit():
        paid = order_make(customer, (product_make(price="500.00"), 1))
        completed_payment_make(customer, paid, "500.00")
        pending = order_make(customer, (product_make(price="700.00"), 1))
        to_cancel = order_make(customer, (product_make(price="900.00"), 1))
    paid.refresh_from_db()
    assert paid.status == "paid"

    with run_on_commit():
        onec.sale_send(
            sale_sample(
                [
                    SaleDocument(str(paid.pk), paid.number, status="В работе"),
                    SaleDocument(str(pending.pk), pending.number, status="[F] Выполнен"),
                    SaleDocument(str(to_cancel.pk), to_cancel.number, cancelled=True),
                    SaleDocument(
                        "00000000-0000-0000-0000-000000000000", "А-2026-999999", status="Выполнен"
                    ),
                    SaleDocument(str(pending.pk), pending.number, status="Отгружен"),
                ]
            )
        )

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert (statuses[paid.pk], statuses[pending.pk], statuses[to_cancel.pk]) == (
        "processing",
        "pending",
        "cancelled",
    )
    history = OrderStatusHistory.objects.get(order=paid, to_status="processing")
    assert (history.changed_by_role, history.reason) == ("1c", "1С: В работе")
    file = ExchangeFile.objects.get(name="orders.xml")
    assert (file.status, file.changed, file.refused) == ("applied", 2, 3)
    reasons = list(
        Refusal.objects.filter(file=file).order_by("id").values_list("reason", flat=True)
    )
    assert reasons == [
        "Недопустимый переход (заказ): из «ожидает оплаты» в «выполнен».",
        "Заказ А-2026-999999 не найден на сайте.",
        "Статус «Отгружен» не сопоставлен со статусом заказа сайта.",
    ]


def test_a_cash_desk_payment_enters_the_ledger_once_and_within_the_total(
    onec, customer, run_on_commit, settings
):
    with run_on_commit():
        order = order_make(customer, (product_make(price="1500.00"), 1))
    paying = SaleDocument(
        str(order.pk), order.number, payment_number="ПКО-000123", payment_amount=Decimal("1500.00"),
        payment_date="2026-11-29",
    )  # fmt: skip
    with run_on_commit():
        onec.sale_send(sale_sample([paying]))
        onec.sale_send(sale_sample([paying]), filename="orders-2.xml")  # 1C sends it again

    desk = DeskPayment.objects.get()
    assert (desk.document_number, desk.amount, desk.status, str(desk.paid_on)) == (
        "ПКО-000123", Decimal("1500.00"), "recorded", "2026-11-29"
    )  # fmt: skip
    assert (
        LedgerTransaction.objects.filter(type="desk_payment", amount=Decimal("1500.00")).count()
        == 1
    )
    order.refresh_from_db()
    assert (order.paid_amount, order.status) == (Decimal("1500.00"), "paid")

    more = SaleDocument(
        str(order.pk), order.number, payment_number="ПКО-000124", payment_amount=Decimal("1.00")
    )
    onec.sale_send(sale_sample([more]), filename="orders-3.xml")
    assert DeskPayment.objects.count() == 1
    assert Refusal.objects.get(file__name="orders-3.xml").reason == "К оплате осталось 0.00 RUB."


def test_a_cash_desk_payment_above_the_threshold_waits_for_two_staff_members(
    onec, customer, run_on_commit, settings, admin_user, manager
):
    settings.PAYMENTS_DESK_SECOND_APPROVAL_ABOVE = Decimal("1000")
    with run_on_commit():
        order = order_make(customer, (product_make(price="1500.00"), 1))
        onec.sale_send(
            sale_sample(
                [
                    SaleDocument(
                        str(order.pk),
                        order.number,
                        payment_number="ПКО-7",
                        payment_amount=Decimal("1500.00"),
                    )
                ]
            )
        )
    desk = DeskPayment.objects.get()
    assert (
        desk.status == "awaiting_approval"
        and not LedgerTransaction.objects.filter(type="desk_payment").exists()
    )

    from payments.services import desk as desk_services

    with run_on_commit():
        desk_services.desk_payment_decide(
            desk_payment_id=desk.pk, decision="approved", reason="Чек есть", user=admin_user
        )
        assert not LedgerTransaction.objects.filter(
            type="desk_payment"
        ).exists()  # one pair of eyes
        desk_services.desk_payment_decide(
            desk_payment_id=desk.pk, decision="approved", reason="Сверено", user=manager
        )

    desk.refresh_from_db()
    order.refresh_from_db()
    assert desk.status == "recorded" and order.status == "paid"
