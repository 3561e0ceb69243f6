"""Models of the catalog domain; they live in the `catalog` database."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from catalog.choices import DEFAULT_CURRENCY, ReservationStatus
from catalog.validators import validate_vin
from common.models import InboxEventBase, OutboxEventBase, TimestampedModel

PATH_SEPARATOR = "/"


class Category(TimestampedModel):
    """A node in a tree of any depth. `path` lists the ids from the root down to this node,
    so that descendants are one prefix query and `level` needs no recursion."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=5000)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # 20 levels of 32-character ids and a separator (services.MAX_DEPTH).
    path = models.CharField(max_length=660, editable=False, db_index=True)
    level = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"
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
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=20000)
    price = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    stock_quantity = models.IntegerField(default=0)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    is_active = models.BooleanField(default=True)
    # Optional vehicle specs.
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1886), MaxValueValidator(2100)]
    )
    vin = models.CharField(max_length=17, null=True, blank=True, validators=[validate_vin])

    class Meta:
        ordering = ["-created_at"]
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


class StockReservation(TimestampedModel):
    """Units taken from stock for one order. Released at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(db_index=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
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
        return f"{self.quantity} × {self.product_id} for {self.order_id} [{self.status}]"


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        pass
