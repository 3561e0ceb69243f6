from django.db import models

from common.transitions import TransitionMap


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"


RESERVATION_TRANSITIONS = TransitionMap(
    "stock reservation",
    ReservationStatus,
    {(ReservationStatus.ACTIVE, ReservationStatus.RELEASED): ()},
)


DEFAULT_CURRENCY = "RUB"
