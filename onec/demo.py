"""The exchange with 1C in `make run` (docs/1c.md): an account for 1C, and the mappings a
dealer's 1C configuration needs, with the names 1C's dealer configurations (1С:Альфа-Авто and
its kin) give a vehicle's properties. `manage.py onec_emulate` plays 1C against it."""

from common.showrooms import showroom_names
from onec.choices import GroupTarget, SpecField
from onec.models import (
    ExchangeAccount,
    GroupMapping,
    PriceTypeMapping,
    PropertyMapping,
    StatusMapping,
    WarehouseMapping,
)
from onec.services import sessions
from orders.choices import OrderStatus

LOGIN, PASSWORD = "1c-exchange", "Exchange-demo-2026"
PROPERTIES = {
    "VIN": SpecField.VIN,
    "Марка": SpecField.MAKE,
    "Модель": SpecField.MODEL,
    "Комплектация": SpecField.TRIM,
    "Год выпуска": SpecField.YEAR,
    "Цвет": SpecField.COLOR,
    "Пробег": SpecField.MILEAGE,
    "Тип кузова": SpecField.BODY_TYPE,
    "Топливо": SpecField.FUEL,
    "КПП": SpecField.TRANSMISSION,
    "Привод": SpecField.DRIVE,
    "Объём двигателя": SpecField.ENGINE_VOLUME,
    "Мощность": SpecField.POWER,
}
# 1C's warehouses, by name, in the order of the group's showrooms (showroom/demo.py).
WAREHOUSES = ("Склад Москва Север", "Склад Москва Юг", "Склад Екатеринбург")
STATUSES = {
    OrderStatus.PENDING: "Новый",
    OrderStatus.PAID: "Оплачен",
    OrderStatus.PROCESSING: "В работе",
    OrderStatus.COMPLETED: "Выполнен",
    OrderStatus.CANCELLED: "Отменен",
}


def seed(stdout) -> None:
    ExchangeAccount.objects.filter(login=LOGIN).delete()
    sessions.account_create(login=LOGIN, password=PASSWORD, name="1С:Альфа-Авто (демо)")
    for name, field in PROPERTIES.items():
        PropertyMapping.objects.update_or_create(name=name, defaults={"field": field})
    for name, (showroom_id, _showroom) in zip(WAREHOUSES, showroom_names(), strict=False):
        WarehouseMapping.objects.update_or_create(name=name, defaults={"showroom_id": showroom_id})
    PriceTypeMapping.objects.get_or_create(name="Розничная")
    for status, name in STATUSES.items():
        StatusMapping.objects.get_or_create(status=status, onec_name=name)
    # 1C's group of parts goes to the service department; the rest to the catalog.
    GroupMapping.objects.update_or_create(
        name="Запчасти", onec_id="", defaults={"target": GroupTarget.PARTS}
    )
    stdout.write(
        f"  1C exchange account {LOGIN} / {PASSWORD}; {len(PROPERTIES)} properties, "
        f"{len(WAREHOUSES)} warehouses mapped"
    )
