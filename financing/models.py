"""Models of the financing domain; they live in the `financing` database (see common/databases.py).
Orders and users belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.models import DecisionBase, InboxEventBase, OutboxEventBase, TimestampedModel
from common.money import MAX_DIGITS
from financing.choices import OPEN_STATUSES, ApplicationStatus, EmploymentStatus, FinancingType
from financing.rates import MAX_TERM_MONTHS, MIN_TERM_MONTHS


def _money(**kwargs):
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


class LoanApplication(TimestampedModel):
    """A loan or lease for an order, as scored when it was made: the rate, payment and
    decision are kept with the rate table version that gave them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(db_index=True)
    customer_id = models.UUIDField(db_index=True)
    financing_type = models.CharField(max_length=16, choices=FinancingType.choices)
    employment_status = models.CharField(max_length=16, choices=EmploymentStatus.choices)
    vehicle_price = _money()
    down_payment = _money()
    loan_amount = _money()
    currency = models.CharField(max_length=3)
    term_months = models.PositiveSmallIntegerField()
    monthly_income = _money()
    existing_monthly_debts = _money()
    annual_rate = models.DecimalField(max_digits=5, decimal_places=2)  # percent
    monthly_payment = _money()
    total_interest = _money()
    debt_to_income = models.DecimalField(max_digits=20, decimal_places=2)  # percent
    rate_table_version = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices)
    reasons = models.JSONField(default=list)  # why it is in its status, oldest first
    decided_by_id = models.UUIDField(null=True, blank=True)  # the manager, when staff decided
    decided_at = models.DateTimeField(null=True, blank=True)
    # What the order has received, as payments last reported it (and that report's version):
    # the approved loan goes to the lender once the down payment is in (docs/deal.md).
    order_paid_amount = _money(default=0)
    order_paid_version = models.PositiveIntegerField(default=0)
    # The lender (FINANCING_LENDER when it was sent) and its reference for the loan.
    lender = models.CharField(max_length=16, blank=True)
    lender_reference = models.CharField(max_length=100, blank=True)
    sent_to_lender_at = models.DateTimeField(null=True, blank=True)
    # The disbursement, once: its reference at the lender (or the bank transfer's, recorded
    # by staff), and who recorded it (None: the lender's adapter).
    disbursement_reference = models.CharField(max_length=100, null=True, blank=True, unique=True)
    disbursed_at = models.DateTimeField(null=True, blank=True)
    disbursed_by_id = models.UUIDField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

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
        return f"Application {str(self.pk)[:8]}: {self.loan_amount} {self.currency} [{self.status}]"


class ApplicationDecision(DecisionBase):
    """Staff's decisions on an application, first approvals included (common/four_eyes.py)."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(DecisionBase.Meta):
        pass


class LoanInstallment(TimestampedModel):
    """One row of an application's annuity schedule (see financing/annuity.py)."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="installments"
    )
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    payment = _money()
    principal = _money()
    interest = _money()
    balance = _money()

    class Meta:
        ordering = ["application_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="financing_installment_once"
            )
        ]

    def __str__(self):
        return f"#{self.number} due {self.due_date}: {self.payment}"


class OutboxEvent(OutboxEventBase):
    class Meta(OutboxEventBase.Meta):
        pass


class InboxEvent(InboxEventBase):
    class Meta(InboxEventBase.Meta):
        pass
