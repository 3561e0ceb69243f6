from django.db import models
from django.utils.translation import gettext_lazy as _

from common.transitions import TransitionMap
from showroom.error_codes import ShowroomErrorCode


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


class RegistrationStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RELEASED = "released", _("Released")


class TestDriveStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


EVENT_TRANSITIONS = TransitionMap(
    "event",
    EventStatus,
    {
        (EventStatus.DRAFT, EventStatus.PUBLISHED): (),
        (EventStatus.DRAFT, EventStatus.CANCELLED): (),
        (EventStatus.PUBLISHED, EventStatus.CANCELLED): (),
        (EventStatus.PUBLISHED, EventStatus.FINISHED): (),
    },
    code=ShowroomErrorCode.EVENT_NOT_EDITABLE,
)

REGISTRATION_TRANSITIONS = TransitionMap(
    "registration",
    RegistrationStatus,
    {
        (RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED): (),
        (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING_PAYMENT): (),
        (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED): (),
        (RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.CONFIRMED): (),
        (RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.CANCELLED): (),
        (RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.EXPIRED): (),
        (RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED): (),
    },
    code=ShowroomErrorCode.REGISTRATION_NOT_CANCELLABLE,
)
# A registration in one of these holds a seat; with a waitlisted one, it blocks another
# registration of the same person for the same event.
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT)
ACTIVE_REGISTRATION = (*SEAT_HOLDING, RegistrationStatus.WAITLISTED)

ALLOCATION_TRANSITIONS = TransitionMap(
    "allocation",
    AllocationStatus,
    {(AllocationStatus.ACTIVE, AllocationStatus.RELEASED): ()},
    code=ShowroomErrorCode.ALLOCATION_NOT_ACTIVE,
)

TEST_DRIVE_TRANSITIONS = TransitionMap(
    "test drive",
    TestDriveStatus,
    {
        (TestDriveStatus.BOOKED, TestDriveStatus.CANCELLED): (),
        (TestDriveStatus.BOOKED, TestDriveStatus.COMPLETED): (),
        (TestDriveStatus.BOOKED, TestDriveStatus.NO_SHOW): (),
    },
    code=ShowroomErrorCode.TEST_DRIVE_NOT_CHANGEABLE,
)
# What staff record once a drive has started (docs/state-machines.md).
TEST_DRIVE_OUTCOMES = (TestDriveStatus.COMPLETED, TestDriveStatus.NO_SHOW)


class Weekday(models.IntegerChoices):
    """ISO weekdays, as `date.isoweekday()` counts them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


# The time zones of Russia's cities a showroom may stand in (IANA names).
SHOWROOM_TIME_ZONES = [
    ("Europe/Kaliningrad", _("Kaliningrad (UTC+2)")),
    ("Europe/Moscow", _("Moscow (UTC+3)")),
    ("Europe/Samara", _("Samara (UTC+4)")),
    ("Asia/Yekaterinburg", _("Yekaterinburg (UTC+5)")),
    ("Asia/Omsk", _("Omsk (UTC+6)")),
    ("Asia/Novosibirsk", _("Novosibirsk (UTC+7)")),
    ("Asia/Krasnoyarsk", _("Krasnoyarsk (UTC+7)")),
    ("Asia/Irkutsk", _("Irkutsk (UTC+8)")),
    ("Asia/Yakutsk", _("Yakutsk (UTC+9)")),
    ("Asia/Vladivostok", _("Vladivostok (UTC+10)")),
    ("Asia/Magadan", _("Magadan (UTC+11)")),
    ("Asia/Kamchatka", _("Kamchatka (UTC+12)")),
]
