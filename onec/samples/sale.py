"""orders.xml as 1C sends it back in a sale exchange (type=sale, mode=file; docs/1c.md): for
each of the site's orders, the status 1C gave it, whether it is cancelled, and a payment 1C's
cash desk recorded."""

from dataclasses import dataclass
from decimal import Decimal

from onec.samples.names import GENERATED_AT, document, element, requisite


@dataclass(frozen=True)
class SaleDocument:
    """What 1C sends back about one of the site's orders."""

    order_id: str  # the site's order id (its Ид)
    number: str  # the site's order number (Номер)
    status: str = ""  # 1C's status name for "Статус заказа", e.g. "Выполнен"; empty: none sent
    cancelled: bool = False  # "Отменен" = "true"
    payment_number: str = ""  # a payment 1C's cash desk recorded: its document number
    payment_amount: Decimal | None = None
    payment_date: str = ""  # ISO date


def sale_sample(documents: list[SaleDocument], *, encoding: str = "utf-8") -> bytes:
    out = []
    for doc in documents:
        out += ["\t<Документ>", element("Ид", doc.order_id), element("Номер", doc.number)]
        out += [element("Дата", GENERATED_AT[:10]), element("Время", GENERATED_AT[11:])]
        out.append(
            "<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>"
            "<Валюта>RUB</Валюта><Курс>1</Курс>\n\t\t<ЗначенияРеквизитов>"
        )
        if doc.status:
            out.append(requisite("Статус заказа", doc.status))
        out.append(requisite("Отменен", "true" if doc.cancelled else "false"))
        out.append(requisite("Проведен", "true"))
        if doc.payment_number:
            out.append(requisite("Номер оплаты по 1С", doc.payment_number))
            out.append(requisite("Дата оплаты по 1С", doc.payment_date))
            out.append(requisite("Сумма оплаты по 1С", f"{doc.payment_amount or 0:.2f}"))
        out.append("</ЗначенияРеквизитов>\n\t</Документ>\n")
    return document("".join(out), version="2.08", encoding=encoding)
