"""Models of the payments domain; they live in the `payments` database. Orders and users
belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.formatting import money
from common.models import (
    DecisionBase,
    IdempotencyKeyBase,
    InboxEventBase,
    OutboxEventBase,
    TimestampedModel,
)
from common.transitions import StatusField
from payments.choices import (
    NOTIFICATION_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    RECEIPT_TRANSITIONS,
    REFUND_TRANSITIONS,
    CardBrand,
    NotificationStatus,
    PayableKind,
    PaymentMethodType,
    PaymentStatus,
    Provider,
    ReceiptKind,
    ReceiptStatus,
    RefundStatus,
    TransactionType,
)


class Payable(TimestampedModel):
    """Something owed that payments settle (docs/deal.md, "Payables"): an order, a seat at a
    paid event or an insurance premium, by kind and id; a new kind needs no schema change.
    Who owes how much; its row is the lock that serialises the money moving against it, so
    that together it never exceeds the total."""

    payable_id = models.UUIDField(_("payable"), primary_key=True)
    payable_kind = models.CharField(
        _("payable kind"), max_length=16, choices=PayableKind.choices, default=PayableKind.ORDER
    )
    # The order it belongs to: the order itself, or a premium's order (None for a seat).
    order_id = models.UUIDField(_("order"), null=True, blank=True, db_index=True)
    # That order's showroom, noted with the payable: whose staff see the payments, refunds,
    # receipts and ledger rows of it (docs/showrooms.md, "Staff per showroom"). None: the
    # group's (a seat at an event, an order of accessories alone).
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    total_amount = models.DecimalField(_("total amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # Set by the cancellation saga: nothing more is charged, and a charge already under way
    # is refunded as soon as it completes.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The lender's approved loan that is to pay the rest (financing's events): customers'
    # payments may cover only what the loan leaves.
    financed_amount = models.DecimalField(
        _("financed amount"),
        help_text=_("What the lender's approved loan is to pay; customers pay the rest."),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
    )
    financed_as_of = models.DateTimeField(
        _("financed as of"), null=True, blank=True
    )  # the report it follows
    # An accepted trade-in's credit, expected until its inspection records it (tradein's
    # events): customers' payments may cover only what it leaves.
    trade_in_amount = models.DecimalField(
        _("trade-in credit expected"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    trade_in_as_of = models.DateTimeField(_("trade-in as of"), null=True, blank=True)
    # Grows with every change of what the payable has received; the events that report the
    # received amount carry it, so that its owner ignores a report older than one it has
    # already applied.
    captured_version = models.PositiveIntegerField(_("captured amount version"), default=0)

    class Meta:
        verbose_name = _("payable")
        verbose_name_plural = _("payables")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.payable_kind} {self.payable_id}: {self.total_amount} {self.currency}"


def configured_provider() -> str:
    return settings.PAYMENTS_PROVIDER


class Payment(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    payable_id = models.UUIDField(_("payable"), db_index=True)
    payable_kind = models.CharField(
        _("payable kind"), max_length=16, choices=PayableKind.choices, default=PayableKind.ORDER
    )
    customer_id = models.UUIDField(_("customer"), db_index=True)
    created_by_id = models.UUIDField(_("created by"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField(
        _("refunded amount"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethodType.choices)
    payment_method_id = models.UUIDField(
        _("saved card"),
        help_text=_("A card the payer saved, if paid with one."),
        null=True,
        blank=True,
    )  # a saved card of the payer
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = StatusField(
        _("status"), max_length=24, transitions=PAYMENT_TRANSITIONS, default=PaymentStatus.PENDING
    )
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    # The provider that takes it (PAYMENTS_PROVIDER when it was made) and its id there.
    provider = models.CharField(
        _("provider"), max_length=16, choices=Provider.choices, default=configured_provider
    )
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    # Where the customer confirms the payment while it requires their action.
    confirmation_url = models.URLField(
        _("confirmation URL"),
        help_text=_("Where the customer confirms the payment while it requires their action."),
        max_length=2000,
        blank=True,
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # Charge attempts, each recorded (committed) before the provider hears of it; while the
    # latest may still be under way, nothing fails the payment (payments.services.payments).
    provider_attempts = models.PositiveIntegerField(
        _("charge attempts"),
        help_text=_("Each recorded before the provider hears of it."),
        default=0,
    )
    charge_started_at = models.DateTimeField(_("charge started"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="payments_refunded_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return _("Payment %(number)s: %(amount)s, %(status)s") % {
            "number": str(self.pk)[:8],
            "amount": money(self.amount, self.currency),
            "status": self.get_status_display().lower(),
        }


class Refund(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    created_by_id = models.UUIDField(
        _("created by"), null=True, blank=True
    )  # None: the system (a saga)
    status = StatusField(
        _("status"), max_length=20, transitions=REFUND_TRANSITIONS, default=RefundStatus.PENDING
    )
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive")
        ]

    def __str__(self):
        return _("Refund %(number)s: %(amount)s, %(status)s") % {
            "number": str(self.pk)[:8],
            "amount": money(self.amount),
            "status": self.get_status_display().lower(),
        }


class RefundApproval(DecisionBase):
    """Staff's decisions on a refund: the request above the threshold is the first approval,
    and a second staff member's decides it (common/four_eyes.py)."""

    refund = models.ForeignKey(
        Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(DecisionBase.Meta):
        verbose_name = _("refund decision")
        verbose_name_plural = _("refund decisions")


class LedgerTransaction(TimestampedModel):
    """One row per money movement, signed: what a payable receives is positive (a charge, the
    lender's disbursement), what goes back negative (a refund, the loan returned). The rows
    of a payment sum to its net amount; the rows of a payable, to what it holds. The lender's
    rows have no payment: `loan_application_id` names the loan, once per type."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.PROTECT,
        related_name="transactions",
        null=True,
        blank=True,
    )
    loan_application_id = models.UUIDField(_("loan application"), null=True, blank=True)
    trade_in_id = models.UUIDField(_("trade-in"), null=True, blank=True)
    # What the dealership's cash desk took, as its accounting (1C) reported it (docs/1c.md).
    desk_payment = models.OneToOneField(
        "payments.DeskPayment",
        verbose_name=_("cash desk payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entry",
    )
    payable_id = models.UUIDField(_("payable"), db_index=True)
    payable_kind = models.CharField(
        _("payable kind"), max_length=16, choices=PayableKind.choices, default=PayableKind.ORDER
    )
    customer_id = models.UUIDField(_("customer"), db_index=True)
    type = models.CharField(_("type"), max_length=24, choices=TransactionType.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # The charge's or refund's id at the provider: what reconciliation matches on.
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan_application_id", "type"],
                condition=Q(loan_application_id__isnull=False),
                name="payments_ledger_loan_once",
            ),
            models.UniqueConstraint(
                fields=["trade_in_id"],
                condition=Q(trade_in_id__isnull=False),
                name="payments_ledger_trade_in_once",
            ),
            models.CheckConstraint(
                condition=Q(payment__isnull=False)
                | Q(loan_application_id__isnull=False)
                | Q(trade_in_id__isnull=False)
                | Q(desk_payment__isnull=False),
                name="payments_ledger_has_source_or_trade_in",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()}: {money(self.amount, self.currency)}"


class Receipt(TimestampedModel):
    """A fiscal receipt (54-FZ) as it was sent to the provider, recorded before the provider
    hears of it (docs/payments.md, "Fiscal receipts"). Only its registration (`status`, and
    the provider's id of it) changes afterwards. A payment's receipt goes with its charge, a
    refund's with its refund; a settlement is registered on its own, against `payment`, the
    last charge that prepaid the goods it closes."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ReceiptKind.choices)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="receipts"
    )
    refund = models.OneToOneField(
        Refund,
        verbose_name=_("refund"),
        on_delete=models.PROTECT,
        related_name="receipt",
        null=True,
        blank=True,
    )
    payable_id = models.UUIDField(_("payable"), db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    status = StatusField(
        _("status"), max_length=16, transitions=RECEIPT_TRANSITIONS, default=ReceiptStatus.PENDING
    )
    # Who issues it (54-FZ): the legal entity that sells from the payable's showroom, as it
    # was when the receipt was first sent (docs/showrooms.md, "Documents").
    seller_name = models.CharField(_("seller"), max_length=200, blank=True)
    seller_inn = models.CharField(_("seller's INN"), max_length=12, blank=True)
    seller_address = models.CharField(_("seller's address"), max_length=500, blank=True)
    # Where the receipt goes: the customer's e-mail, or their phone without one.
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # As sent: description, quantity, price (per unit), vat_code, payment_subject, payment_mode.
    lines = models.JSONField(_("lines"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    # A settlement's: the prepayments it closes (its total, to the kopeck).
    prepaid = models.DecimalField(
        _("prepayments closed"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("fiscal receipt")
        verbose_name_plural = _("fiscal receipts")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="payments_receipt_positive"),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(kind=ReceiptKind.PAYMENT),
                name="payments_receipt_once_per_payment",
            ),
            models.UniqueConstraint(
                fields=["payable_id"],
                condition=Q(kind=ReceiptKind.SETTLEMENT),
                name="payments_receipt_one_settlement",
            ),
        ]

    def __str__(self):
        return _("Receipt %(number)s: %(kind)s, %(total)s") % {
            "number": str(self.pk)[:8],
            "kind": self.get_kind_display().lower(),
            "total": money(self.total, self.currency),
        }


class PaymentIdempotencyKey(IdempotencyKeyBase):
    """A payer's `Idempotency-Key`; `resource_id` is the payment."""

    class Meta(IdempotencyKeyBase.Meta):
        verbose_name = _("payment idempotency key")
        verbose_name_plural = _("payment idempotency keys")


class SavedPaymentMethod(TimestampedModel):
    """A saved card, as little of it as can identify it: never the full number."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    owner_id = models.UUIDField(_("owner"), db_index=True)
    brand = models.CharField(_("brand"), max_length=16, choices=CardBrand.choices)
    last4 = models.CharField(_("last four digits"), max_length=4)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"))
    exp_year = models.PositiveSmallIntegerField(_("expiry year"))
    holder_name = models.CharField(_("holder name"), max_length=100)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last4__regex=r"^[0-9]{4}$"), name="payments_last4_digits"
            ),
            models.CheckConstraint(
                condition=Q(exp_month__gte=1, exp_month__lte=12), name="payments_exp_month_valid"
            ),
        ]

    def __str__(self):
        return f"{self.brand} •••• {self.last4}"


class ProviderNotification(TimestampedModel):
    """A notification from the payment provider, once per the provider's event id: the
    provider's inbox (docs/payments.md, "Notifications"). Only what it says about the object
    is kept (`claims`), never the body, which may carry the cardholder's details."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    event_id = models.CharField(_("provider's event id"), max_length=200)
    event_type = models.CharField(_("event type"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, help_text=_("Charge or refund.")
    )  # charge or refund
    reference = models.CharField(
        _("reference at the provider"), max_length=100
    )  # the object's id at the provider
    ours = models.CharField(
        _("our id"), max_length=100, blank=True
    )  # our payment or refund id, if given
    claims = models.JSONField(
        _("what it says"),
        help_text=_("What the notification says about the object; never its body."),
        null=True,
        blank=True,
    )
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=NOTIFICATION_TRANSITIONS,
        default=NotificationStatus.RECEIVED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_notification_once"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.provider} {self.event_type} {self.reference}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""


# The cash desk's payments live in a module of their own (payments/models/desk.py).
from payments.models.desk import DeskPayment, DeskPaymentDecision  # noqa: E402, F401
