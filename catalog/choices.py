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
