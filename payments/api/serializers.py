from decimal import Decimal

from rest_framework import serializers

from payments.choices import PaymentMethodType
from payments.models import LedgerTransaction, Payment, Refund


class PaymentCreateInputSerializer(serializers.Serializer):
    """The currency is the order's; status and amounts captured are the server's."""

    order_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=PaymentMethodType.choices)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class PaymentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "order_id",
            "customer_id",
            "amount",
            "refunded_amount",
            "currency",
            "method",
            "description",
            "status",
            "failure_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PaymentRefundInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    reason = serializers.CharField(max_length=500)


class RefundOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "payment", "amount", "reason", "created_by_id", "created_at"]
        read_only_fields = fields


class LedgerTransactionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerTransaction
        fields = [
            "id",
            "payment",
            "order_id",
            "customer_id",
            "type",
            "amount",
            "currency",
            "created_at",
        ]
        read_only_fields = fields
