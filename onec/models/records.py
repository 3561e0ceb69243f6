"""What ties 1C's records to the site's: the mappings staff keep in the admin (groups,
properties, warehouses, price types, order statuses) and each of 1C's goods as the site knows
it (docs/1c.md, "Mapping")."""

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from common.models import TimestampedModel
from onec.choices import GoodKind, GroupTarget, SpecField


class GroupMapping(TimestampedModel):
    """One of 1C's groups of goods: where its goods go, and in the catalog, to which category;
    by 1C's id, or until 1C has sent it, by its name. A group 1C sends that is not here yet is
    added, with a category of its own name."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    onec_id = models.CharField(_("1C's id"), max_length=100, blank=True)
    name = models.CharField(_("1C's name"), max_length=200)
    target = models.CharField(
        _("goes to"), max_length=16, choices=GroupTarget.choices, default=GroupTarget.CATALOG
    )
    category_id = models.UUIDField(_("category"), null=True, blank=True)

    class Meta:
        verbose_name = _("1C group")
        verbose_name_plural = _("1C groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["onec_id"], condition=~models.Q(onec_id=""), name="onec_group_id_once"
            ),
        ]

    def __str__(self):
        return self.name


class PropertyMapping(TimestampedModel):
    """A property of 1C's goods, by its name, and the vehicle's field it fills: the names 1C's
    dealer configurations give (VIN, Марка, Модель, Год выпуска, Цвет, Пробег …)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("1C's property"), max_length=200)
    field = models.CharField(_("vehicle's field"), max_length=16, choices=SpecField.choices)

    class Meta:
        verbose_name = _("1C property")
        verbose_name_plural = _("1C properties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="onec_property_name_once"),
        ]

    def __str__(self):
        return f"{self.name} → {self.get_field_display()}"


class WarehouseMapping(TimestampedModel):
    """One of 1C's warehouses and the showroom whose stock it is: by 1C's id, or until 1C
    has sent it, by its name."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    onec_id = models.CharField(_("1C's id"), max_length=100, blank=True)
    name = models.CharField(_("1C's name"), max_length=200)
    showroom_id = models.UUIDField(_("showroom"))

    class Meta:
        verbose_name = _("1C warehouse")
        verbose_name_plural = _("1C warehouses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["onec_id"],
                condition=~models.Q(onec_id=""),
                name="onec_warehouse_id_once",
            ),
            models.UniqueConstraint(Lower("name"), name="onec_warehouse_name_once"),
        ]

    def __str__(self):
        return self.name


class PriceTypeMapping(TimestampedModel):
    """The price type of 1C's that is the site's retail price, by 1C's id or its name."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    onec_id = models.CharField(_("1C's id"), max_length=100, blank=True)
    name = models.CharField(_("1C's name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("1C retail price type")
        verbose_name_plural = _("1C retail price types")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StatusMapping(TimestampedModel):
    """An order's status and 1C's name for it, both ways: the status a name 1C sends back moves
    the order to, and the name the orders' file gives (of several names of one status, the
    first made)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(_("order status"), max_length=16)
    onec_name = models.CharField(_("1C's name"), max_length=100)

    class Meta:
        verbose_name = _("1C order status")
        verbose_name_plural = _("1C order statuses")
        ordering = ["status", "created_at"]
        constraints = [models.UniqueConstraint(Lower("onec_name"), name="onec_status_name_once")]

    def __str__(self):
        return f"{self.status} ↔ {self.onec_name}"


class Good(TimestampedModel):
    """One of 1C's goods as the site knows it: the product or part it is, and a digest of what
    was last applied of it, so that the same file again changes nothing."""

    onec_id = models.CharField(_("1C's id"), max_length=100, primary_key=True)
    kind = models.CharField(_("kind"), max_length=16, choices=GoodKind.choices)
    name = models.CharField(_("name"), max_length=300, blank=True)
    product_id = models.UUIDField(_("product"), null=True, blank=True, unique=True)
    part_id = models.UUIDField(_("part"), null=True, blank=True, unique=True)
    import_digest = models.CharField(max_length=32, blank=True, editable=False)
    offer_digest = models.CharField(max_length=32, blank=True, editable=False)
    # Priced by an offer at least once: a product comes on sale only then.
    priced = models.BooleanField(_("priced"), default=False)

    class Meta:
        verbose_name = _("1C good")
        verbose_name_plural = _("1C goods")
        ordering = ["name"]

    def __str__(self):
        return self.name or self.onec_id


class OrderExport(TimestampedModel):
    """An order as 1C last confirmed it: the change it was sent at, and when 1C said success."""

    order_id = models.UUIDField(_("order"), primary_key=True)
    session = models.ForeignKey(
        "onec.ExchangeSession",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="exports",
    )
    sent_version = models.DateTimeField(_("sent as of"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("order sent to 1C")
        verbose_name_plural = _("orders sent to 1C")
        ordering = ["-sent_version"]

    def __str__(self):
        return str(self.order_id)
