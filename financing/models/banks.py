"""Partner banks, their programmes, the state programmes and the dealer's credit discounts,
and the banks' offers and callbacks (docs/financing.md)."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.encryption import secret_decrypt
from common.models import DecisionBase, TimestampedModel
from common.transitions import StatusField
from financing.choices import OFFER_TRANSITIONS, BankAdapter, VehicleCondition
from financing.models.applications import LoanApplication, _money


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
    # The key of the HMAC both ways are signed with (HTTP adapter), kept only encrypted
    # (common/encryption.py), set only through `bank_secret_set` and never shown
    # (docs/financing.md, "The bank's secret"). The one a change replaced still verifies the
    # bank's callbacks until `previous_secret_expires_at`.
    secret_encrypted = models.TextField(_("callback secret (encrypted)"), blank=True)
    previous_secret_encrypted = models.TextField(
        _("previous callback secret (encrypted)"), blank=True
    )
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    secret_rotated_at = models.DateTimeField(_("secret last set"), null=True, blank=True)
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
        # (docs/financing.md, "Banks"); it covers programmes, state programmes and the
        # dealer's credit discounts too.
        permissions = [("configure_banks", _("Can configure partner banks and programmes"))]

    def __str__(self):
        return self.name

    @property
    def secret(self) -> str:
        """The current secret, decrypted: for signing and verifying, never for showing."""
        return secret_decrypt(self.secret_encrypted) if self.secret_encrypted else ""


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


class DealerRule(TimestampedModel):
    """What a state programme and a credit discount share: the cars they hold for, from when
    to when, and whether they are in force (`financing.offers.rule_holds`)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=150)
    condition = models.CharField(
        _("cars"), max_length=8, choices=VehicleCondition.choices, blank=True
    )
    max_price = _money(_("highest price"), null=True, blank=True)
    makes = models.JSONField(
        _("makes"), default=list, blank=True, help_text=_("Empty: every make.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class StateProgramme(DealerRule):
    """A subsidised rate (for example the state's programme for new cars made in Russia): it
    lowers every eligible offer's rate by its points, where its rules hold."""

    rate_discount = models.DecimalField(
        _("rate lowered by, percentage points"), max_digits=5, decimal_places=2
    )
    first_car_only = models.BooleanField(_("for a first car only"), default=False)

    class Meta:
        verbose_name = _("state programme")
        verbose_name_plural = _("state programmes")
        ordering = ["-rate_discount"]


class CreditDiscount(DealerRule):
    """The dealer's discount for buying on credit (выгода при покупке в кредит): the car's
    price falls by `amount` when its application goes to the partner banks, and is back if
    the loan is not taken (docs/financing.md, "The credit discount")."""

    amount = _money(_("discount"))
    min_loan_amount = _money(
        _("least loan"),
        default=0,
        help_text=_("The loan after the discount must be at least this."),
    )
    min_term_months = models.PositiveSmallIntegerField(_("shortest term, months"), default=0)

    class Meta:
        verbose_name = _("credit discount")
        verbose_name_plural = _("credit discounts")
        ordering = ["-amount"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="financing_credit_discount_positive"
            )
        ]


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
