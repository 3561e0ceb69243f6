"""The exchange with 1C's words: an account's encoding, what a session exchanges, where a file
stands, where a group's goods go, and which field a property of 1C's fills (docs/1c.md)."""

from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap


class Encoding(models.TextChoices):
    """What the orders' file is written in: 1C's older configurations read Windows-1251."""

    UTF8 = "utf-8", "UTF-8"
    CP1251 = "windows-1251", "Windows-1251"


class ExchangeType(models.TextChoices):
    """What 1C's side exchanges (`type=` of the protocol)."""

    CATALOG = "catalog", pgettext_lazy("1c exchange", "Goods, prices and stock")
    SALE = "sale", pgettext_lazy("1c exchange", "Orders")


class FileStatus(models.TextChoices):
    RECEIVING = "receiving", pgettext_lazy("1c file", "Being received")
    IMPORTING = "importing", pgettext_lazy("1c file", "Being imported")
    APPLIED = "applied", pgettext_lazy("1c file", "Imported")
    FAILED = "failed", pgettext_lazy("1c file", "Refused")


FILE_TRANSITIONS = TransitionMap(
    "1C exchange file",
    FileStatus,
    {
        (FileStatus.RECEIVING, FileStatus.IMPORTING): (),
        (FileStatus.RECEIVING, FileStatus.FAILED): (),
        (FileStatus.IMPORTING, FileStatus.APPLIED): (),
        (FileStatus.IMPORTING, FileStatus.FAILED): (),
        # 1C sends a file of the same name again in the same session: it starts over.
        (FileStatus.APPLIED, FileStatus.RECEIVING): (),
        (FileStatus.FAILED, FileStatus.RECEIVING): (),
    },
)


class GroupTarget(models.TextChoices):
    """Where the goods of one of 1C's groups go."""

    CATALOG = "catalog", pgettext_lazy("1c group", "Catalog: cars and accessories")
    PARTS = "parts", pgettext_lazy("1c group", "Service: parts")
    SKIP = "skip", pgettext_lazy("1c group", "Not on the site")


class SpecField(models.TextChoices):
    """The vehicle's field a property of 1C's fills (catalog.models.Product)."""

    VIN = "vin", "VIN"
    MAKE = "make", pgettext_lazy("vehicle", "Make")
    MODEL = "model", pgettext_lazy("vehicle", "Model")
    TRIM = "trim", pgettext_lazy("vehicle", "Trim")
    YEAR = "year", pgettext_lazy("vehicle", "Year")
    COLOR = "color", pgettext_lazy("vehicle", "Colour")
    MILEAGE = "mileage_km", pgettext_lazy("vehicle", "Mileage, km")
    BODY_TYPE = "body_type", pgettext_lazy("vehicle", "Body type")
    FUEL = "fuel", pgettext_lazy("vehicle", "Fuel")
    TRANSMISSION = "transmission", pgettext_lazy("vehicle", "Transmission")
    DRIVE = "drive", pgettext_lazy("vehicle", "Drive")
    ENGINE_VOLUME = "engine_volume", pgettext_lazy("vehicle", "Engine volume, l")
    POWER = "power_hp", pgettext_lazy("vehicle", "Power, hp")
    CONDITION = "condition", pgettext_lazy("vehicle", "Condition")


class GoodKind(models.TextChoices):
    """What one of 1C's goods is on the site."""

    VEHICLE = "vehicle", pgettext_lazy("1c good", "Vehicle")
    ACCESSORY = "accessory", pgettext_lazy("1c good", "Accessory")
    PART = "part", pgettext_lazy("1c good", "Part")


class Outcome(models.TextChoices):
    """What an exchange did with one record: the exchange log's counts."""

    CREATED = "created", pgettext_lazy("1c outcome", "Created")
    CHANGED = "changed", pgettext_lazy("1c outcome", "Changed")
    UNCHANGED = "unchanged", pgettext_lazy("1c outcome", "Unchanged")
    REFUSED = "refused", pgettext_lazy("1c outcome", "Refused")
    SKIPPED = "skipped", pgettext_lazy("1c outcome", "Skipped")
