"""The work order (заказ-наряд): the contract of ПП РФ № 780 for one car's service, its lines of
works and parts, and the customer's word on each job found during the work (docs/service.md,
"The work order")."""

import uuid
from decimal import Decimal
from typing import Any

from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.db.numbers import number_field
from common.models import TimestampedModel
from common.transitions import StatusField
from service.choices import (
    WARRANTY_CLAIM_TRANSITIONS,
    WORK_ORDER_TRANSITIONS,
    Channel,
    FuelLevel,
    Instruction,
    LineKind,
    LineState,
    PayType,
    StockState,
    SuppliedBy,
    WarrantyClaimStatus,
    WorkOrderStatus,
)
from service.models.resources import Advisor, Booking, Operation, Part

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
# The lines that count: signed with the order, or approved since.
COUNTED = (LineState.AGREED, LineState.APPROVED)


class WorkOrder(TimestampedModel):
    """What ПП РФ № 780 asks the contract to carry: the executor with its requisites (as they
    were when the order was opened), the customer and the payer, the vehicle, the deadline, the
    warranty periods, the advisor, and the customer's instruction for faults found during the
    work. Its lines are the works and parts."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("ЗН", "service_work_order_number")
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_order",
    )
    advisor = models.ForeignKey(
        Advisor, verbose_name=_("advisor"), on_delete=models.PROTECT, related_name="work_orders"
    )
    # The executor, as its requisites stood when the order was opened.
    executor_name = models.CharField(_("executor"), max_length=300)
    executor_inn = models.CharField(_("executor's INN"), max_length=12)
    executor_ogrn = models.CharField(_("executor's OGRN"), max_length=15, blank=True)
    executor_address = models.CharField(_("executor's address"), max_length=500)
    # The customer, and the payer where another.
    customer_id = models.UUIDField(_("customer's account"), null=True, blank=True, db_index=True)
    customer_name = models.CharField(_("customer"), max_length=200)
    customer_phone = models.CharField(_("customer's phone"), max_length=20)
    customer_address = models.CharField(_("customer's address"), max_length=500, blank=True)
    payer = models.CharField(
        _("payer"), max_length=300, blank=True, help_text=_("Where not the customer.")
    )
    # The vehicle.
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)
    plate = models.CharField(_("plate"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    engine_number = models.CharField(_("engine number"), max_length=40, blank=True)
    body_number = models.CharField(_("body number"), max_length=40, blank=True)
    mileage_in = models.PositiveIntegerField(_("mileage in, km"))
    mileage_out = models.PositiveIntegerField(_("mileage out, km"), null=True, blank=True)
    vehicle_value = models.DecimalField(
        _("value of the vehicle agreed"), null=True, blank=True, **MONEY
    )
    # The car as it was accepted into repair (the acceptance act): what came with it, the damage
    # seen, the fuel, the customer's belongings left in it; its photos are AcceptancePhoto.
    completeness = models.TextField(
        _("completeness"), blank=True, help_text=_("Keys, spare wheel, tools, documents…")
    )
    damage = models.TextField(_("visible damage"), blank=True)
    fuel_level = models.CharField(_("fuel"), max_length=16, choices=FuelLevel.choices, blank=True)
    belongings = models.TextField(_("customer's belongings in the car"), blank=True)
    # The terms.
    deadline = models.DateTimeField(_("deadline"))
    works_warranty_months = models.PositiveSmallIntegerField(_("warranty on works, months"))
    parts_warranty_months = models.PositiveSmallIntegerField(_("warranty on parts, months"))
    instruction = models.CharField(
        _("instruction for faults found"),
        max_length=16,
        choices=Instruction.choices,
        default=Instruction.CALL,
    )
    instruction_limit = models.DecimalField(
        _("extra work allowed up to"), default=Decimal("0"), **MONEY
    )
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=WORK_ORDER_TRANSITIONS,
        default=WorkOrderStatus.DRAFT,
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_how = models.CharField(
        _("signed how"), max_length=16, choices=Channel.choices, blank=True
    )
    signed_recorded_by = models.UUIDField(_("signing recorded by"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    # What payments reports the order has received (docs/service.md, "Payment"), and the
    # version of that report: an older one arriving late changes nothing.
    amount_paid = models.DecimalField(_("paid"), default=Decimal("0"), **MONEY)
    paid_version = models.PositiveIntegerField(_("payment report version"), default=0)
    balance_allowed_by = models.UUIDField(
        _("balance allowed by"),
        null=True,
        blank=True,
        help_text=_("The staff member who let the car go with a balance owed."),
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(vin="") | ~Q(plate=""), name="service_wo_vehicle"),
            models.CheckConstraint(
                condition=Q(mileage_out__isnull=True) | Q(mileage_out__gte=F("mileage_in")),
                name="service_wo_mileage",
            ),
            models.CheckConstraint(
                condition=Q(instruction_limit__gte=0), name="service_wo_instruction_limit"
            ),
        ]

    def __str__(self):
        return self.number

    def lines_counted(self) -> list["WorkOrderLine"]:
        return [line for line in self.lines.all() if line.state in COUNTED]

    def totals(self) -> dict[str, Decimal]:
        """The lines that count, summed per pay type (none: zero)."""
        sums = {pay_type: Decimal("0.00") for pay_type in PayType.values}
        for line in self.lines_counted():
            sums[line.pay_type] += line.amount
        return sums

    @property
    def customer_total(self) -> Decimal:
        return self.totals()[PayType.CUSTOMER]

    @property
    def balance(self) -> Decimal:
        return self.customer_total - self.amount_paid


class WorkOrderLine(TimestampedModel):
    """A work (an operation: norm hours at a rate) or a part (number, maker, quantity at a
    price, supplied by the dealer or the customer), paid by the customer, by the warranty or
    by the dealer (internal). A line found during the work is proposed until the customer's
    word, recorded with who gave it, when and how."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=LineKind.choices)
    operation = models.ForeignKey(
        Operation, verbose_name=_("operation"), null=True, blank=True, on_delete=models.PROTECT
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), null=True, blank=True, on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("opcode or part number"),
        max_length=64,
        blank=True,
        help_text=_("The operation's code, or the part's number (артикул)."),
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    norm_hours = models.DecimalField(
        _("norm hours"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(_("rate per norm hour"), null=True, blank=True, **MONEY)
    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    unit_price = models.DecimalField(_("price"), null=True, blank=True, **MONEY)
    supplied_by = models.CharField(
        _("supplied by"), max_length=8, choices=SuppliedBy.choices, default=SuppliedBy.DEALER
    )
    pay_type = models.CharField(
        _("pay type"), max_length=8, choices=PayType.choices, default=PayType.CUSTOMER
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    stock = models.CharField(
        _("stock"), max_length=8, choices=StockState.choices, default=StockState.NONE, blank=True
    )
    state = models.CharField(_("state"), max_length=8, choices=LineState.choices)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_how = models.CharField(
        _("decided how"), max_length=16, choices=Channel.choices, blank=True
    )
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("The customer's name, and the staff member who recorded a call."),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.CharField(
        _("done by"), max_length=200, blank=True, help_text=_("The technician, as recorded.")
    )

    class Meta:
        verbose_name = _("work order line")
        verbose_name_plural = _("work order lines")
        ordering = ["work_order", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="service_line_amount"),
            models.CheckConstraint(
                condition=Q(kind=LineKind.PART) | Q(norm_hours__gt=0, rate__gte=0),
                name="service_line_labour",
            ),
            models.CheckConstraint(
                condition=Q(kind=LineKind.LABOUR) | Q(quantity__gt=0, unit_price__gte=0),
                name="service_line_part",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(state__in=COUNTED),
                name="service_line_done_counted",
            ),
        ]

    def __str__(self):
        return self.name


def private_storage() -> Storage:
    """The documents' storage: private, read back only through a view that checks who asks."""
    return storages["documents"]


def photo_path(photo: "AcceptancePhoto", filename: str) -> str:
    """Under its work order, by a random name nobody can guess."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"service/{photo.work_order_id}/{uuid.uuid4().hex}.{extension}"


class AcceptancePhoto(TimestampedModel):
    """A photo of the car as it was accepted into repair: the checked copy of the upload
    (common/images.py), kept in the private documents' storage and printed small on the
    acceptance act."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("work order"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("image"), upload_to=photo_path, storage=private_storage, max_length=300
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("acceptance photo")
        verbose_name_plural = _("acceptance photos")
        ordering = ["created_at"]

    def __str__(self):
        return self.caption or str(self.image.name)


class WarrantyClaim(TimestampedModel):
    """A claim to the manufacturer for what a work order's warranty lines cost the dealer:
    opened when the order is done, then submitted, accepted or rejected, and paid."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    work_order = models.OneToOneField(
        WorkOrder,
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="warranty_claim",
    )
    showroom_id = models.UUIDField(_("showroom"), db_index=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=60)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=WARRANTY_CLAIM_TRANSITIONS,
        default=WarrantyClaimStatus.OPEN,
    )
    note = models.TextField(_("note"), blank=True, help_text=_("The manufacturer's answer."))

    class Meta:
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="service_claim_amount")
        ]

    def __str__(self):
        return f"{self.work_order} — {self.manufacturer}"
