"""Test data for orders. Products are made through the catalog's services, as orders itself
would reach them."""

import itertools
from decimal import Decimal

from catalog import services as catalog_services

_names = itertools.count()


def category_make():
    return catalog_services.category_create(name=f"Category {next(_names)}")


def product_make(
    *,
    stock: int = 5,
    price: str = "1000.00",
    currency: str = "RUB",
    category=None,
    vin: str | None = None,
    **vehicle,
):
    """A product; without a `vin`, orders counts it as an accessory. `vehicle`: its make,
    model and year."""
    return catalog_services.product_create(
        name=f"Vehicle {next(_names)}",
        price=Decimal(price),
        currency=currency,
        stock_quantity=stock,
        category=category or category_make(),
        vin=vin,
        **vehicle,
    )


def vehicle_make(*, stock: int = 1, price: str = "1500000.00", category=None, **vehicle):
    """A product with a VIN of its own: a vehicle (`vehicle`: make, model, year)."""
    return product_make(
        stock=stock, price=price, category=category, vin=f"XZZ{next(_names):014d}", **vehicle
    )


def order_make(customer, *products_and_quantities, notes: str = ""):
    from orders import services

    order, _ = services.order_create(
        customer=customer,
        items=[{"product_id": p.pk, "quantity": q} for p, q in products_and_quantities],
        notes=notes,
    )
    return order
