from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import DecisionOutputSerializer, StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.money import CENT, MoneyField
from financing.annuity import months_after
from financing.choices import ApplicationStatus, Decision, EmploymentStatus, FinancingType
from financing.models import Bank, BankOffer, BankProgramme, LoanApplication, LoanInstallment
from financing.rates import MAX_TERM_MONTHS, MIN_TERM_MONTHS
from financing.reasons import reason_code, reason_label


class LoanTermsInputSerializer(StrictInputSerializer):
    """What a loan is priced and scored on."""

    vehicle_price = MoneyField(min_value=Decimal("0.01"))
    down_payment = MoneyField(min_value=Decimal("0.00"))
    term_months = serializers.IntegerField(min_value=MIN_TERM_MONTHS, max_value=MAX_TERM_MONTHS)
    financing_type = serializers.ChoiceField(choices=FinancingType.choices)
    employment_status = serializers.ChoiceField(choices=EmploymentStatus.choices)
    monthly_income = MoneyField(min_value=Decimal("0.01"))
    existing_monthly_debts = MoneyField(
        min_value=Decimal("0.00"), required=False, default=Decimal("0.00")
    )


class LoanApplicationCreateInputSerializer(LoanTermsInputSerializer):
    """The currency is the order's; the rate, payment and status are the server's."""

    order_id = serializers.UUIDField(help_text="One of your own pending orders.")


class LoanCalculatorInputSerializer(LoanTermsInputSerializer):
    first_due_date = serializers.DateField(
        required=False,
        help_text="From today to a year ahead; by default a month from today, on today's day "
        "of the month.",
    )

    def validate_first_due_date(self, value):
        today = timezone.localdate()
        if not today <= value <= months_after(today, 12):
            raise serializers.ValidationError(_("Must be from today to a year ahead."))
        return value


class LoanDecisionInputSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = FreeTextField(max_length=500)


class LoanDisbursementInputSerializer(StrictInputSerializer):
    """The lender's payment, as staff record it for a lender without an API."""

    amount = MoneyField(min_value=CENT, help_text="The loan amount, exactly.")
    reference = serializers.CharField(
        max_length=100,
        help_text="The lender's payment reference: the same one again changes nothing.",
    )


class ReasonOutputSerializer(serializers.Serializer):
    """One reason for the application's status: a stable code, its figures, and the label in
    the language of the request (docs/deal.md, "Scoring")."""

    code = serializers.SerializerMethodField(
        help_text="rate, dti_within, dti_review, dti_over, income_capped, held_amount, "
        "held_down_payment, held_unverified, staff_decision, order_cancelled, "
        "returned_cancelled, returned_late; note for a reason written before the codes."
    )
    params = serializers.SerializerMethodField(help_text="The figures the label is made of.")

    def get_fields(self) -> dict[str, serializers.Field]:
        # `label` is added here: declared on the class, it would stand, to a type checker,
        # for the serializer's own `Field.label` (a serializer is a field).
        fields = super().get_fields()
        fields["label"] = serializers.SerializerMethodField(
            help_text="The reason, in the request's language."
        )
        return fields

    def get_code(self, item) -> str:
        return reason_code(item)

    def get_params(self, item) -> dict[str, str]:
        return {"text": item} if isinstance(item, str) else dict(item.get("params", {}))

    def get_label(self, item) -> str:
        return reason_label(item)


class LoanInstallmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LoanInstallment
        fields = ["number", "due_date", "payment", "principal", "interest", "balance"]
        read_only_fields = fields


class LoanApplicationOutputSerializer(serializers.ModelSerializer):
    reasons = ReasonOutputSerializer(many=True, read_only=True)
    decisions = DecisionOutputSerializer(
        many=True, read_only=True, help_text="Staff's decisions, first approvals included."
    )

    class Meta:
        model = LoanApplication
        fields = [
            "id",
            "order_id",
            "customer_id",
            "status",
            "financing_type",
            "employment_status",
            "vehicle_price",
            "down_payment",
            "loan_amount",
            "currency",
            "term_months",
            "monthly_income",
            "existing_monthly_debts",
            "annual_rate",
            "monthly_payment",
            "total_interest",
            "debt_to_income",
            "reasons",
            "rate_table_version",
            "decided_by_id",
            "decided_at",
            "decisions",
            "asks_banks",
            "bank_id",
            "full_cost_percent",
            "full_cost_amount",
            "credit_discount",
            "credit_discount_name",
            "lender",
            "sent_to_lender_at",
            "disbursement_reference",
            "disbursed_at",
            "returned_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "annual_rate": {"help_text": "Percent a year."},
            "credit_discount": {
                "help_text": "The dealer's credit discount taken when it went to the banks: "
                "already out of vehicle_price and loan_amount."
            },
            "debt_to_income": {
                "help_text": "Percent: (monthly payment + existing debts) / monthly income."
            },
        }


