"""Models of the catalog domain; they live in the `catalog` database."""

import uuid
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.choices import (
    DEFAULT_CURRENCY,
    RESERVATION_TRANSITIONS,
    BodyType,
    Color,
    Condition,
    Drive,
    Fuel,
    ProductKind,
    ReservationStatus,
    Transmission,
)
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
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=ProductKind.choices,
        default=ProductKind.ACCESSORY,
        help_text=_("A vehicle is one physical car; an accessory is counted in stock."),
    )
    # A vehicle's specification (docs/api.md, "Vehicles"); an accessory leaves it empty.
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    trim = models.CharField(_("trim"), max_length=100, blank=True)
    # The cars of one make, model and trim, which a listing may show as one line.
    model_key = models.CharField(_("model key"), max_length=240, blank=True, editable=False)
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
        help_text=_("17 characters. A vehicle without one cannot be ordered until it is entered."),
    )
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, blank=True
    )
    body_type = models.CharField(
        _("body type"), max_length=16, choices=BodyType.choices, blank=True
    )
    fuel = models.CharField(_("fuel"), max_length=16, choices=Fuel.choices, blank=True)
    engine_volume = models.DecimalField(
        _("engine volume, l"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10.0"))],
        help_text=_("Empty for an electric car."),
    )
    power_hp = models.PositiveSmallIntegerField(
        _("power, hp"), null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    transmission = models.CharField(
        _("transmission"), max_length=16, choices=Transmission.choices, blank=True
    )
    drive = models.CharField(
        pgettext_lazy("vehicle", "drive"), max_length=8, choices=Drive.choices, blank=True
    )
    color = models.CharField(_("colour"), max_length=16, choices=Color.choices, blank=True)
    mileage_km = models.PositiveIntegerField(
        _("mileage, km"), null=True, blank=True, validators=[MaxValueValidator(2_000_000)]
    )
    options = models.JSONField(
        _("equipment"), default=list, blank=True, help_text=_("One item of equipment per line.")
    )
    owners_count = models.PositiveSmallIntegerField(
        _("owners"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
        help_text=_("A used car's previous owners."),
    )
    # What the dealership paid for a used car it bought (a trade-in), for margin reports;
    # staff only, never on the storefront or the public API.
    purchase_price = models.DecimalField(
        _("purchase price"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the dealership paid for this car, if it bought it."),
    )
    # Whether the showroom has a demo car of it to test-drive, as its events report
    # (`DemoCar`, catalog/handlers.py).
    test_drive_available = models.BooleanField(_("test drive"), default=False)
    # Where the car stands: a showroom of the group (the showroom app's, known here by its
    # events: `Location`), and that showroom's city, kept with it for the listing's facets.
    # Moved only by a transfer (`VehicleTransfer`, docs/showrooms.md "Where each car is").
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    # What the search reads, written with the product (catalog/search.py): the weighted
    # full-text vector (PostgreSQL only) and the phonetic key of its names.
    search_vector = SearchVectorField(null=True, editable=False)
    search_key = models.CharField(max_length=400, blank=True, editable=False)

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
            # One car, one VIN: a vehicle is a single unit, on the lot or not.
            models.CheckConstraint(
                condition=Q(kind=ProductKind.ACCESSORY) | Q(stock_quantity__lte=1),
                name="catalog_product_vehicle_is_one_unit",
                violation_error_message=_("A vehicle is one car: 0 or 1 in stock."),
            ),
            models.CheckConstraint(
                condition=Q(vin__isnull=True) | Q(kind=ProductKind.VEHICLE),
                name="catalog_product_vin_only_on_vehicles",
                violation_error_message=_("Only a vehicle has a VIN."),
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "-created_at"]),
            models.Index(fields=["make", "model"]),
            models.Index(fields=["price"]),
            models.Index(fields=["model_key"]),
            # The facets and the filters of the cars on sale (catalog.selectors.
            # vehicle_facets): read from this index alone, never from the wide rows.
            models.Index(
                fields=["body_type", "transmission", "color"],
                include=[
                    "make",
                    "model",
                    "fuel",
                    "drive",
                    "condition",
                    "price",
                    "year",
                    "mileage_km",
                    "power_hp",
                    "stock_quantity",
                    # Where it stands: the city and showroom facets (docs/showrooms.md).
                    "city",
                    "showroom_id",
                ],
                condition=Q(is_active=True, kind=ProductKind.VEHICLE),
                name="catalog_vehicle_facets",
            ),
            # The cars on the lot of one body type by price: a car's page reads the nearest
            # in price on either side (`selectors.vehicles_similar`).
            models.Index(
                fields=["body_type", "price"],
                condition=Q(is_active=True, kind=ProductKind.VEHICLE, stock_quantity__gt=0),
                name="catalog_vehicle_body_price",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def vin_to_be_entered(self) -> bool:
        """A car on the lot that cannot be ordered until a manager enters its VIN."""
        return self.kind == ProductKind.VEHICLE and not self.vin


def photo_path(photo: "ProductPhoto", filename: str) -> str:
    """Where a photo's served copy is stored: under its vehicle, named by the photo's id."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"products/{photo.product_id}/{photo.pk}.{extension}"


class ProductPhoto(TimestampedModel):
    """A photo of a vehicle: the checked copy of what was uploaded (common/images.py) and,
    once the task has made them, its WebP renditions by name (`thumb`, `card`, `large`)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("product")
    )
    image = models.FileField(_("image"), upload_to=photo_path, max_length=300)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    alt = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for a reader who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_primary = models.BooleanField(_("primary"), default=False)
    # Rendition name → {"name": storage name, "width": px, "height": px}.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["position", "created_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_primary=True),
                name="catalog_photo_one_primary_per_product",
            )
        ]

    def __str__(self):
        return self.alt or str(self.pk)


class Location(TimestampedModel):
    """A showroom of the group as the showroom's `showroom.*` events report it: the catalog
    places its cars in showrooms, names them in the listing's facets and checks a transfer's
    destination without reading the showroom (docs/showrooms.md)."""

    showroom_id = models.UUIDField(_("showroom"), primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    # Where buyers come and whom they call: what the classifieds' feeds state of each car
    # (docs/feeds.md).
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("open to buyers"))

    class Meta:
        verbose_name = _("showroom")
        verbose_name_plural = _("showrooms")
        ordering = ["city", "name"]

    def __str__(self):
        return f"{self.name} ({self.city})"


class VehicleTransfer(models.Model):
    """A car moved from one showroom to another: who moved it, when, from where, to where."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("vehicle")
    )
    from_showroom_id = models.UUIDField(_("from"), null=True, blank=True)
    to_showroom_id = models.UUIDField(_("to"))
    transferred_by_id = models.UUIDField(_("transferred by"))
    transferred_at = models.DateTimeField(_("transferred at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-transferred_at"]

    def __str__(self):
        return str(self.transferred_at)


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
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
