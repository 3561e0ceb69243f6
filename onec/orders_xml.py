"""The orders' file 1C's `mode=query` receives (docs/1c.md, "Orders"): CommerceML 2.08's
`Документ` of each order (number, date, sum, customer, lines with 1C's ids, the showroom's
warehouse, status) and a `Документ` of each payment, based on its order, in the encoding the
account's setting names. Written as a stream of escaped text: no tree is built."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

from orders.selectors.exchange import ExchangeOrder

SCHEMA_VERSION = "2.08"


@dataclass(frozen=True)
class PaymentLine:
    """A payment of an order, as the file states it."""

    number: str
    paid_at: datetime
    amount: Decimal
    cash: bool  # at a desk, or by card and transfer


@dataclass(frozen=True)
class OrderFacts:
    """What other apps and the mappings add to an order for 1C."""

    order: ExchangeOrder
    phone: str
    status_name: str  # 1C's name of its status
    warehouse_id: str  # the showroom's warehouse at 1C, or ""
    good_ids: dict[str, str]  # the lines' product ids → 1C's good ids
    payments: tuple[PaymentLine, ...]


def _value(name: str, value: object) -> str:
    return (
        f"<ЗначениеРеквизита><Наименование>{escape(name)}</Наименование>"
        f"<Значение>{escape(str(value))}</Значение></ЗначениеРеквизита>"
    )


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _order(facts: OrderFacts) -> str:
    order = facts.order
    local = timezone.localtime(order.created_at)
    contacts = "".join(
        f"<Контакт><Тип>{kind}</Тип><Значение>{escape(value)}</Значение></Контакт>"
        for kind, value in (("Почта", order.customer_email), ("ТелефонМобильный", facts.phone))
        if value
    )
    lines = "".join(
        "<Товар>"
        f"<Ид>{escape(facts.good_ids.get(str(line.product_id), str(line.product_id)))}</Ид>"
        f"<Наименование>{escape(line.product_name)}</Наименование>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука">шт</БазоваяЕдиница>'
        f"<ЦенаЗаЕдиницу>{_money(line.unit_price)}</ЦенаЗаЕдиницу>"
        f"<Количество>{line.quantity}</Количество>"
        f"<Сумма>{_money(line.line_total)}</Сумма>"
        "<ЗначенияРеквизитов>"
        + _value("ВидНоменклатуры", "Автомобиль" if line.is_vehicle else "Товар")
        + _value("ТипНоменклатуры", "Товар")
        + "</ЗначенияРеквизитов></Товар>"
        for line in order.lines
    )
    paid = order.paid_amount >= order.total_amount and order.total_amount > 0
    requisites = "".join(
        _value(name, value)
        for name, value in (
            ("Статус заказа", facts.status_name),
            ("Заказ оплачен", "true" if paid else "false"),
            ("Отменен", "true" if order.status == "cancelled" else "false"),
            ("Сумма оплачено", _money(order.paid_amount)),
            ("Скидка за кредит", _money(order.credit_discount)),
            ("Склад", facts.warehouse_id),
            (
                "Дата изменения статуса",
                timezone.localtime(order.updated_at).isoformat(timespec="seconds"),
            ),
        )
        if value != ""
    )
    return (
        "<Документ>"
        f"<Ид>{order.id}</Ид><Номер>{escape(order.number)}</Номер>"
        f"<Дата>{local:%Y-%m-%d}</Дата><Время>{local:%H:%M:%S}</Время>"
        "<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>"
        f"<Валюта>{escape(order.currency)}</Валюта><Курс>1</Курс>"
        f"<Сумма>{_money(order.total_amount)}</Сумма>"
        "<Контрагенты><Контрагент>"
        f"<Ид>{order.customer_id}</Ид>"
        f"<Наименование>{escape(order.customer_name or order.customer_email)}</Наименование>"
        f"<ПолноеНаименование>{escape(order.customer_name)}</ПолноеНаименование>"
        "<Роль>Покупатель</Роль>"
        + (f"<Контакты>{contacts}</Контакты>" if contacts else "")
        + "</Контрагент></Контрагенты>"
        + (
            f"<Склады><Склад><Ид>{escape(facts.warehouse_id)}</Ид></Склад></Склады>"
            if facts.warehouse_id
            else ""
        )
        + f"<Товары>{lines}</Товары>"
        + f"<ЗначенияРеквизитов>{requisites}</ЗначенияРеквизитов>"
        + "</Документ>"
    )


def _payment(facts: OrderFacts, payment: PaymentLine) -> str:
    local = timezone.localtime(payment.paid_at)
    operation = "Выплата наличных денег" if payment.cash else "Выплата безналичных денег"
    return (
        "<Документ>"
        f"<Ид>{escape(payment.number)}</Ид><Номер>{escape(payment.number)}</Номер>"
        f"<Дата>{local:%Y-%m-%d}</Дата><Время>{local:%H:%M:%S}</Время>"
        f"<ХозОперация>{operation}</ХозОперация><Роль>Продавец</Роль>"
        f"<Валюта>{escape(facts.order.currency)}</Валюта><Курс>1</Курс>"
        f"<Сумма>{_money(payment.amount)}</Сумма>"
        f"<Основание>{escape(facts.order.number)}</Основание>"
        "</Документ>"
    )


def orders_document(orders: Iterable[OrderFacts], *, encoding: str) -> bytes:
    """The file, encoded; a character the encoding lacks is written as a character reference."""
    now = timezone.localtime().isoformat(timespec="seconds")
    parts = [
        f'<?xml version="1.0" encoding={quoteattr(encoding)}?>\n'
        f'<КоммерческаяИнформация ВерсияСхемы="{SCHEMA_VERSION}" ДатаФормирования="{now}">'
    ]
    for facts in orders:
        parts.append(_order(facts))
        parts.extend(_payment(facts, payment) for payment in facts.payments)
    parts.append("</КоммерческаяИнформация>\n")
    return "".join(parts).encode(encoding, errors="xmlcharrefreplace")
