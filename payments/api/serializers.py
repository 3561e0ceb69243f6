import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import DecisionOutputSerializer, StrictInputSerializer
from common.cardnumbers import FreeTextField, NoCardNumbersMixin
from common.money import CENT, MoneyField
from payments.choices import (
    CardBrand,
    PayableKind,
    PaymentMethodType,
    PaymentMode,
    PaymentSubject,
    RefundDecision,
)
from payments.models import LedgerTransaction, Payment, Receipt, Refund, SavedPaymentMethod

PAYABLE_IDS = ("order_id", "registration_id", "policy_id", "work_order_id")


class PaymentCreateInputSerializer(NoCardNumbersMixin, StrictInputSerializer):
    """Pays a payable (docs/deal.md, "Payables"): an order, a seat held at a paid showroom
    event, a bought policy's premium or a service work order; exactly one of the four ids. The currency is the
    payable's; status and amounts captured are the server's."""

    order_id = serializers.UUIDField(required=False, default=None)
    registration_id = serializers.UUIDField(required=False, default=None)
    policy_id = serializers.UUIDField(
        required=False, default=None, help_text="A policy waiting for its premium."
    )
    work_order_id = serializers.UUIDField(
        required=False,
        default=None,
        help_text="A service work order: its works and parts, or a prepayment for parts.",
    )
    amount = MoneyField(min_value=CENT)
    method = serializers.ChoiceField(choices=PaymentMethodType.choices)
    payment_method_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your saved cards."
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )

    def validate(self, data):
        if sum(data[name] is not None for name in PAYABLE_IDS) != 1:
            message = _(
                "Give exactly one of order_id, registration_id, policy_id and work_order_id."
            )
            raise serializers.ValidationError({name: [message] for name in PAYABLE_IDS})
        return data


class PaymentOutputSerializer(serializers.ModelSerializer):
    order_id = serializers.SerializerMethodField()
    registration_id = serializers.SerializerMethodField()
    policy_id = serializers.SerializerMethodField()
    work_order_id = serializers.SerializerMethodField()
    confirmation_url = serializers.SerializerMethodField(
        help_text="While the status is requires_action: where the customer confirms the "
        "payment (the provider's page, 3-D Secure included)."
    )
    return_url = serializers.SerializerMethodField(
        help_text="Our page the provider sends the customer back to after confirming."
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "payable_kind",
            "payable_id",
            "order_id",
            "registration_id",
            "policy_id",
            "work_order_id",
            "customer_id",
            "amount",
            "refunded_amount",
            "currency",
            "method",
            "payment_method_id",
            "description",
            "status",
            "confirmation_url",
            "return_url",
            "failure_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_confirmation_url(self, payment) -> str | None:
        return payment.confirmation_url or None

    def get_return_url(self, payment) -> str:
        return settings.PAYMENTS_RETURN_URL.format(payment_id=payment.pk)

    def _payable_id_of(self, payment, kind: PayableKind) -> uuid.UUID | None:
        return payment.payable_id if payment.payable_kind == kind else None

    def get_order_id(self, payment) -> uuid.UUID | None:
        return self._payable_id_of(payment, PayableKind.ORDER)

    def get_registration_id(self, payment) -> uuid.UUID | None:
        return self._payable_id_of(payment, PayableKind.REGISTRATION)

    def get_policy_id(self, payment) -> uuid.UUID | None:
        return self._payable_id_of(payment, PayableKind.POLICY)

    def get_work_order_id(self, payment) -> uuid.UUID | None:
        return self._payable_id_of(payment, PayableKind.WORK_ORDER)


class PaymentRefundInputSerializer(StrictInputSerializer):
    amount = MoneyField(min_value=CENT, required=False, help_text="All that is left by default.")
    reason = FreeTextField(max_length=500)


class RefundDecisionInputSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(choices=RefundDecision.choices)
    reason = FreeTextField(max_length=500)


class RefundOutputSerializer(serializers.ModelSerializer):
    decisions = DecisionOutputSerializer(
        many=True,
        read_only=True,
        help_text="Staff's decisions: above the threshold, the request and a second approval.",
    )

    class Meta:
        model = Refund
        fields = [
            "id",
            "payment",
            "amount",
            "status",
            "reason",
            "created_by_id",
            "decisions",
            "created_at",
        ]
        read_only_fields = fields


class ReceiptLineOutputSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.IntegerField()
    price = MoneyField(help_text="Per unit.")
    vat_code = serializers.IntegerField(
        help_text="The provider's VAT code: 11 is 22%, 12 is 22/122."
    )
    payment_subject = serializers.ChoiceField(choices=PaymentSubject.choices)
    payment_mode = serializers.ChoiceField(choices=PaymentMode.choices)


class ReceiptOutputSerializer(serializers.ModelSerializer):
    lines = ReceiptLineOutputSerializer(many=True, read_only=True)
    provider_reference = serializers.CharField(
        read_only=True, help_text="The receipt's id at the provider, once it is known."
    )
    prepaid = MoneyField(
        read_only=True, help_text="A settlement's: the prepayments it closes (0 otherwise)."
    )

    class Meta:
        model = Receipt
        fields = [
            "id",
            "kind",
            "status",
            "payment",
            "refund",
            "provider",
            "provider_reference",
            "lines",
            "total",
            "prepaid",
            "currency",
            "created_at",
        ]
        read_only_fields = fields


class LedgerTransactionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerTransaction
        fields = [
            "id",
            "payment",
            "loan_application_id",
            "payable_kind",
            "payable_id",
            "customer_id",
            "type",
            "amount",
            "currency",
            "created_at",
        ]
        read_only_fields = fields


class PaymentMethodInputSerializer(NoCardNumbersMixin, StrictInputSerializer):
    brand = serializers.ChoiceField(choices=CardBrand.choices)
    last4 = serializers.RegexField(r"^[0-9]{4}$", max_length=4)
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=2000, max_value=2100)
    holder_name = serializers.CharField(max_length=100)

    def validate(self, attrs):
        today = timezone.localdate()
        if (attrs["exp_year"], attrs["exp_month"]) < (today.year, today.month):
            raise serializers.ValidationError({"exp_year": [_("The card has expired.")]})
        return attrs


class PaymentMethodOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedPaymentMethod
        fields = ["id", "brand", "last4", "exp_month", "exp_year", "holder_name", "created_at"]
        read_only_fields = fields
