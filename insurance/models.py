"""Models of the insurance domain; they live in the `insurance` database (see common/db/databases.py).
Orders and users belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

import uuid
from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formatting import money
from common.models import DecisionBase, InboxEventBase, OutboxEventBase, TimestampedModel
from common.transitions import StatusField
from insurance.choices import (
    CLAIM_TRANSITIONS,
    POLICY_TRANSITIONS,
    QUOTE_TRANSITIONS,
    ClaimStatus,
    InsuranceType,
    PolicyStatus,
    QuoteStatus,
)


class Quote(TimestampedModel):
    """A priced offer for one order's vehicle, with the inputs, every factor applied (name,
    value, source) and the ruleset version, so that it can be explained later."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField(_("order"), db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    # The showroom that sells its order (docs/showrooms.md, "Staff per showroom"): whose
    # staff see it. None: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    created_by_id = models.UUIDField(_("created by"))
    # The vehicle on the order (a catalog product), as the catalog described it and the order
    # priced it: never typed by the customer.
    product_id = models.UUIDField(_("vehicle (catalog product)"), null=True, blank=True)
    vehicle_price = models.DecimalField(
        _("vehicle price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    insurance_type = models.CharField(
        _("insurance type"), max_length=8, choices=InsuranceType.choices
    )
    coverage_amount = models.DecimalField(_("coverage amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    vehicle_make = models.CharField(_("vehicle make"), max_length=60)
    vehicle_model = models.CharField(_("vehicle model"), max_length=60)
    vehicle_year = models.PositiveSmallIntegerField(_("vehicle year"))
    vehicle_vin = models.CharField(_("VIN"), max_length=17)
    driver_age = models.PositiveSmallIntegerField(_("driver's age"), null=True, blank=True)
    driver_experience_years = models.PositiveSmallIntegerField(
        _("driver's experience, years"), null=True, blank=True
    )
    unlimited_drivers = models.BooleanField(
        _("any driver"), help_text=_("Anyone may drive the vehicle.")
    )
    # OSAGO inputs; stored for every quote, used by OSAGO pricing only.
    engine_power_hp = models.PositiveSmallIntegerField(_("engine power, hp"), null=True, blank=True)
    territory = models.CharField(_("territory"), max_length=32)
    period_months = models.PositiveSmallIntegerField(_("period, months"))
    bonus_malus_class = models.CharField(_("bonus-malus class"), max_length=2)
    premium = models.DecimalField(_("premium"), max_digits=14, decimal_places=2)
    coefficients = models.JSONField(
        _("coefficients"), help_text=_("Every factor applied: name, value and source, in order.")
    )  # [{"code", "name", "value", "source"}], in order
    ruleset_version = models.CharField(_("ruleset version"), max_length=40)
    valid_until = models.DateTimeField(_("valid until"))
    status = StatusField(
        _("status"), max_length=16, transitions=QUOTE_TRANSITIONS, default=QuoteStatus.QUOTED
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_amount__gt=0), name="insurance_quote_coverage_positive"
            ),
            models.CheckConstraint(
                condition=Q(premium__gt=0), name="insurance_quote_premium_positive"
            ),
        ]
        indexes = [models.Index(fields=["order_id", "status"])]

    def __str__(self):
        return _("%(type)s quote: %(premium)s") % {
            "type": self.get_insurance_type_display(),
            "premium": money(self.premium, self.currency),
        }

    @property
    def is_expired(self) -> bool:
        return self.status == QuoteStatus.QUOTED and self.valid_until <= timezone.now()


class Policy(TimestampedModel):
    """A bought quote. It covers `start_date` to `end_date`, both days included."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    # One policy per quote, in the database: a quote bought twice at once fails here.
    quote = models.OneToOneField(
        Quote, verbose_name=_("quote"), on_delete=models.PROTECT, related_name="policy"
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    order_id = models.UUIDField(_("order"), db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    # The showroom that sells its order (docs/showrooms.md, "Staff per showroom"): whose
    # staff see it. None: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    insurance_type = models.CharField(
        _("insurance type"), max_length=8, choices=InsuranceType.choices
    )
    coverage_amount = models.DecimalField(_("coverage amount"), max_digits=14, decimal_places=2)
    premium = models.DecimalField(_("premium"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = StatusField(
        _("status"),
        max_length=16,
        transitions=POLICY_TRANSITIONS,
        default=PolicyStatus.PENDING_PAYMENT,
    )
    # The premium is paid through payments (a payable of kind `policy`) by this time, or the
    # policy lapses; what was paid, and when, as payments reported it.
    payment_due_by = models.DateTimeField(
        _("payment due by"),
        help_text=_("The policy lapses if its premium is not paid by then."),
        null=True,
        blank=True,
    )
    premium_paid = models.DecimalField(
        _("premium paid"), max_digits=14, decimal_places=2, default=0
    )
    paid_version = models.PositiveIntegerField(_("paid amount version"), default=0)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # The cover starts once both the premium and the car are paid for (docs/deal.md,
    # "Insurance"): a policy can be bought before the lender pays for the car.
    car_paid_at = models.DateTimeField(_("car paid"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    cancelled_on = models.DateField(
        _("cancelled on"), help_text=_("The last day it covered."), null=True, blank=True
    )  # the last day it covered
    cancelled_by_id = models.UUIDField(_("cancelled by"), null=True, blank=True)
    cancellation_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    refund_amount = models.DecimalField(
        _("refund amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    @property
    def cover_starts_on(self) -> date | None:
        """The first day covered: None until both the premium and the car are paid for."""
        if self.paid_at is None or self.car_paid_at is None:
            return None
        return self.start_date

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="insurance_policy_period"
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True)
                | Q(refund_amount__gte=0, refund_amount__lte=F("premium_paid")),
                name="insurance_policy_refund_within_paid",
            ),
        ]

    def __str__(self):
        return _("Policy %(number)s") % {"number": self.number}


class Claim(TimestampedModel):
    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="claims"
    )
    order_id = models.UUIDField(_("order"), db_index=True)
    customer_id = models.UUIDField(_("customer"), db_index=True)
    # The showroom that sells its order (docs/showrooms.md, "Staff per showroom"): whose
    # staff see it. None: the group's.
    showroom_id = models.UUIDField(_("showroom"), null=True, blank=True, db_index=True)
    filed_by_id = models.UUIDField(_("filed by"))
    incident_date = models.DateField(_("incident date"))
    description = models.TextField(_("description"), max_length=5000)
    amount_claimed = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2)
    amount_approved = models.DecimalField(
        _("amount approved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3)
    status = StatusField(
        _("status"), max_length=16, transitions=CLAIM_TRANSITIONS, default=ClaimStatus.FILED
    )
    decision_reason = models.CharField(_("decision reason"), max_length=500, blank=True)
    decided_by_id = models.UUIDField(_("decided by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_claimed__gt=0), name="insurance_claim_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True)
                | Q(amount_approved__gt=0, amount_approved__lte=F("amount_claimed")),
                name="insurance_claim_approved_within_claimed",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return _("Claim %(number)s: %(amount)s, %(status)s") % {
            "number": str(self.pk)[:8],
            "amount": money(self.amount_claimed, self.currency),
            "status": self.get_status_display().lower(),
        }


class ClaimDecisionRecord(DecisionBase):
    """Staff's decisions on a claim, first approvals included (common/four_eyes.py)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="decisions"
    )

    class Meta(DecisionBase.Meta):
        verbose_name = _("claim decision")
        verbose_name_plural = _("claim decisions")


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
