from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import DecisionOutputSerializer, StrictInputSerializer
from common.cardnumbers import FreeTextField
from common.images import RENDITIONS
from common.money import MoneyField
from tradein import selectors
from tradein.choices import Condition
from tradein.models import TradeIn, TradeInPhoto


class TradeInCreateInputSerializer(StrictInputSerializer):
    vin = serializers.CharField(max_length=32)
    make = serializers.CharField(max_length=60)
    model = serializers.CharField(max_length=60)
    year = serializers.IntegerField(min_value=1950, max_value=date.today().year + 1)
    mileage_km = serializers.IntegerField(min_value=0, max_value=2_000_000)
    condition = serializers.ChoiceField(choices=Condition.choices)
    owners_count = serializers.IntegerField(min_value=1, max_value=30)
    accident_history = serializers.BooleanField()
    notes = FreeTextField(max_length=2000, required=False, allow_blank=True, default="")
    order_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class OfferInputSerializer(StrictInputSerializer):
    amount = MoneyField(min_value=1)
    valid_until = serializers.DateTimeField()
    reason = FreeTextField(max_length=500, required=False, allow_blank=True, default="")


class InspectionInputSerializer(StrictInputSerializer):
    mileage_km = serializers.IntegerField(min_value=0, max_value=2_000_000)
    findings = FreeTextField(max_length=4000)
    amount = MoneyField(min_value=1, required=False, allow_null=True, default=None)
    reason = FreeTextField(max_length=500, required=False, allow_blank=True, default="")


class TradeInPhotoInputSerializer(StrictInputSerializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP or HEIC; at most 20 MB, 8192 px on a side and 25 MP."
    )


class TradeInRenditionSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=400)
    width = serializers.IntegerField(min_value=1)
    height = serializers.IntegerField(min_value=1)


class TradeInRenditionsSerializer(serializers.Serializer):
    thumb = TradeInRenditionSerializer()
    card = TradeInRenditionSerializer()
    large = TradeInRenditionSerializer()


class TradeInPhotoOutputSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        max_length=400, help_text="The original, for the trade-in's customer and staff only."
    )
    renditions = serializers.SerializerMethodField(
        help_text="Each rendition once the task has drawn it; the original until then."
    )

    class Meta:
        model = TradeInPhoto
        fields = ["id", "url", "width", "height", "renditions", "created_at"]
        read_only_fields = fields

    @extend_schema_field(TradeInRenditionsSerializer)
    def get_renditions(self, photo: TradeInPhoto) -> dict:
        shown = {}
        for kind in RENDITIONS:
            made = photo.renditions.get(kind)
            shown[kind] = {
                "url": photo.rendition_url(kind),
                "width": made["width"] if made else photo.width,
                "height": made["height"] if made else photo.height,
            }
        return shown


class TradeInOutputSerializer(serializers.ModelSerializer):
    photos = TradeInPhotoOutputSerializer(many=True, read_only=True)
    decisions = DecisionOutputSerializer(many=True, read_only=True)
    suggested_price = serializers.SerializerMethodField(
        help_text="Staff only: what the dealership's own sales suggest; never the offer."
    )

    class Meta:
        model = TradeIn
        fields = [
            "id",
            "number",
            "customer_id",
            "order_id",
            "vin",
            "make",
            "model",
            "year",
            "mileage_km",
            "condition",
            "owners_count",
            "accident_history",
            "notes",
            "status",
            "offer_amount",
            "offer_valid_until",
            "currency",
            "accepted_at",
            "inspected_mileage_km",
            "findings",
            "reduction_reason",
            "inspected_at",
            "stock_product_id",
            "photos",
            "decisions",
            "suggested_price",
            "created_at",
        ]
        read_only_fields = fields

    def get_suggested_price(self, trade_in: TradeIn) -> str | None:
        request = self.context.get("request")
        if request is None or not request.user.is_staff:
            return None
        price = selectors.suggested_price(trade_in)
        return None if price is None else f"{price:.2f}"
