"""The service department's resources (bays, advisors, rates, operations, parts, menus) and its
bookings."""

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from service.choices import BOOKING_TRANSITIONS, BookingStatus


class TsTzRange(Func):
    """PostgreSQL's `tstzrange(start, end, '[)')`: a booking's time, its end left out."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Bay(TimestampedModel):
    """A service bay (пост) of a showroom: one car at a time."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service bay")
        verbose_name_plural = _("service bays")
        ordering = ["showroom_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["showroom_id", "name"], name="service_bay_name")
        ]

    def __str__(self):
        return self.name


class Advisor(TimestampedModel):
    """A service advisor (мастер-консультант): a member of staff of a showroom."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    user_id = models.UUIDField(_("staff user"), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, default="Мастер-консультант")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service advisor")
        verbose_name_plural = _("service advisors")
        ordering = ["showroom_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["showroom_id", "user_id"], name="service_advisor_user")
        ]

    def __str__(self):
        return self.name


class LabourRate(TimestampedModel):
    """A showroom's price of a norm hour: its general rate (no kind), or one kind of work's."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    kind = models.CharField(_("kind of work"), max_length=100, blank=True)
    rate = models.DecimalField(_("rate per norm hour"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("labour rate")
        verbose_name_plural = _("labour rates")
        ordering = ["showroom_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["showroom_id", "kind"], name="service_rate_kind"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="service_rate_positive"),
        ]

    def __str__(self):
        return f"{self.kind or '—'}: {self.rate}"


class Operation(TimestampedModel):
    """An operation (opcode): its norm in hours and the makes and models it applies to (none:
    every one)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    norm_hours = models.DecimalField(_("norm hours"), max_digits=6, decimal_places=2)
    rate_kind = models.CharField(
        _("kind of work"),
        max_length=100,
        blank=True,
        help_text=_(
            "The kind whose labour rate prices it, where the showroom has one (body work, "
            "diagnostics…); empty: the general rate."
        ),
    )
    makes = ArrayField(
        models.CharField(max_length=60), verbose_name=_("makes"), default=list, blank=True
    )
    vehicle_models = ArrayField(
        models.CharField(max_length=60), verbose_name=_("models"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(norm_hours__gt=0), name="service_operation_norm")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Part(TimestampedModel):
    """A part of the catalogue: its number (артикул), maker, name and price. Stock is not
    kept yet (docs/service.md)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("part number"), max_length=64)
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["manufacturer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "number"], name="service_part_number"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_part_price"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class PartStock(TimestampedModel):
    """A part's stock in a showroom's warehouse: on hand, and of it reserved by work orders.
    PostgreSQL keeps the reserved within what is on hand; a reservation takes what is free or
    nothing (docs/service.md, "Parts")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock"
    )
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    on_hand = models.DecimalField(_("on hand"), max_digits=10, decimal_places=2, default=0)
    reserved = models.DecimalField(
        _("reserved"), max_digits=10, decimal_places=2, default=0, editable=False
    )
    min_quantity = models.DecimalField(
        _("low stock at"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("The dashboard warns when what is free falls to this."),
    )

    class Meta:
        verbose_name = _("part stock")
        verbose_name_plural = _("parts stock")
        ordering = ["showroom_id", "part"]
        constraints = [
            models.UniqueConstraint(fields=["part", "showroom_id"], name="service_stock_part"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="service_stock_reserved"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=F("reserved")), name="service_stock_within_hand"
            ),
            models.CheckConstraint(condition=Q(min_quantity__gte=0), name="service_stock_min"),
        ]

    def __str__(self):
        return f"{self.part}: {self.on_hand}"

    @property
    def free(self):
        return self.on_hand - self.reserved


class MaintenanceMenu(TimestampedModel):
    """A scheduled maintenance (ТО-1, ТО-2 …) of a make and model, due every `interval_km` or
    `interval_months`, whichever comes first: its operations and parts."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    interval_km = models.PositiveIntegerField(_("interval, km"))
    interval_months = models.PositiveIntegerField(_("interval, months"))
    operations = models.ManyToManyField(
        Operation, verbose_name=_("operations"), related_name="menus"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance menu")
        verbose_name_plural = _("maintenance menus")
        ordering = ["make", "model", "interval_km"]
        constraints = [
            models.UniqueConstraint(fields=["make", "model", "name"], name="service_menu_name")
        ]

    def __str__(self):
        return f"{self.make} {self.model}: {self.name}"


class MenuPart(TimestampedModel):
    """A part a maintenance menu uses, and how many."""

    menu = models.ForeignKey(
        MaintenanceMenu, verbose_name=_("menu"), on_delete=models.CASCADE, related_name="parts"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="menus"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("menu part")
        verbose_name_plural = _("menu parts")
        ordering = ["menu", "part"]
        constraints = [
            models.UniqueConstraint(fields=["menu", "part"], name="service_menu_part"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="service_menu_part_quantity"),
        ]

    def __str__(self):
        return f"{self.part} × {self.quantity}"


class PhoneCode(TimestampedModel):
    """A code sent by SMS to confirm an anonymous booker's phone: kept hashed, tried a few
    times, valid for a while, used once."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(_("code hash"), max_length=128)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone code")
        verbose_name_plural = _("phone codes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.phone


class Booking(TimestampedModel):
    """A car booked into a bay of a showroom for a maintenance menu or a complaint, with an
    advisor. A bay's booked times never overlap: PostgreSQL refuses it (an exclusion
    constraint on the bay and its time range)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    bay = models.ForeignKey(
        Bay, verbose_name=_("bay"), on_delete=models.PROTECT, related_name="bookings"
    )
    advisor = models.ForeignKey(
        Advisor, verbose_name=_("advisor"), on_delete=models.PROTECT, related_name="bookings"
    )
    customer_id = models.UUIDField(_("customer"), null=True, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    plate = models.CharField(_("plate"), max_length=20, blank=True)
    mileage_km = models.PositiveIntegerField(_("mileage, km"))
    menu = models.ForeignKey(
        MaintenanceMenu,
        verbose_name=_("maintenance menu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    complaint = models.TextField(_("complaint"), blank=True)
    # The language the booker was served in: what someone of no account hears in.
    language = models.CharField(_("language"), max_length=8, blank=True)
    start_time = models.DateTimeField(_("start"))
    end_time = models.DateTimeField(_("end"))
    status = StatusField(
        _("status"), max_length=16, transitions=BOOKING_TRANSITIONS, default=BookingStatus.BOOKED
    )

    class Meta:
        verbose_name = _("service booking")
        verbose_name_plural = _("service bookings")
        ordering = ["start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="service_booking_ends_after"
            ),
            models.CheckConstraint(
                condition=~Q(vin="") | ~Q(plate=""), name="service_booking_vehicle"
            ),
            models.CheckConstraint(
                condition=Q(menu__isnull=False) | ~Q(complaint=""), name="service_booking_work"
            ),
            ExclusionConstraint(
                name="service_booking_bay_no_overlap",
                expressions=[
                    ("bay", RangeOperators.EQUAL),
                    (
                        TsTzRange("start_time", "end_time", models.Value("[)")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status=BookingStatus.BOOKED),
            ),
        ]

    def __str__(self):
        return f"{self.vin or self.plate} {self.start_time:%Y-%m-%d %H:%M}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
