"""Rows of the exchange with 1C, made the way an exchange makes them, new ones at each call: an
account, mappings, a catalog exchange of one accessory through the services, an orders' query,
and a payment 1C reports, above the threshold, approved once."""

import uuid
from decimal import Decimal

from onec.choices import SpecField
from onec.models import PriceTypeMapping, PropertyMapping, StatusMapping, WarehouseMapping
from onec.services import files, imports, sale, sessions
from payments.services import desk

PASSWORD = "Exchange-rows-2026"


def _files(n: str) -> dict[str, bytes]:
    head = '<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.08">'
    goods = (
        f"{head}<Классификатор><Ид>c-{n}</Ид><Наименование>Классификатор</Наименование>"
        f"<Группы><Группа><Ид>g-{n}</Ид><Наименование>Аксессуары {n}</Наименование></Группа>"
        f"</Группы></Классификатор><Каталог><Ид>k-{n}</Ид><Товары><Товар><Ид>a-{n}</Ид>"
        f"<Артикул>A-{n}</Артикул><Наименование>Коврики {n}</Наименование>"
        f"<Группы><Ид>g-{n}</Ид></Группы></Товар></Товары></Каталог></КоммерческаяИнформация>"
    )
    offers = (
        f"{head}<ПакетПредложений><ТипыЦен><ТипЦены><Ид>p-{n}</Ид><Наименование>Розничная {n}"
        f"</Наименование></ТипЦены></ТипыЦен><Склады><Склад><Ид>w-{n}</Ид><Наименование>Склад "
        f"{n}</Наименование></Склад></Склады><Предложения><Предложение><Ид>a-{n}</Ид><Цены>"
        f"<Цена><ИдТипаЦены>p-{n}</ИдТипаЦены><ЦенаЗаЕдиницу>2500.00</ЦенаЗаЕдиницу></Цена>"
        f'</Цены><Склад ИдСклада="w-{n}" КоличествоНаСкладе="4"/></Предложение></Предложения>'
        f"</ПакетПредложений></КоммерческаяИнформация>"
    )
    return {"import.xml": goods.encode(), "offers.xml": offers.encode()}


def onec_rows_make(*, order_id, approver, amount: str = "3500000.00") -> None:
    n = uuid.uuid4().hex[:8]
    login = f"1c-{n}"
    sessions.account_create(login=login, password=PASSWORD)
    PropertyMapping.objects.create(name=f"VIN {n}", field=SpecField.VIN)
    WarehouseMapping.objects.create(name=f"Склад {n}", showroom_id=uuid.uuid4())
    PriceTypeMapping.objects.create(name=f"Розничная {n}")
    StatusMapping.objects.create(status="completed", onec_name=f"Выполнен {n}")
    catalog, _cookie = sessions.session_start(
        login=login, password=PASSWORD, exchange_type="catalog", client_ip=None
    )
    for name, data in _files(n).items():
        files.file_receive(session=catalog, name=name, data=data)
        while imports.file_import(session=catalog, name=name).word == "progress":
            pass
    orders, _cookie = sessions.session_start(
        login=login, password=PASSWORD, exchange_type="sale", client_ip=None
    )
    sale.orders_query(session=orders)
    payment, _created = desk.desk_payment_record(
        source="1c", document_number=f"ПКО-{n}", order_id=order_id, amount=Decimal(amount),
        paid_on=None,
    )  # fmt: skip
    desk.desk_payment_decide(
        desk_payment_id=payment.pk, decision="approved", reason="Касса", user=approver
    )
