"""The work order's API shapes (docs/service.md, "The work order")."""

from typing import Any

from rest_framework import serializers

from common.api.serializers import StrictInputSerializer
from service.api.serializers import LinkInputSerializer
from service.choices import (
    FuelLevel,
    Instruction,
    LineKind,
    PayType,
    SuppliedBy,
    WarrantyClaimStatus,
)
from service.models import WarrantyClaim, WorkOrder, WorkOrderLine

__all__ = ["LinkInputSerializer"]  # the link's token, as the bookings' links take it

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
VIN = r"^([A-HJ-NPR-Za-hj-npr-z0-9]{17})?$"  # 17 characters without I, O, Q; or none


class WorkOrderTermsSerializer(StrictInputSerializer):
    """What the advisor writes on a draft (ПП РФ № 780). Opened from a booking, what the
    booking knows is filled in and may be left out."""

    customer_name = serializers.CharField(max_length=200, required=False)
    customer_phone = serializers.RegexField(r"^\+?[0-9]{10,15}$", max_length=20, required=False)
    customer_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    payer = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Where not the customer."
    )
    make = serializers.CharField(max_length=60, required=False)
    model = serializers.CharField(max_length=60, required=False)
    vin = serializers.RegexField(VIN, max_length=17, required=False, allow_blank=True)
    plate = serializers.CharField(max_length=20, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    engine_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    body_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    mileage_in = serializers.IntegerField(min_value=0, max_value=2_000_000, required=False)
    vehicle_value = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    completeness = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="What came with the car."
    )
    damage = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Visible damage."
    )
    fuel_level = serializers.ChoiceField(
        choices=FuelLevel.choices, required=False, allow_blank=True
    )
    belongings = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The customer's belongings left in the car.",
    )
    deadline = serializers.DateTimeField(required=False)
    works_warranty_months = serializers.IntegerField(min_value=0, max_value=120, required=False)
    parts_warranty_months = serializers.IntegerField(min_value=0, max_value=120, required=False)
    instruction = serializers.ChoiceField(choices=Instruction.choices, required=False)
    instruction_limit = serializers.DecimalField(**MONEY, required=False)

    def validate_vin(self, value: str) -> str:
        return value.upper()

    def validate_plate(self, value: str) -> str:
        return value.upper()


class WorkOrderOpenInputSerializer(WorkOrderTermsSerializer):
    booking_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    showroom_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="For a car without a booking."
    )


class LineInputSerializer(StrictInputSerializer):
    """A work (an operation, or a name and norm hours) or a part (from the catalogue, or a
    number, maker, name and price)."""

    kind = serializers.ChoiceField(choices=LineKind.choices)
    operation_id = serializers.UUIDField(required=False, allow_null=True)
    part_id = serializers.UUIDField(required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False)
    code = serializers.CharField(max_length=64, required=False, help_text="Opcode or part number.")
    manufacturer = serializers.CharField(max_length=100, required=False)
    norm_hours = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    quantity = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    unit_price = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    supplied_by = serializers.ChoiceField(choices=SuppliedBy.choices, required=False)
    pay_type = serializers.ChoiceField(choices=PayType.choices, required=False)


class DecisionInputSerializer(StrictInputSerializer):
    approve = serializers.BooleanField()


class LinkDecisionInputSerializer(LinkInputSerializer, DecisionInputSerializer):
    line_id = serializers.UUIDField()


class SignInputSerializer(StrictInputSerializer):
    instruction = serializers.ChoiceField(
        choices=Instruction.choices, required=False, allow_null=True, default=None
    )
    instruction_limit = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, default=None
    )


class LinkSignInputSerializer(LinkInputSerializer, SignInputSerializer):
    pass


class LineDoneInputSerializer(StrictInputSerializer):
    mechanic = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Who did the job, for the completion act; the one recording it by default.",
    )


class PhotoInputSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text="A JPEG, PNG, WebP or HEIC photo of the car.")
    caption = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class HandOverInputSerializer(StrictInputSerializer):
    mileage_out = serializers.IntegerField(min_value=0, max_value=2_000_000)


class LineOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkOrderLine
        fields = [
            "id",
            "kind",
            "name",
            "code",
            "manufacturer",
            "norm_hours",
            "rate",
            "quantity",
            "unit_price",
            "supplied_by",
            "pay_type",
            "amount",
            "state",
            "decided_at",
            "decided_how",
            "decided_by",
            "done_at",
            "done_by",
        ]


class TotalsSerializer(serializers.Serializer):
    customer = serializers.DecimalField(max_digits=12, decimal_places=2)
    warranty = serializers.DecimalField(max_digits=12, decimal_places=2)
    internal = serializers.DecimalField(max_digits=12, decimal_places=2)


class WorkOrderOutputSerializer(serializers.ModelSerializer):
    advisor = serializers.CharField(source="advisor.name")
    advisor_position = serializers.CharField(source="advisor.position")
    lines = LineOutputSerializer(many=True)
    totals = TotalsSerializer(help_text="The lines that count, per pay type.")
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "status",
            "showroom_id",
            "booking_id",
            "executor_name",
            "executor_inn",
            "executor_ogrn",
            "executor_address",
            "customer_id",
            "customer_name",
            "customer_phone",
            "customer_address",
            "payer",
            "make",
            "model",
            "vin",
            "plate",
            "year",
            "engine_number",
            "body_number",
            "mileage_in",
            "mileage_out",
            "vehicle_value",
            "completeness",
            "damage",
            "fuel_level",
            "belongings",
            "deadline",
            "works_warranty_months",
            "parts_warranty_months",
            "instruction",
            "instruction_limit",
            "advisor_id",
            "advisor",
            "advisor_position",
            "signed_at",
            "signed_how",
            "completed_at",
            "handed_over_at",
            "amount_paid",
            "balance",
            "totals",
            "lines",
            "created_at",
        ]


class WorkOrderOpenedOutputSerializer(WorkOrderOutputSerializer):
    link_token = serializers.CharField(
        help_text="The token of the link with which the customer reads, signs and answers it."
    )

    class Meta(WorkOrderOutputSerializer.Meta):
        fields = [*WorkOrderOutputSerializer.Meta.fields, "link_token"]


class WarrantyClaimOutputSerializer(serializers.ModelSerializer):
    work_order_number = serializers.CharField(source="work_order.number")

    class Meta:
        model = WarrantyClaim
        fields = [
            "id",
            "work_order_id",
            "work_order_number",
            "showroom_id",
            "manufacturer",
            "amount",
            "status",
            "note",
            "created_at",
            "updated_at",
        ]


class WarrantyClaimMoveInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=WarrantyClaimStatus.choices)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class VisitSerializer(serializers.Serializer):
    work_order_id = serializers.UUIDField()
    number = serializers.CharField()
    opened = serializers.DateField()
    status = serializers.CharField()
    mileage_km = serializers.IntegerField()
    customer_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    works = serializers.ListField(child=serializers.CharField())


class MyCarSerializer(serializers.Serializer):
    vin = serializers.CharField()
    plate = serializers.CharField()
    make = serializers.CharField()
    model = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    bought_here = serializers.BooleanField()
    since = serializers.DateField(allow_null=True)
    mileage_km = serializers.IntegerField(allow_null=True)
    visits = VisitSerializer(many=True, help_text="Its work orders here, the oldest first.")
    next_due_date = serializers.DateField(allow_null=True)
    next_due_km = serializers.IntegerField(allow_null=True)
    next_menu = serializers.CharField(help_text="The maintenance due next (ТО-1 …).")
