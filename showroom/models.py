"""The showroom's data: events customers register for, resources staff book by the hour,
and test drives. It lives in the `showroom` database; users and catalog vehicles belong to
other databases and are referenced by id (docs/architecture.md, "3.1 One database per
domain")."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.db.numbers import number_field
from common.formatting import local_date, local_datetime, local_time
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from showroom.choices import (
    ACTIVE_REGISTRATION,
    ALLOCATION_TRANSITIONS,
    EVENT_TRANSITIONS,
    REGISTRATION_TRANSITIONS,
    TEST_DRIVE_TRANSITIONS,
    AllocationStatus,
    EventStatus,
    TestDriveStatus,
)
from showroom.locations import OpeningHours as OpeningHours
from showroom.locations import Showroom as Showroom
from showroom.locations import ShowroomHoliday as ShowroomHoliday


class EventCategory(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Event(TimestampedModel):
    """A model launch, a test-drive day: `capacity` seats, a waitlist behind them."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        EventCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    start_date = models.DateTimeField(_("starts"))
    end_date = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Seats for guests."))
    waitlist_enabled = models.BooleanField(
        _("waitlist"),
        default=True,
        help_text=_("When the seats are taken, further guests join a waitlist."),
    )
    price = models.DecimalField(
        _("price"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for a free event."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    status = StatusField(
        _("status"), max_length=16, transitions=EVENT_TRANSITIONS, default=EventStatus.DRAFT
    )
    # Catalog vehicles featured (product ids; no foreign key across databases).
    vehicle_ids = models.JSONField(
        _("featured vehicles"),
        default=list,
        blank=True,
        help_text=_("Ids of the catalog vehicles shown at the event."),
    )
    created_by_id = models.UUIDField(_("created by"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="showroom_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0), name="showroom_event_price"
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self):
        return f"{self.title} ({local_date(self.start_date)})"


class Registration(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations"
    )
    user_id = models.UUIDField(_("client"), db_index=True)
    status = StatusField(_("status"), max_length=16, transitions=REGISTRATION_TRANSITIONS)
    # The order the waitlist is served in: a sequence per event, given under the event's lock.
    position = models.PositiveIntegerField(
        _("place in queue"), help_text=_("The order in which the waitlist is served.")
    )
    hold_expires_at = models.DateTimeField(_("seat held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user_id"],
                condition=Q(status__in=ACTIVE_REGISTRATION),
                name="showroom_one_active_registration",
            ),
            models.UniqueConstraint(
                fields=["event", "position"], name="showroom_registration_position"
            ),
        ]

    def __str__(self):
        return _("Registration for %(event)s, %(status)s") % {
            "event": self.event.title,
            "status": self.get_status_display().lower(),
        }


class ResourceType(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("resource type")
        verbose_name_plural = _("resource types")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Resource(TimestampedModel):
    """A demo car, a delivery bay, a meeting room: `quantity` of them can be booked at once,
    within the opening hours, times of day in the dealership's time zone
    (`DEALERSHIP_TIME_ZONE`). A deactivated one takes no new booking; a deleted one is gone
    from the API but keeps its row, which its past bookings and test drives refer to
    (docs/api.md, "Resources")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        ResourceType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="resources"
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, help_text=_("How many can be booked at the same time.")
    )
    opens_at = models.TimeField(_("opens at"), help_text=_("In the dealership's time zone."))
    closes_at = models.TimeField(_("closes at"), help_text=_("In the dealership's time zone."))
    showroom = models.ForeignKey(
        Showroom,
        verbose_name=_("showroom"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        help_text=_("Where it stands: test drives of a demo car start there."),
    )
    vehicle_id = models.UUIDField(  # a catalog product
        _("vehicle"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The catalog vehicle this demo car is, for test drives."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive resource takes no new bookings.")
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="showroom_resource_quantity"),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(is_active=False),
                name="showroom_resource_deleted_inactive",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="showroom_resource_hours"
            ),
        ]

    def __str__(self):
        return self.name


class Allocation(TimestampedModel):
    """Part of a resource for a time. Active allocations of a resource never overlap beyond
    its quantity: the service checks under the resource's lock, and for a resource of one
    (`exclusive`) PostgreSQL refuses an overlap itself (an exclusion constraint, migration
    0002)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="allocations"
    )
    start_time = models.DateTimeField(_("start"))
    end_time = models.DateTimeField(_("end"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    exclusive = models.BooleanField(_("exclusive"), default=False)
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=ALLOCATION_TRANSITIONS,
        default=AllocationStatus.ACTIVE,
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    created_by_id = models.UUIDField(_("created by"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="showroom_allocation_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="showroom_allocation_quantity"
            ),
        ]
        indexes = [models.Index(fields=["resource", "status", "start_time"])]

    def __str__(self):
        return _("Booked %(start)s–%(end)s") % {
            "start": local_datetime(self.start_time),
            "end": local_time(self.end_time),
        }


class TestDrive(TimestampedModel):
    """A client's test drive: one allocation of the demo car, taken with it. Once it has
    started, staff record how it went (`completed` or `no_show`), with a note and who did."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("ТД", "showroom_testdrive_number")
    user_id = models.UUIDField(_("client"), db_index=True)
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="test_drives"
    )
    allocation = models.OneToOneField(
        Allocation,
        verbose_name=_("booking"),
        on_delete=models.PROTECT,
        related_name="test_drive",
    )
    start_time = models.DateTimeField(_("start"))
    end_time = models.DateTimeField(_("end"))
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=TEST_DRIVE_TRANSITIONS,
        default=TestDriveStatus.BOOKED,
    )
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    # The staff member who recorded it.
    outcome_by_id = models.UUIDField(_("outcome recorded by"), null=True, blank=True)

    class Meta:
        verbose_name = _("test drive")
        verbose_name_plural = _("test drives")
        ordering = ["start_time"]

    def __str__(self):
        return _("Test drive on %(when)s, %(status)s") % {
            "when": local_datetime(self.start_time),
            "status": self.get_status_display().lower(),
        }


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
