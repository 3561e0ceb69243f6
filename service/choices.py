from django.db import models
from django.utils.translation import gettext_lazy as _

from common.transitions import TransitionMap
from service.error_codes import ServiceErrorCode


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


# A booking is booked until cancelled; the work order that follows it is not built yet
# (docs/service.md). A reschedule keeps it booked.
BOOKING_TRANSITIONS = TransitionMap(
    "service booking",
    BookingStatus,
    {(BookingStatus.BOOKED, BookingStatus.CANCELLED): ()},
    code=ServiceErrorCode.BOOKING_NOT_CHANGEABLE,
)