class LoanOfferOutputSerializer(serializers.Serializer):
    """What an application with these terms would be given today."""

    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    loan_amount = MoneyField()
    annual_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    monthly_payment = MoneyField()
    total_interest = MoneyField()
    debt_to_income = serializers.DecimalField(max_digits=20, decimal_places=2)
    reasons = ReasonOutputSerializer(many=True)
    rate_table_version = serializers.CharField()
    schedule = LoanInstallmentOutputSerializer(many=True)


# PARTNER BANKS (docs/financing.md)
# ------------------------------------------------------------------------------
class BankProgrammeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = BankProgramme
        fields = [
            "id",
            "name",
            "annual_rate",
            "min_term_months",
            "max_term_months",
            "min_down_payment_percent",
            "condition",
            "max_vehicle_age_years",
            "min_price",
            "max_price",
            "makes",
            "insurance_required",
            "balloon_percent",
        ]
        read_only_fields = fields


class BankOutputSerializer(serializers.ModelSerializer):
    programmes = serializers.SerializerMethodField()

    class Meta:
        model = Bank
        fields = ["id", "name", "legal_name", "code", "logo", "programmes"]
        read_only_fields = fields

    @extend_schema_field(BankProgrammeOutputSerializer(many=True))
    def get_programmes(self, bank):
        active = [programme for programme in bank.programmes.all() if programme.is_active]
        return BankProgrammeOutputSerializer(active, many=True).data


class OffersRequestInputSerializer(StrictInputSerializer):
    """The banks to send the application to, each named in a consent of its own."""

    banks = serializers.ListField(
        child=serializers.UUIDField(),
        min_length=1,
        max_length=20,
        help_text="Partner banks' ids (GET financing/banks/): your data goes to each of them.",
    )
    consent = serializers.BooleanField(
        help_text="true: you consent to your data going to each bank named (152-FZ, art. 9)."
    )

    def validate_consent(self, value):
        if value is not True:
            raise serializers.ValidationError(_("Your consent is needed for each bank."))
        return value


class BankOfferOutputSerializer(serializers.ModelSerializer):
    bank = serializers.CharField(source="bank.name", read_only=True)
    state_programme = serializers.CharField(
        source="state_programme.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = BankOffer
        fields = [
            "id",
            "application_id",
            "bank_id",
            "bank",
            "status",
            "requested_at",
            "answered_at",
            "amount",
            "annual_rate",
            "term_months",
            "monthly_payment",
            "balloon",
            "insurance_required",
            "insurance_premium",
            "full_cost_percent",
            "full_cost_amount",
            "total_to_pay",
            "valid_until",
            "reason",
            "state_programme",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "full_cost_percent": {
                "help_text": "The full cost of credit (353-FZ, art. 6), percent a year."
            },
            "full_cost_amount": {"help_text": "The full cost of credit in money."},
            "total_to_pay": {"help_text": "The payments and the premium: the loan's cost in all."},
        }


class _OfferTermsInputSerializer(StrictInputSerializer):
    """A bank's answer: the terms of its offer, or the reason it refuses."""

    reason = FreeTextField(max_length=300, required=False, default="")
    annual_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), required=False
    )
    term_months = serializers.IntegerField(
        min_value=MIN_TERM_MONTHS, max_value=MAX_TERM_MONTHS, required=False
    )
    insurance_premium = MoneyField(min_value=Decimal("0.00"), required=False)
    balloon = MoneyField(min_value=Decimal("0.00"), required=False)
    valid_days = serializers.IntegerField(min_value=1, max_value=90, required=False, default=7)


class OfferAnswerInputSerializer(_OfferTermsInputSerializer):
    """A manual bank's answer, as staff record it."""

    approved = serializers.BooleanField()
    reference = serializers.CharField(max_length=100, help_text="The bank's reference.")

    def validate(self, attrs):
        if attrs["approved"] and attrs.get("annual_rate") is None:
            raise serializers.ValidationError({"annual_rate": [_("An offer has a rate.")]})
        if not attrs["approved"] and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": [_("A refusal has a reason.")]})
        return attrs


class BankCallbackInputSerializer(_OfferTermsInputSerializer):
    """A bank's signed callback (docs/financing.md, "The HTTP bank")."""

    id = serializers.CharField(max_length=100, help_text="Unique per callback: a replay fails.")
    kind = serializers.ChoiceField(choices=["offer", "refusal", "disbursed"])
    offer_id = serializers.UUIDField()
    reference = serializers.CharField(max_length=100, required=False, default="")
    amount = MoneyField(min_value=CENT, required=False, help_text="A disbursement's amount.")

    def validate(self, attrs):
        if attrs["kind"] == "offer" and attrs.get("annual_rate") is None:
            raise serializers.ValidationError({"annual_rate": ["An offer has a rate."]})
        if attrs["kind"] == "disbursed" and (attrs.get("amount") is None or not attrs["reference"]):
            raise serializers.ValidationError(
                {"amount": ["A disbursement has an amount and a reference."]}
            )
        return attrs
