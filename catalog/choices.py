from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("stock reservation", "Active")
    RELEASED = "released", pgettext_lazy("stock reservation", "Released")


RESERVATION_TRANSITIONS = TransitionMap(
    "stock reservation",
    ReservationStatus,
    {(ReservationStatus.ACTIVE, ReservationStatus.RELEASED): ()},
)


DEFAULT_CURRENCY = "RUB"


class ProductKind(models.TextChoices):
    """A vehicle is one physical car: one unit, its own VIN once a manager enters it. An
    accessory is counted in stock (docs/api.md, "Vehicles")."""

    VEHICLE = "vehicle", pgettext_lazy("product kind", "Vehicle")
    ACCESSORY = "accessory", pgettext_lazy("product kind", "Accessory")


class Condition(models.TextChoices):
    NEW = "new", pgettext_lazy("vehicle condition", "New")
    USED = "used", pgettext_lazy("vehicle condition", "Used")


class BodyType(models.TextChoices):
    SEDAN = "sedan", pgettext_lazy("body type", "Sedan")
    HATCHBACK = "hatchback", pgettext_lazy("body type", "Hatchback")
    LIFTBACK = "liftback", pgettext_lazy("body type", "Liftback")
    WAGON = "wagon", pgettext_lazy("body type", "Wagon")
    SUV = "suv", pgettext_lazy("body type", "SUV")
    CROSSOVER = "crossover", pgettext_lazy("body type", "Crossover")
    COUPE = "coupe", pgettext_lazy("body type", "Coupe")
    CONVERTIBLE = "convertible", pgettext_lazy("body type", "Convertible")
    MINIVAN = "minivan", pgettext_lazy("body type", "Minivan")
    PICKUP = "pickup", pgettext_lazy("body type", "Pickup")
    VAN = "van", pgettext_lazy("body type", "Van")


class Fuel(models.TextChoices):
    PETROL = "petrol", pgettext_lazy("fuel", "Petrol")
    DIESEL = "diesel", pgettext_lazy("fuel", "Diesel")
    HYBRID = "hybrid", pgettext_lazy("fuel", "Hybrid")
    ELECTRIC = "electric", pgettext_lazy("fuel", "Electric")
    LPG = "lpg", pgettext_lazy("fuel", "LPG")


class Transmission(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("transmission", "Manual")
    AUTOMATIC = "automatic", pgettext_lazy("transmission", "Automatic")
    ROBOT = "robot", pgettext_lazy("transmission", "Automated manual")
    CVT = "cvt", pgettext_lazy("transmission", "CVT")


class Drive(models.TextChoices):
    FWD = "fwd", pgettext_lazy("drive", "Front-wheel drive")
    RWD = "rwd", pgettext_lazy("drive", "Rear-wheel drive")
    AWD = "awd", pgettext_lazy("drive", "All-wheel drive")


class Color(models.TextChoices):
    WHITE = "white", pgettext_lazy("colour", "White")
    BLACK = "black", pgettext_lazy("colour", "Black")
    SILVER = "silver", pgettext_lazy("colour", "Silver")
    GREY = "grey", pgettext_lazy("colour", "Grey")
    BLUE = "blue", pgettext_lazy("colour", "Blue")
    RED = "red", pgettext_lazy("colour", "Red")
    GREEN = "green", pgettext_lazy("colour", "Green")
    BROWN = "brown", pgettext_lazy("colour", "Brown")
    BEIGE = "beige", pgettext_lazy("colour", "Beige")
    YELLOW = "yellow", pgettext_lazy("colour", "Yellow")
    ORANGE = "orange", pgettext_lazy("colour", "Orange")
    OTHER = "other", pgettext_lazy("colour", "Other")
