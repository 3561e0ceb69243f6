"""Models of the financing domain; they live in the `financing` database (see common/db/databases.py).
Orders and users belong to other databases and are referenced by id (docs/architecture.md §3.1)."""

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
    OFFER_TRANSITIONS,
    OPEN_STATUSES,
    BankAdapter,
    EmploymentStatus,
    FinancingType,
    VehicleCondition,
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


class Bank(TimestampedModel):
    """A partner bank: how applications reach it and its answers come back (its adapter and
    settings), and the programmes it lends under (docs/financing.md, "Banks")."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        help_text=_("As the buyer's consent names it: «Банк ВТБ (ПАО)», INN 7702070139."),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    logo = models.FileField(_("logo"), upload_to="banks/", blank=True)
    adapter = models.CharField(_("adapter"), max_length=8, choices=BankAdapter.choices)
    endpoint = models.URLField(
        _("endpoint"), blank=True, help_text=_("Where the HTTP adapter sends applications.")
    )
    secret = models.CharField(
        _("callback secret"),
        max_length=128,
        blank=True,
        help_text=_("The key of the HMAC the bank signs its answers with (HTTP adapter)."),
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("request timeout, s"), default=10)
    answer_within_minutes = models.PositiveIntegerField(
        _("answers within, minutes"),
        default=24 * 60,
        help_text=_("An application still unanswered after this is marked as not answered."),
    )
    # The demo adapter's own rules (docs/financing.md, "Demo banks"), empty for the others.
    demo_rules = models.JSONField(_("demo rules"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("partner bank")
        verbose_name_plural = _("partner banks")
        ordering = ["position", "name"]
        # Where applications and buyers' data go: not the managers' to change by default
        # (docs/financing.md, "Banks"); it covers programmes and state programmes too.
        permissions = [("configure_banks", _("Can configure partner banks and programmes"))]

    def __str__(self):
        return self.name


class BankProgramme(TimestampedModel):
    """A loan a bank offers: its rate, terms, and the cars and down payments it takes."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=100)
    annual_rate = models.DecimalField(_("annual rate, %"), max_digits=5, decimal_places=2)
    min_term_months = models.PositiveSmallIntegerField(_("shortest term, months"))
    max_term_months = models.PositiveSmallIntegerField(_("longest term, months"))
    min_down_payment_percent = models.DecimalField(
        _("least down payment, %"), max_digits=5, decimal_places=2, default=0
    )
    condition = models.CharField(
        _("cars"), max_length=8, choices=VehicleCondition.choices, blank=True
    )
    max_vehicle_age_years = models.PositiveSmallIntegerField(
        _("oldest car, years"), null=True, blank=True
    )
    min_price = _money(_("lowest price"), null=True, blank=True)
    max_price = _money(_("highest price"), null=True, blank=True)
    makes = models.JSONField(
        _("makes"), default=list, blank=True, help_text=_("Empty: every make.")
    )
    insurance_required = models.BooleanField(_("life insurance required"), default=False)
    insurance_percent = models.DecimalField(
        _("insurance a year, percent of the loan"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("The premium, paid when the loan is given; it counts in the full cost."),
    )
    balloon_percent = models.DecimalField(
        _("balloon, percent of the price"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Paid with the last installment (остаточный платёж); 0 for none."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("loan programme")
        verbose_name_plural = _("loan programmes")
        ordering = ["bank", "annual_rate"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_term_months__lte=F("max_term_months")),
                name="financing_programme_terms_ordered",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0), name="financing_programme_rate_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.bank.name}: {self.name}"


class StateProgramme(TimestampedModel):
    """A subsidised rate (for example the state's programme for new cars made in Russia): it
    lowers every eligible offer's rate by its points, where its rules hold."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=150)
    rate_discount = models.DecimalField(
        _("rate lowered by, percentage points"), max_digits=5, decimal_places=2
    )
    condition = models.CharField(
        _("cars"), max_length=8, choices=VehicleCondition.choices, blank=True
    )
    max_price = _money(_("highest price"), null=True, blank=True)
    makes = models.JSONField(
        _("makes"), default=list, blank=True, help_text=_("Empty: every make.")
    )
    first_car_only = models.BooleanField(_("for a first car only"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("state programme")
        verbose_name_plural = _("state programmes")
        ordering = ["-rate_discount"]

    def __str__(self):
        return self.name


class BankOffer(TimestampedModel):
    """One bank's answer to an application: the loan it offers (its schedule's full cost
    computed here, financing/full_cost.py) or its refusal, from the moment it was asked."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("loan application"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT)
    status = StatusField(_("status"), max_length=16, transitions=OFFER_TRANSITIONS)
    consent_id = models.UUIDField(_("consent"), help_text=_("The buyer's, naming this bank."))
    requested_at = models.DateTimeField(_("requested"))
    sent_at = models.DateTimeField(_("sent to the bank"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    bank_reference = models.CharField(_("bank's reference"), max_length=100, blank=True)
    programme = models.ForeignKey(
        BankProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, null=True
    )
    state_programme = models.ForeignKey(
        StateProgramme,
        verbose_name=_("state programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    amount = _money(_("loan amount"), null=True, blank=True)
    annual_rate = models.DecimalField(
        _("annual rate, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    term_months = models.PositiveSmallIntegerField(_("term, months"), null=True, blank=True)
    monthly_payment = _money(_("monthly payment"), null=True, blank=True)
    balloon = _money(_("balloon"), default=0)
    insurance_required = models.BooleanField(_("life insurance required"), default=False)
    insurance_premium = _money(_("insurance premium"), default=0)
    full_cost_percent = models.DecimalField(
        _("full cost of credit, %"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    full_cost_amount = _money(_("full cost of credit"), null=True, blank=True)
    total_to_pay = _money(_("total to pay"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bank offer")
        verbose_name_plural = _("bank offers")
        ordering = ["application", "total_to_pay", "bank__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "bank"], name="financing_one_offer_per_bank"
            )
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.bank.name}: {self.get_status_display()}"


class OfferDecision(DecisionBase):
    """Staff's records of a manual bank's answer (common/four_eyes.py): above the threshold,
    a second staff member records the same answer before it counts."""

    offer = models.ForeignKey(
        BankOffer, verbose_name=_("bank offer"), on_delete=models.CASCADE, related_name="decisions"
    )
    answer = models.JSONField(_("answer"), default=dict)

    class Meta(DecisionBase.Meta):
        verbose_name = _("offer decision")
        verbose_name_plural = _("offer decisions")


class BankCallback(TimestampedModel):
    """A bank's signed callback, accepted once: its id refuses a replay."""

    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.CASCADE)
    callback_id = models.CharField(_("callback id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16)
    body = models.JSONField(_("body"), default=dict)

    class Meta:
        verbose_name = _("bank callback")
        verbose_name_plural = _("bank callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "callback_id"], name="financing_bank_callback_once"
            )
        ]


class OutboxEvent(OutboxEventBase):
    """The events this app emits, written with its changes (docs/events.md)."""


class InboxEvent(InboxEventBase):
    """The events this app has consumed, once each (docs/events.md)."""
