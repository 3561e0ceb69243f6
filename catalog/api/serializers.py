from collections.abc import Mapping
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.choices import BodyType, Color, Condition, Drive, Fuel, ProductKind, Transmission
from catalog.models import Category, Product
from catalog.selectors import MAX_COMPARED, photo_view
from catalog.validators import validate_vin
from common.api.serializers import StrictInputSerializer

CURRENCY_REGEX = r"^[A-Z]{3}$"


class CategoryOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "description", "parent", "level", "created_at", "updated_at"]
        read_only_fields = fields


class CategoryInputSerializer(StrictInputSerializer):
    # Specification 001's name (docs/api.md, "Aliases"), where 0 means a root category too.
    aliases = {"parent_id": "parent"}

    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def fields_named_as_drf_attributes(self) -> dict[str, serializers.Field]:
        return {
            "parent": serializers.PrimaryKeyRelatedField(
                queryset=Category.objects.all(), required=False, allow_null=True
            )
        }

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and str(data.get("parent_id")) == "0":
            data = data.copy()
            data["parent_id"] = None
        return super().to_internal_value(data)


class CategoryTreeNodeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    children = serializers.ListField(
        child=serializers.DictField(), help_text="Nodes of this shape."
    )


# PHOTOS
# ------------------------------------------------------------------------------
class ImageLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class RenditionsSerializer(serializers.Serializer):
    thumb = ImageLinkSerializer(help_text="320 px wide, WebP.")
    card = ImageLinkSerializer(help_text="640 px wide, WebP.")
    large = ImageLinkSerializer(help_text="1600 px wide, WebP.")


class PhotoOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField(help_text="The checked copy of the upload, without metadata.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()
    position = serializers.IntegerField()
    is_primary = serializers.BooleanField()
    renditions = RenditionsSerializer()

    def to_representation(self, instance):
        return photo_view(instance)


# A vehicle's specification, in the order the API lists it (docs/api.md, "Vehicles").
SPECIFICATION = [
    "make",
    "model",
    "trim",
    "year",
    "vin",
    "condition",
    "body_type",
    "fuel",
    "engine_volume",
    "power_hp",
    "transmission",
    "drive",
    "color",
    "mileage_km",
    "options",
    "owners_count",
]


def _stated(choices) -> serializers.ChoiceField:
    """A specification's choice, or "" where it is not stated (an accessory has none)."""
    return serializers.ChoiceField(choices, allow_blank=True, read_only=True)


class ProductOutputSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name")
    in_stock = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    condition = _stated(Condition.choices)
    body_type = _stated(BodyType.choices)
    fuel = _stated(Fuel.choices)
    transmission = _stated(Transmission.choices)
    drive = _stated(Drive.choices)
    color = _stated(Color.choices)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "price",
            "currency",
            "stock_quantity",
            "in_stock",
            "is_active",
            "category",
            "category_name",
            "kind",
            *SPECIFICATION,
            "model_key",
            "test_drive_available",
            "showroom_id",
            "city",
            "photos",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_stock(self, product) -> bool:
        return product.stock_quantity > 0

    @extend_schema_field(PhotoOutputSerializer(many=True))
    def get_photos(self, product) -> list[dict]:
        return [photo_view(photo) for photo in product.photos.all()]


_money = serializers.DecimalField(max_digits=14, decimal_places=2)
_moment = serializers.DateTimeField()


def product_row(product: Product) -> dict:
    """`ProductOutputSerializer(product).data`, built directly: a row of the product list
    (docs/api.md, "Responses"). catalog/tests/test_product_row.py holds the two to the same
    output."""
    return {
        "id": str(product.pk),
        "name": product.name,
        "description": product.description,
        "price": _money.to_representation(product.price),
        "currency": product.currency,
        "stock_quantity": product.stock_quantity,
        "in_stock": product.stock_quantity > 0,
        "is_active": product.is_active,
        "category": str(product.category_id),
        "category_name": product.category.name,
        "kind": product.kind,
        "make": product.make,
        "model": product.model,
        "trim": product.trim,
        "year": product.year,
        "vin": product.vin,
        "condition": product.condition,
        "body_type": product.body_type,
        "fuel": product.fuel,
        "engine_volume": None if product.engine_volume is None else str(product.engine_volume),
        "power_hp": product.power_hp,
        "transmission": product.transmission,
        "drive": product.drive,
        "color": product.color,
        "mileage_km": product.mileage_km,
        "options": product.options,
        "owners_count": product.owners_count,
        "model_key": product.model_key,
        "test_drive_available": product.test_drive_available,
        "showroom_id": str(product.showroom_id) if product.showroom_id else None,
        "city": product.city,
        "photos": [photo_view(photo) for photo in product.photos.all()],
        "created_at": _moment.to_representation(product.created_at),
        "updated_at": _moment.to_representation(product.updated_at),
    }


class ProductInputSerializer(StrictInputSerializer):
    # Specification 001's names (docs/api.md, "Aliases").
    aliases = {"category_id": "category", "quantity": "stock_quantity"}

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    currency = serializers.RegexField(
        CURRENCY_REGEX, max_length=3, required=False, help_text="ISO 4217 code"
    )
    stock_quantity = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="On sale: true puts a car priced after its trade-in on sale."
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    showroom_id = serializers.UUIDField(
        required=False,
        help_text="Where a new car stands: required when the group has several showrooms, "
        "the only one otherwise. A car moves later by its transfer.",
    )
    kind = serializers.ChoiceField(
        ProductKind.choices,
        required=False,
        help_text="A product with a VIN is a vehicle; a vehicle may await its VIN.",
    )
    make = serializers.CharField(max_length=60, required=False, allow_blank=True)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    trim = serializers.CharField(max_length=100, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1886, max_value=2100, required=False, allow_null=True)
    vin = serializers.CharField(
        max_length=17, required=False, allow_null=True, validators=[validate_vin]
    )
    condition = serializers.ChoiceField(Condition.choices, required=False)
    body_type = serializers.ChoiceField(BodyType.choices, required=False)
    fuel = serializers.ChoiceField(Fuel.choices, required=False)
    engine_volume = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("10.0"),
        required=False,
        allow_null=True,
        help_text="Litres; null for an electric car.",
    )
    power_hp = serializers.IntegerField(
        min_value=1, max_value=2000, required=False, allow_null=True
    )
    transmission = serializers.ChoiceField(Transmission.choices, required=False)
    drive = serializers.ChoiceField(Drive.choices, required=False)
    color = serializers.ChoiceField(Color.choices, required=False)
    mileage_km = serializers.IntegerField(
        min_value=0, max_value=2_000_000, required=False, allow_null=True, help_text="0 for new."
    )
    options = serializers.ListField(
        child=serializers.CharField(max_length=120), max_length=100, required=False
    )
    owners_count = serializers.IntegerField(
        min_value=0, max_value=50, required=False, allow_null=True, help_text="Used cars."
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    # The answer's field names; DRF's Field has attributes of these names too.
    label = serializers.CharField(help_text="In the reader's language.")  # type: ignore[assignment]
    count = serializers.IntegerField()


class RangeSerializer(serializers.Serializer):
    min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class FacetsOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="The vehicles matching every filter.")
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True),
        help_text="By facet: each value's count under every filter but the facet's own.",
    )
    ranges = serializers.DictField(
        child=RangeSerializer(), help_text="price, year, mileage_km and power_hp."
    )

    def to_representation(self, instance):
        return instance  # already plain data (`selectors.vehicle_facets`)


class TransferInputSerializer(StrictInputSerializer):
    showroom_id = serializers.UUIDField(help_text="The showroom the car moves to.")
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class CompareQuerySerializer(StrictInputSerializer):
    ids = serializers.CharField(
        max_length=200, help_text="Up to 4 vehicle ids, separated by commas."
    )

    def validate_ids(self, value: str) -> list[UUID]:
        field = serializers.UUIDField()
        ids = list(
            dict.fromkeys(
                field.to_internal_value(part.strip()) for part in value.split(",") if part.strip()
            )
        )
        if not ids:
            raise serializers.ValidationError(_("Name at least one vehicle."))
        if len(ids) > MAX_COMPARED:
            raise serializers.ValidationError(
                _("At most %(count)s vehicles side by side.") % {"count": MAX_COMPARED}
            )
        return ids


class SpecificationRowSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF's Field.label
    values = serializers.ListField(child=serializers.JSONField(), help_text="By vehicle, in order.")
    differs = serializers.BooleanField()


class CompareOutputSerializer(serializers.Serializer):
    vehicles = ProductOutputSerializer(many=True)
    specifications = SpecificationRowSerializer(many=True)


class PhotoCreateInputSerializer(StrictInputSerializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP or HEIC; at most 20 MB, 8192 px on a side and 25 MP."
    )
    alt = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(required=False, default=False)


class PhotoUpdateInputSerializer(StrictInputSerializer):
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    is_primary = serializers.BooleanField(required=False)
    alt = serializers.CharField(max_length=300, required=False, allow_blank=True)
