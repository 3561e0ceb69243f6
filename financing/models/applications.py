"""Loan applications, their decisions and schedules (docs/deal.md, "The loan"), and the
outbox and inbox of the financing domain."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.formatting import money
from common.models import DecisionBase, InboxEventBase, OutboxEventBase, TimestampedModel
from common.money import MAX_DIGITS
from common.transitions import StatusField
from financing.choices import (
    APPLICATION_TRANSITIONS,
    OPEN_STATUSES,
    EmploymentStatus,
    FinancingType,
)
from financing.rates import MAX_TERM_MONTHS, MIN_TERM_MONTHS


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


class LoanApplication(TimestampedModel):
    """A loan or lease for an order, as scored when it was made: the rate, payment and
    decision are kept with the rate table version that gave them."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(_("order"), db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    # The showroom that sells its order (docs/showrooms.md, "Staff per showroom"): whose
    # staff see it. None: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    financing_type = models.CharField(
        _("financing type"), max_length=16, choices=FinancingType.choices
    )
    employment_status = models.CharField(
        _("employment status"), max_length=16, choices=EmploymentStatus.choices
    )
    vehicle_price = _money(_("vehicle price"))
    down_payment = _money(_("down payment"))
    loan_amount = _money(_("loan amount"))
    currency = models.CharField(_("currency"), max_length=3)
    term_months = models.PositiveSmallIntegerField(_("term, months"))
    monthly_income = _money(_("monthly income"))
    existing_monthly_debts = _money(_("existing monthly debts"))
    annual_rate = models.DecimalField(
        _("annual rate, %"), max_digits=5, decimal_places=2
    )  # percent
    monthly_payment = _money(_("monthly payment"))
    total_interest = _money(_("total interest"))
    debt_to_income = models.DecimalField(
        _("debt-to-income, %"),
        help_text=_("Monthly debts with the new payment, as a share of monthly income."),
        max_digits=20,
        decimal_places=2,
    )  # percent
    rate_table_version = models.CharField(_("rate table version"), max_length=32)
    status = StatusField(_("status"), max_length=16, transitions=APPLICATION_TRANSITIONS)
    reasons = models.JSONField(
        _("reasons"), default=list, help_text=_("Why it is in its status, oldest first.")
    )  # why it is in its status, oldest first
    decided_by_id = models.UUIDField(
        _("decided by"), null=True, blank=True
    )  # the manager, when staff decided
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # What the order has received, as payments last reported it (and that report's version):
    # the approved loan goes to the lender once the down payment is in (docs/deal.md).
    order_paid_amount = _money(
        _("paid on the order"),
        help_text=_("What the order has received, as payments last reported it."),
        default=0,
    )
    order_paid_version = models.PositiveIntegerField(_("paid amount version"), default=0)
    # The order's accepted trade-in, a credit it expects but has not received yet (the
    # inspection records it as money): it counts in the down payment (docs/tradein.md).
    trade_in_credit = _money(
        _("trade-in credit"),
        help_text=_("The accepted trade-in the order expects, counted in the down payment."),
        default=0,
    )
    trade_in_as_of = models.DateTimeField(_("trade-in reported"), null=True, blank=True)
    # Partner banks (docs/financing.md): asked for offers, the buyer's declared first car (a
    # state programme's rule), the bank whose offer the buyer chose and its full cost.
    asks_banks = models.BooleanField(_("asks partner banks"), default=False)
    first_car = models.BooleanField(_("first car"), default=False)
    bank = models.ForeignKey(
        "Bank", verbose_name=_("bank"), on_delete=models.PROTECT, null=True, blank=True
    )
    full_cost_percent = models.DecimalField(
        _("full cost of credit, %"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    full_cost_amount = _money(_("full cost of credit"), null=True, blank=True)
    # The dealer's credit discount taken when it went to the banks: already out of the
    # vehicle price and the loan (docs/financing.md, "The credit discount").
    credit_discount = _money(_("credit discount"), default=0)
    credit_discount_name = models.CharField(_("credit discount's name"), max_length=150, blank=True)
    # The lender (FINANCING_LENDER when it was sent, or the chosen bank's adapter) and its
    # reference for the loan.
    lender = models.CharField(_("lender"), max_length=16, blank=True)
    lender_reference = models.CharField(_("lender reference"), max_length=100, blank=True)
    sent_to_lender_at = models.DateTimeField(_("sent to the lender"), null=True, blank=True)
    # The disbursement, once: its reference at the lender (or the bank transfer's, recorded
    # by staff), and who recorded it (None: the lender's adapter).
    disbursement_reference = models.CharField(
        _("disbursement reference"), max_length=100, null=True, blank=True, unique=True
    )
    disbursed_at = models.DateTimeField(_("disbursed"), null=True, blank=True)
    disbursed_by_id = models.UUIDField(_("disbursed by"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)

    class Meta:
        verbose_name = _("loan application")
        verbose_name_plural = _("loan applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order_id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="financing_one_open_application_per_order",
            ),
            models.CheckConstraint(
                condition=Q(down_payment__gte=0) & Q(down_payment__lt=F("vehicle_price")),
                name="financing_down_payment_below_price",
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=MIN_TERM_MONTHS, term_months__lte=MAX_TERM_MONTHS),
                name="financing_term_in_range",
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gt=0), name="financing_income_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return _("Loan application %(number)s: %(amount)s, %(status)s") % {
            "number": str(self.pk)[:8],
            "amount": money(self.loan_amount, self.currency),
            "status": self.get_status_display().lower(),
        }


class ApplicationDecision(DecisionBase):
    """Staff's decisions on an application, first approvals included (common/four_eyes.py),
    and the disbursements they record by hand, with the lender's reference."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("loan application"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    reference = models.CharField(_("disbursement reference"), max_length=100, blank=True)

    class Meta(DecisionBase.Meta):
        verbose_name = _("application decision")
        verbose_name_plural = _("application decisions")


class LoanInstallment(TimestampedModel):
    """One row of an application's annuity schedule (see financing/annuity.py)."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("loan application"),
        on_delete=models.CASCADE,
        related_name="installments",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    payment = _money(_("payment"))
    principal = _money(_("principal"))
    interest = _money(_("interest"))
    balance = _money(_("balance"))

    class Meta:
        verbose_name = _("loan installment")
        verbose_name_plural = _("loan installments")
        ordering = ["application_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="financing_installment_once"
            )
        ]

    def __str__(self):
        return f"#{self.number} due {self.due_date}: {self.payment}"


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
