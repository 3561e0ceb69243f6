"""What a VIN says of its car, for the apps that take one (catalog/vin_decode.py)."""

from catalog.validators import normalize_vin
from catalog.vin_decode import make_normalized, vin_makes


def vin_made_by(*, vin: str, make: str) -> bool | None:
    """Whether the VIN's manufacturer builds `make` (catalog/vin_decode.py); None when the
    VIN's manufacturer is not in the table, so nothing can be said."""
    makes = vin_makes(normalize_vin(vin))
    if makes is None:
        return None
    return make_normalized(make) in {make_normalized(known) for known in makes}
