from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import DecisionOutputSerializer, StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.money import CENT, MoneyField
from financing.annuity import months_after
from financing.choices import ApplicationStatus, Decision, EmploymentStatus, FinancingType
from financing.models import LoanApplication, LoanInstallment
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
