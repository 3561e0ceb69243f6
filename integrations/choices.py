from django.db import models
from django.utils.translation import gettext_lazy as _

from common.transitions import TransitionMap
from integrations.error_codes import IntegrationErrorCode


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # to be sent, or sent again after a failure
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")  # given up after the retry window


# A pending delivery succeeds or, after the retry window, fails; an admin's redelivery makes
# either pending again (docs/state-machines.md).
DELIVERY_TRANSITIONS = TransitionMap(
    "webhook delivery",
    DeliveryStatus,
    {
        (DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED): (),
        (DeliveryStatus.PENDING, DeliveryStatus.FAILED): (),
        (DeliveryStatus.SUCCEEDED, DeliveryStatus.PENDING): (),
        (DeliveryStatus.FAILED, DeliveryStatus.PENDING): (),
    },
    code=IntegrationErrorCode.INVALID_TRANSITION,
)


class FeedKind(models.TextChoices):
    """The classifieds a feed is written for (docs/feeds.md)."""

    AVITO = "avito", _("Avito Autoload")
    AUTORU = "autoru", _("Auto.ru dealer feed")
    YANDEX = "yandex", _("Yandex car feed")


class Misfit(models.TextChoices):
    """Why a car on sale is left out of a feed: what the site requires and the car lacks, or
    a value of the catalog's with no word on that site (docs/feeds.md, "Left out")."""

    NO_PHOTO = "no_photo", _("no photo")
    NO_VIN = "no_vin", _("no VIN")
    NO_YEAR = "no_year", _("no year")
    NO_MAKE = "no_make", _("no make or model")
    NO_ENGINE = "no_engine", _("no engine size or power")
    NO_MILEAGE = "no_mileage", _("no mileage")
    NO_SHOWROOM = "no_showroom", _("its showroom has no address or phone")
    CONDITION = "condition", _("new or used not stated")
    BODY_TYPE = "body_type", _("body type not mapped")
    FUEL = "fuel", _("fuel not mapped")
    TRANSMISSION = "transmission", _("transmission not mapped")
    DRIVE = "drive", _("drive not mapped")
    COLOR = "color", _("colour not mapped")
