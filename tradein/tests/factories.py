"""Test data for trade-ins, made through the services."""

import itertools

from tradein import services

_serial = itertools.count(100000)


def vin_make() -> str:
    """A VIN of its own each time: Lada's identifier, which the catalog checks the make of."""
    return f"XTA217030C0{next(_serial)}"


# An old car as its owner describes it, but for its VIN (`vin_make`).
OLD_CAR = {
    "make": "Lada",
    "model": "Priora",
    "year": 2012,
    "mileage_km": 148000,
    "condition": "good",
    "owners_count": 2,
    "accident_history": False,
}


def trade_in_make(customer, order=None, **fields):
    details = {**OLD_CAR, **fields}
    return services.trade_in_submit(
        user=customer,
        vin_code=details.pop("vin", None) or vin_make(),
        order_id=order.pk if order is not None else None,
        **details,
    )
