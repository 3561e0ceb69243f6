from collections.abc import Mapping

from rest_framework import serializers

from catalog.models import Category, Product
from catalog.validators import validate_vin
from common.serializers import StrictInputSerializer

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


class ProductOutputSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name")
    in_stock = serializers.SerializerMethodField()

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
            "category",
            "category_name",
            "make",
            "model",
            "year",
            "vin",
            "test_drive_available",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_in_stock(self, product) -> bool:
        return product.stock_quantity > 0


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
        "category": str(product.category_id),
        "category_name": product.category.name,
        "make": product.make,
        "model": product.model,
        "year": product.year,
        "vin": product.vin,
        "test_drive_available": product.test_drive_available,
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
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    make = serializers.CharField(max_length=60, required=False, allow_blank=True)
    model = serializers.CharField(max_length=60, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=1886, max_value=2100, required=False, allow_null=True)
    vin = serializers.CharField(
        max_length=17, required=False, allow_null=True, validators=[validate_vin]
    )
