"""Models of the catalog domain; they live in the `catalog` database."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.choices import DEFAULT_CURRENCY, RESERVATION_TRANSITIONS, ReservationStatus
from catalog.validators import validate_vin
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField

PATH_SEPARATOR = "/"


class Category(TimestampedModel):
    """A node in a tree of any depth. `path` lists the ids from the root down to this node,
    so that descendants are one prefix query and `level` needs no recursion."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
        help_text=_("Empty for a top-level category."),
    )
    # 20 levels of 32-character ids and a separator (services.MAX_DEPTH).
    path = models.CharField(_("path"), max_length=660, editable=False, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="catalog_category_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="catalog_category_unique_root_name",
            ),
        ]

    def __str__(self):
        return self.name


class Product(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(pgettext_lazy("catalog", "name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=DEFAULT_CURRENCY,
        help_text=_("Three letters, as in ISO 4217: RUB, EUR, USD."),
    )
    stock_quantity = models.IntegerField(
        _("in stock"),
        default=0,
        help_text=_("Units on hand and not reserved for an order."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    is_active = models.BooleanField(
        _("on sale"),
        default=True,
        help_text=_("A product taken off sale stays on its orders but cannot be ordered."),
    )
    # Optional vehicle specs.
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(
        pgettext_lazy("vehicle", "year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1886), MaxValueValidator(2100)],
    )
    vin = models.CharField(
        _("VIN"),
        max_length=17,
        null=True,
        blank=True,
        validators=[validate_vin],
        help_text=_("17 characters; a product with a VIN is a vehicle."),
    )
    # Whether the showroom has a demo car of it to test-drive, as its events report
    # (`DemoCar`, catalog/handlers.py).
    test_drive_available = models.BooleanField(_("test drive"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            # The last guard against overselling: reservations are conditional updates.
            models.CheckConstraint(
                condition=Q(stock_quantity__gte=0), name="catalog_product_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="catalog_product_price_not_negative"
            ),
            models.UniqueConstraint(fields=["vin"], name="catalog_product_unique_vin"),
        ]
        indexes = [
            models.Index(fields=["is_active", "-created_at"]),
            models.Index(fields=["make", "model"]),
            models.Index(fields=["price"]),
        ]

    def __str__(self):
        return self.name


class DemoCar(TimestampedModel):
    """A showroom resource that is a demo car of a vehicle, as the showroom's `resource.*`
    events report it: the catalog says of a vehicle whether it can be test-driven without
    reading the showroom (docs/api.md, "Test drives")."""

    resource_id = models.UUIDField(_("showroom resource"), primary_key=True)
    product_id = models.UUIDField(_("product"), db_index=True)
    is_active = models.BooleanField(_("takes bookings"))

    class Meta:
        verbose_name = _("demo car")
        verbose_name_plural = _("demo cars")

    def __str__(self):
        return str(self.resource_id)


class StockReservation(TimestampedModel):
    """Units taken from stock for one order. Released at most once."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(_("order"), db_index=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=RESERVATION_TRANSITIONS,
        default=ReservationStatus.ACTIVE,
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stock reservation")
        verbose_name_plural = _("stock reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["order_id", "product"], name="catalog_reservation_one_per_order_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="catalog_reservation_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return _("Reservation of %(quantity)s for order %(order)s, %(status)s") % {
            "quantity": self.quantity,
            "order": str(self.order_id)[:8],
            "status": self.get_status_display().lower(),
        }


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        verbose_name = _("inbox event")
        verbose_name_plural = _("inbox events")
