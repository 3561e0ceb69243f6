"""A vehicle's specification as a buyer reads it: labels, the choices' words, units."""

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from catalog.selectors import field_label
from common import formatting

# The rows of a vehicle page's table, in this order (the make, model and price head it).
SPECIFICATION = [
    "year",
    "condition",
    "mileage_km",
    "owners_count",
    "body_type",
    "fuel",
    "engine_volume",
    "power_hp",
    "transmission",
    "drive",
    "color",
    "trim",
    "vin",
]


def shown(vehicle: Any, name: str) -> str:
    """The value of `name` in the reader's words, "" when the car has none."""
    value = getattr(vehicle, name)
    if value in (None, "", []):
        return ""
    if name == "engine_volume":
        return _("%(litres)s l") % {"litres": number_format(value, 1)}
    if name == "power_hp":
        return _("%(hp)s hp") % {"hp": value}
    if name == "mileage_km":
        return _("%(km)s km") % {"km": number_format(value, force_grouping=True)}
    if name == "price":
        return formatting.money(value, vehicle.currency, whole=True)
    if name == "options":
        return ", ".join(value)
    display = getattr(vehicle, f"get_{name}_display", None)
    return str(display()) if display else str(value)


def specification(vehicle: Any) -> list[tuple[str, str]]:
    """The vehicle's rows that have a value: (label, value)."""
    rows = [(field_label(name), shown(vehicle, name)) for name in SPECIFICATION]
    return [(name, value) for name, value in rows if value]
