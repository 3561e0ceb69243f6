"""Models of the orders domain; they live in the `orders` database. Customers and products
belong to other databases: they are referenced by id, with a snapshot of what must not
change later (docs/architecture.md §3.1)."""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from common.db.numbers import number_field
from common.models import IdempotencyKeyBase, InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from orders.choices import ORDER_TRANSITIONS, LinkKind, OrderStatus, link_status_words


class Order(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    # What the buyer reads and says on the phone; `id` stays the API's (common.db.numbers).
    number = number_field("А", "orders_order_number")
    customer_id = models.UUIDField(_("customer ID"), db_index=True)
    customer_email = models.CharField(
        _("customer e-mail"),
        max_length=254,
        blank=True,
        help_text=_("As the customer's account had it when last synced."),
    )
    customer_name = models.CharField(
        _("customer name"),
        max_length=200,
        blank=True,
        help_text=_("As the customer's account had it when last synced."),
    )
    # When the accounts data in the snapshot was last updated, so that a late `user.updated`
    # never overwrites a newer one; a scrubbed snapshot stays scrubbed.
    customer_synced_at = models.DateTimeField(_("customer synced at"), null=True, blank=True)
    customer_scrubbed = models.BooleanField(
        _("customer data erased"),
        default=False,
        help_text=_("The customer's name and e-mail were erased at their request."),
    )
    # The showroom that sells it, its car's when the order was placed (the showroom
    # database's id); none for accessories alone: the group's (docs/showrooms.md, "Staff per
    # showroom").
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=ORDER_TRANSITIONS,
        default=OrderStatus.PENDING,
        db_index=True,
    )
    currency = models.CharField(_("currency"), max_length=3)
    total_quantity = models.PositiveIntegerField(_("units"), default=0)
    total_amount = models.DecimalField(
        _("total"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    paid_amount = models.DecimalField(
        _("paid"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Captured payments less refunds, and the loan once disbursed."),
    )
    # The dealer's credit discount the order's loan earned through a partner bank, already
    # out of `total_amount`; back in if the loan is not taken (docs/deal.md, "The credit
    # discount").
    credit_discount = models.DecimalField(
        _("credit discount"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    credit_discount_name = models.CharField(_("credit discount's name"), max_length=150, blank=True)
    credit_discount_loan_id = models.UUIDField(
        _("credit discount's loan application"), null=True, blank=True
    )
    # The version of payments' report that `paid_amount` comes from (`payment.completed`,
    # `payment.refunded`): an older report, delivered late, changes nothing.
    paid_version = models.PositiveIntegerField(_("paid amount version"), default=0)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # Where the buyer came from (docs/feeds.md, "Sources"): `choices.source_of` the visit's
    # UTM tags and referrer, kept whole in `attribution`.
    source = models.CharField(_("source"), max_length=40, default="direct", db_index=True)
    attribution = models.JSONField(_("campaign and referrer"), default=dict, blank=True)
    # Grows with every change, so that a live client can notice a missed update.
    sequence = models.PositiveIntegerField(
        _("sequence"),
        default=1,
        help_text=_("Grows with every change of the order; the live feed checks it."),
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__gte=0), name="orders_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0), name="orders_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(credit_discount__gte=0), name="orders_credit_discount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["customer_id", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self):
        return _("Order %(number)s [%(status)s]") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    @cached_property
    def line_items(self) -> list["OrderItem"]:
        """The items, read once (from a prefetch when there is one). A service that has just
        written them sets this instead of reading them back."""
        return list(self.items.all())

    @cached_property
    def link_items(self) -> list["OrderLink"]:
        """The links, read once, like `line_items`; a new order sets it to []."""
        return list(self.links.all())


class OrderItem(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order")
    )
    product_id = models.UUIDField(_("product ID"))
    product_name = models.CharField(_("product"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=14, decimal_places=2)
    # The product had a VIN when it was ordered: a vehicle, held and limited by rules of its
    # own (docs/operations.md, "Unpaid orders").
    is_vehicle = models.BooleanField(
        _("vehicle"), default=False, help_text=_("The product had a VIN when it was ordered.")
    )

    class Meta:
        ordering = ["product_name", "id"]
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "product_id"], name="orders_item_unique_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="orders_item_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"


class OrderStatusHistory(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="history", verbose_name=_("order")
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=OrderStatus.choices)
    changed_by_id = models.UUIDField(_("changed by"), null=True, blank=True)
    changed_by_role = models.CharField(_("role of who changed it"), max_length=16)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at"]
        # When orders reached a status: the dashboard's and the sales report's "sold" is the
        # move to paid (orders/selectors/dashboard.py), read by date over the whole history.
        indexes = [
            models.Index(fields=["to_status", "created_at", "order"], name="orders_history_reached")
        ]
        verbose_name = _("order status change")
        verbose_name_plural = _("order status history")

    def __str__(self):
        return f"{self.get_from_status_display() or '∅'} → {self.get_to_status_display()}"


class OrderLink(TimestampedModel):
    """A payment, loan application or policy of the order in the state its own domain last
    reported through an event; the order never reads the other database
    (docs/architecture.md §3.4)."""

    id = models.BigAutoField(_("ID"), primary_key=True)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="links", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=LinkKind.choices)
    reference_id = models.UUIDField(_("record ID"))
    status = models.CharField(_("status"), max_length=32)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # A payment's: how much of it has gone back, as its refunds' ledger rows sum.
    refunded_amount = models.DecimalField(
        _("refunded"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # When the reported change happened, so that a late event never overwrites a newer one.
    reported_at = models.DateTimeField(_("reported"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "reference_id"], name="orders_link_once"
            )
        ]

    def __str__(self):
        status = link_status_words(self.kind, self.status)
        return f"{self.get_kind_display()} {str(self.reference_id)[:8]}: {status}"


class OrderIdempotencyKey(IdempotencyKeyBase):
    """A client's `Idempotency-Key` on order creation; `resource_id` is the order."""

    class Meta(IdempotencyKeyBase.Meta):
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
