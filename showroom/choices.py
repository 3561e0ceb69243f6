from django.db import models

from common.transitions import TransitionMap
from showroom.error_codes import ShowroomErrorCode


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"
    FINISHED = "finished", "Finished"


class RegistrationStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


class AllocationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RELEASED = "released", "Released"


class TestDriveStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


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
