"""What search engines and link previews read of a page: schema.org data."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from catalog.choices import Condition
from catalog.selectors import photo_view

SCHEMA = "https://schema.org/"


def car_data(request: HttpRequest, vehicle: Any, *, available: bool) -> dict[str, Any]:
    """A vehicle as schema.org's `Car`, with its offer."""
    url = request.build_absolute_uri(reverse("storefront:car", args=[vehicle.pk]))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Car",
        "name": vehicle.name,
        "url": url,
        "brand": {"@type": "Brand", "name": vehicle.make},
        "model": vehicle.model,
        "image": [
            photo_view(photo)["renditions"]["large"]["url"] for photo in vehicle.photos.all()
        ],
        "itemCondition": SCHEMA
        + ("UsedCondition" if vehicle.condition == Condition.USED else "NewCondition"),
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": str(vehicle.price),
            "priceCurrency": vehicle.currency,
            "availability": SCHEMA + ("InStock" if available else "SoldOut"),
        },
    }
    optional = {
        "vehicleIdentificationNumber": vehicle.vin,
        "vehicleModelDate": str(vehicle.year) if vehicle.year else None,
        "bodyType": vehicle.get_body_type_display() if vehicle.body_type else None,
        "fuelType": vehicle.get_fuel_display() if vehicle.fuel else None,
        "vehicleTransmission": (
            vehicle.get_transmission_display() if vehicle.transmission else None
        ),
        "driveWheelConfiguration": vehicle.get_drive_display() if vehicle.drive else None,
        "color": vehicle.get_color_display() if vehicle.color else None,
        "vehicleConfiguration": vehicle.trim or None,
        "mileageFromOdometer": {
            "@type": "QuantitativeValue",
            "value": vehicle.mileage_km,
            "unitCode": "KMT",
        },
    }
    if vehicle.power_hp or vehicle.engine_volume:
        engine: dict[str, Any] = {"@type": "EngineSpecification"}
        if vehicle.engine_volume:
            engine["engineDisplacement"] = {
                "@type": "QuantitativeValue",
                "value": str(vehicle.engine_volume),
                "unitCode": "LTR",
            }
        if vehicle.power_hp:
            engine["enginePower"] = {
                "@type": "QuantitativeValue",
                "value": vehicle.power_hp,
                "unitCode": "BHP",
            }
        optional["vehicleEngine"] = engine
    data.update({key: value for key, value in optional.items() if value is not None})
    return data
