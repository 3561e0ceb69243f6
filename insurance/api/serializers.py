from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import DecisionOutputSerializer, StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.money import CENT, MoneyField
from insurance import rulesets
from insurance.choices import ClaimDecision, InsuranceType
from insurance.factors import factor_name
from insurance.models import Claim, Policy, Quote


class QuoteCreateInputSerializer(StrictInputSerializer):
    """Which order's vehicle is insured, how, and who drives. The vehicle (make, model, year,
    VIN, price) comes from the order and the catalog, never from here. OSAGO covers what the
    law fixes, so it takes no `coverage_amount` (an unknown field for it); KASKO covers at
    most the vehicle's price, all of it by default. The OSAGO rating inputs have defaults:
    territory `moscow`, bonus-malus class `3` (a driver with no history, 1.0), 12 months of
    use, engine power unstated (priced in the top band). With no driver named, anyone may
    drive."""

    order_id = serializers.UUIDField()
    insurance_type = serializers.ChoiceField(choices=InsuranceType.choices)
    product_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The vehicle on the order to insure; needed only when it has several.",
    )
    coverage_amount = MoneyField(
        min_value=CENT,
        required=False,
        allow_null=True,
        default=None,
        help_text="KASKO only: at most the vehicle's price, which is the default.",
    )
    driver_age = serializers.IntegerField(
        min_value=18, max_value=100, required=False, allow_null=True, default=None
    )
    driver_experience_years = serializers.IntegerField(
        min_value=0, max_value=84, required=False, allow_null=True, default=None
    )
    unlimited_drivers = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Anyone may drive. Defaults to true when no driver is named.",
    )
    engine_power_hp = serializers.IntegerField(
        min_value=1, max_value=2000, required=False, allow_null=True, default=None
    )
    territory = serializers.ChoiceField(
        choices=sorted(rulesets.OSAGO.territory), default=rulesets.OSAGO.default_territory
    )
    period_months = serializers.IntegerField(
        min_value=3, max_value=12, default=12, help_text="OSAGO: months of use within the year."
    )
    bonus_malus_class = serializers.ChoiceField(
        choices=list(rulesets.OSAGO.bonus_malus),
        default=rulesets.OSAGO.default_bonus_malus_class,
    )
    # The car as the caller knows it (older clients send it): checked against the order's,
    # never used instead of it.
    vehicle_make = serializers.CharField(
        max_length=60, required=False, help_text="Optional: must be the order's car's make."
    )
    vehicle_model = serializers.CharField(
        max_length=60, required=False, help_text="Optional: must be the order's car's model."
    )
    vehicle_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, help_text="Optional: the car's year."
    )
    vehicle_vin = serializers.CharField(
        max_length=17, required=False, help_text="Optional: must be the order's car's VIN."
    )

    def fields_refused(self, data):
        refused = super().fields_refused(data)
        if data.get("insurance_type") == InsuranceType.OSAGO and "coverage_amount" in data:
            refused.add("coverage_amount")  # the law fixes it
        return refused

    def validate(self, attrs):
        age, experience = attrs["driver_age"], attrs["driver_experience_years"]
        if (age is None) != (experience is None):
            raise serializers.ValidationError(
                {"driver_age": [_("Give the driver's age and experience together.")]}
            )
        if age is not None and experience > age - 16:
            raise serializers.ValidationError(
                {"driver_experience_years": [_("More years of driving than the age allows.")]}
            )
        return attrs


class CoefficientOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField(
        child=serializers.CharField(),
        default=dict,
        help_text="The figures its name is made of (a territory's code, a class, an age).",
    )
    name = serializers.SerializerMethodField(help_text="Its name, in the request's language.")
    value = serializers.CharField(help_text="A decimal, exactly as applied.")

    def get_name(self, item) -> str:
        return factor_name(item)

    def get_fields(self) -> dict[str, serializers.Field]:
        # `source` is added here: declared on the class, it would stand, to a type checker,
        # for the serializer's own `Field.source` (a serializer is a field).
        fields = super().get_fields()
        fields["source"] = serializers.CharField()
        return fields


class QuoteOutputSerializer(serializers.ModelSerializer):
    coefficients = CoefficientOutputSerializer(
        many=True, read_only=True, help_text="Their product, rounded to kopecks, is the premium."
    )
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "order_id",
            "customer_id",
            "insurance_type",
            "coverage_amount",
            "currency",
            "product_id",
            "vehicle_price",
            "vehicle_make",
            "vehicle_model",
            "vehicle_year",
            "vehicle_vin",
            "driver_age",
            "driver_experience_years",
            "unlimited_drivers",
            "engine_power_hp",
            "territory",
            "period_months",
            "bonus_malus_class",
            "premium",
            "coefficients",
            "ruleset_version",
            "valid_until",
            "is_expired",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyOutputSerializer(serializers.ModelSerializer):
    quote_id = serializers.UUIDField(read_only=True)
    start_date = serializers.DateField(read_only=True, help_text="First day covered.")
    end_date = serializers.DateField(read_only=True, help_text="Last day covered (inclusive).")
    cover_starts_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The first day covered; null until both the premium and the car are paid for.",
    )

    class Meta:
        model = Policy
        fields = [
            "id",
            "number",
            "quote_id",
            "order_id",
            "customer_id",
            "insurance_type",
            "coverage_amount",
            "premium",
            "currency",
            "start_date",
            "end_date",
            "status",
            "payment_due_by",
            "premium_paid",
            "paid_at",
            "car_paid_at",
            "cover_starts_on",
            "lapsed_at",
            "cancelled_on",
            "cancellation_reason",
            "refund_amount",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyCancelInputSerializer(StrictInputSerializer):
    reason = FreeTextField(max_length=500, required=False, allow_blank=True, default="")


class ClaimCreateInputSerializer(StrictInputSerializer):
    incident_date = serializers.DateField()
    description = FreeTextField(max_length=5000)
    amount_claimed = MoneyField(min_value=CENT)


class ClaimDecisionInputSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=ClaimDecision.choices)
    amount_approved = MoneyField(
        min_value=CENT,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required to approve; at most the amount claimed.",
    )
    reason = FreeTextField(max_length=500)

    def validate(self, attrs):
        if attrs["decision"] == ClaimDecision.REJECTED and attrs["amount_approved"] is not None:
            raise serializers.ValidationError(
                {"amount_approved": [_("A rejection approves no amount.")]}
            )
        return attrs


class ClaimOutputSerializer(serializers.ModelSerializer):
    policy_id = serializers.UUIDField(read_only=True)
    policy_number = serializers.CharField(source="policy.number", read_only=True)
    decisions = DecisionOutputSerializer(
        many=True, read_only=True, help_text="Staff's decisions, first approvals included."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "policy_id",
            "policy_number",
            "order_id",
            "customer_id",
            "incident_date",
            "description",
            "amount_claimed",
            "amount_approved",
            "currency",
            "status",
            "decision_reason",
            "decided_at",
            "decisions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
