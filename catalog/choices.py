from django.db import models


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"


DEFAULT_CURRENCY = "RUB"
