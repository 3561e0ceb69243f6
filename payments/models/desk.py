"""Payments the dealership's own cash desk took, as its accounting (1C) reports them
(docs/1c.md, "Payments"): one per document of 1C's, in the ledger at once or, above
PAYMENTS_DESK_SECOND_APPROVAL_ABOVE, once two staff members approve it."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import DecisionBase, TimestampedModel
from common.transitions import StatusField
from payments.choices import DESK_PAYMENT_TRANSITIONS, DeskPaymentStatus, DeskSource


class DeskPayment(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(_("reported by"), max_length=8, choices=DeskSource.choices)
    document_number = models.CharField(_("document number"), max_length=64)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    order_id = models.UUIDField(_("order"), db_index=True)
    customer_id = models.UUIDField(_("customer"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = StatusField(
        _("status"), max_length=24, transitions=DESK_PAYMENT_TRANSITIONS,
        default=DeskPaymentStatus.RECORDED,
    )  # fmt: skip

    class Meta:
        verbose_name = _("cash desk payment")
        verbose_name_plural = _("cash desk payments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "document_number"], name="payments_desk_document_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_desk_amount"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.document_number}"


class DeskPaymentDecision(DecisionBase):
    """Staff's decisions on a desk payment above the threshold (common/four_eyes.py)."""

    desk_payment = models.ForeignKey(
        DeskPayment, verbose_name=_("cash desk payment"), on_delete=models.CASCADE,
        related_name="decisions",
    )  # fmt: skip

    class Meta(DecisionBase.Meta):
        verbose_name = _("cash desk payment decision")
        verbose_name_plural = _("cash desk payment decisions")
