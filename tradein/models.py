"""Models of the trade-in domain; they live in the `tradein` database. Customers, orders and
the catalog belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

import uuid

from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.db.numbers import number_field
from common.formatting import money
from common.models import DecisionBase, InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from tradein.choices import OPEN_STATUSES, TRADEIN_TRANSITIONS, Condition, TradeInStatus


class TradeIn(TimestampedModel):
    """A customer's old car, appraised, offered for, accepted, inspected at handover and,
    once the new car's order completes, taken into stock (docs/tradein.md)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    number = number_field("ТИ", "tradein_tradein_number")
    customer_id = models.UUIDField(_("customer"), db_index=True)
    order_id = models.UUIDField(_("order"), null=True, blank=True, db_index=True)
    # Its order's showroom, where it is inspected (docs/showrooms.md, "Staff per showroom"):
    # whose staff see it. None, not yet credited to an order: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    vin = models.CharField(_("VIN"), max_length=17)
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    mileage_km = models.PositiveIntegerField(_("mileage, km"))
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    owners_count = models.PositiveSmallIntegerField(_("owners"))
    accident_history = models.BooleanField(_("accidents"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=TRADEIN_TRANSITIONS,
        default=TradeInStatus.SUBMITTED,
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    # The offer: what the dealership pays, until when.
    offer_amount = models.DecimalField(
        _("offer"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    offer_valid_until = models.DateTimeField(_("offer valid until"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Who accepted the offer: only the customer may (docs/tradein.md, "The offer"); a credit
    # counts as the buyer's money only when they did (docs/security.md, "Money only from money").
    accepted_by_id = models.UUIDField(_("accepted by"), null=True, blank=True)
    # The inspection at handover: the car seen, its amount confirmed or lowered.
    inspected_mileage_km = models.PositiveIntegerField(
        _("mileage checked, km"), null=True, blank=True
    )
    findings = models.TextField(_("findings"), blank=True, max_length=4000)
    reduction_reason = models.CharField(_("why lowered"), max_length=500, blank=True)
    inspected_by_id = models.UUIDField(_("inspected by"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected"), null=True, blank=True)
    # In stock: the used car the catalog holds, and what the dealership paid for it.
    stock_product_id = models.UUIDField(_("catalog vehicle"), null=True, blank=True)

    class Meta:
        verbose_name = _("trade-in")
        verbose_name_plural = _("trade-ins")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vin"],
                condition=Q(status__in=OPEN_STATUSES),
                name="tradein_one_open_appraisal_per_vin",
            ),
            models.CheckConstraint(
                condition=Q(offer_amount__isnull=True) | Q(offer_amount__gt=0),
                name="tradein_offer_positive",
            ),
        ]

    def __str__(self):
        return f"{self.make} {self.model} {self.year} · {self.vin}"

    @property
    def offer_shown(self) -> str:
        return money(self.offer_amount, self.currency) if self.offer_amount else "—"


class OfferApproval(DecisionBase):
    """Staff's approvals of an offer: above TRADEIN_SECOND_APPROVAL_ABOVE the first waits for
    a second staff member's (four eyes, common/four_eyes.py)."""

    trade_in = models.ForeignKey(
        TradeIn, verbose_name=_("trade-in"), on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(DecisionBase.Meta):
        verbose_name = _("offer approval")
        verbose_name_plural = _("offer approvals")


def photo_storage() -> Storage:
    """The trade-ins' photos' own storage: private, never under MEDIA_URL (docs/tradein.md,
    "Photos")."""
    return storages["tradein_photos"]


def photo_path(photo: "TradeInPhoto", filename: str) -> str:
    """Where a photo is stored: under its trade-in, by a random name nobody can guess."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{photo.trade_in_id}/{uuid.uuid4().hex}.{extension}"


class TradeInPhoto(TimestampedModel):
    """A photo of the old car: the checked copy of the upload (common/images.py), carried over
    to the catalog with the car, and once the task has made them its WebP renditions by name
    (`thumb`, `card`, `large`). Private: its files are read through `trade-in-photo-file`,
    which lets in the trade-in's customer and staff only."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    trade_in = models.ForeignKey(
        TradeIn, verbose_name=_("trade-in"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("image"), upload_to=photo_path, storage=photo_storage, max_length=300
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # Rendition name → {"name": storage name, "width": px, "height": px}.
    renditions = models.JSONField(_("renditions"), default=dict)

    class Meta:
        verbose_name = _("trade-in photo")
        verbose_name_plural = _("trade-in photos")
        ordering = ["created_at"]

    def __str__(self):
        return str(self.image.name)

    def file_url(self, name: str) -> str:
        """The address of one of this photo's files: the view that checks who asks."""
        trade_in_id, filename = name.split("/", 1)
        return reverse("trade-in-photo-file", args=[trade_in_id, filename])

    @property
    def url(self) -> str:
        return self.file_url(str(self.image.name))

    def rendition_url(self, kind: str) -> str:
        """A rendition's address; the original's until the task has made it."""
        made = self.renditions.get(kind)
        return self.file_url(made["name"]) if made else self.url

    @property
    def thumb_url(self) -> str:
        """The small rendition's address (the original's, if it has none yet)."""
        return self.rendition_url("thumb")

    def names(self) -> list[str]:
        """The storage names of every file of this photo."""
        return [str(self.image.name), *(str(made["name"]) for made in self.renditions.values())]


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
