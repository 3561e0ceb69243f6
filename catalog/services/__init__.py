"""Writes of the catalog: categories, products and stock. Stock changes only here. Categories
in `categories.py`, products and a trade-in's used car taken in in `products.py`, the stock's
take, reservations and releases in `stock.py` (a hot path: docs/conventions.md, "Hot paths"),
the showroom's demo cars in `demo_cars.py`, where each car stands and its transfers in
`locations.py`, vehicles' photos in `photos.py` (docs/api.md,
"Vehicles" and "Photos")."""

from catalog.services.categories import (
    MAX_DEPTH,
    CategoryChanges,
    category_create,
    category_delete,
    category_update,
)
from catalog.services.demo_cars import demo_car_note
from catalog.services.locations import (
    location_note,
    showroom_for_new_car,
    vehicle_place,
    vehicle_transfer,
)
from catalog.services.photos import (
    MAX_PHOTOS,
    photo_add,
    photo_delete,
    photo_renditions_make,
    photo_update,
)
from catalog.services.products import (
    ProductFields,
    product_add,
    product_create,
    product_deactivate,
    product_scope_check,
    product_update,
    used_vehicle_take_in,
    vin_agreement_check,
)
from catalog.services.stock import ReservedLine, stock_adjust, stock_release, stock_reserve

__all__ = [
    "MAX_DEPTH",
    "MAX_PHOTOS",
    "CategoryChanges",
    "ProductFields",
    "ReservedLine",
    "category_create",
    "category_delete",
    "category_update",
    "demo_car_note",
    "location_note",
    "photo_add",
    "photo_delete",
    "photo_renditions_make",
    "photo_update",
    "product_add",
    "product_create",
    "product_deactivate",
    "product_scope_check",
    "product_update",
    "showroom_for_new_car",
    "stock_adjust",
    "stock_release",
    "stock_reserve",
    "used_vehicle_take_in",
    "vehicle_place",
    "vehicle_transfer",
    "vin_agreement_check",
]
