"""Factories of the catalog. Categories go through `services.category_create`, so that their
`path` and `level` are what the application itself would store."""

from decimal import Decimal

import factory

from catalog import services
from catalog.models import Category, Product
from catalog.search import search_fields_prepare

# Valid VINs: two North American ones with the right check digit, and a European one.
VALID_VIN = "1M8GDM9AXKP042788"
OTHER_VALID_VIN = "1G4AH59H45G118341"


class CategoryFactory(factory.Factory):
    """`CategoryFactory(parent=root)` creates a child of `root`; the service computes
    `path` and `level`."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    description = ""
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.category_create(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        database = "catalog"

    name = factory.Sequence(lambda n: f"Product {n}")
    description = ""
    price = Decimal("1000000.00")
    category = factory.SubFactory(CategoryFactory)
    make = ""
    model = ""
    year = None
    vin = None
    # A product with a VIN is a vehicle: one car, in stock or not.
    kind = factory.LazyAttribute(lambda product: "vehicle" if product.vin else "accessory")
    stock_quantity = factory.LazyAttribute(lambda product: 1 if product.vin else 5)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved with its search fields, as the service saves every product."""
        product = model_class(*args, **kwargs)
        search_fields_prepare(product)
        product.save(using="catalog")
        return product


def category_chain(depth: int) -> list[Category]:
    """A root with one descendant on each level: `depth` categories, levels 0..depth-1."""
    chain: list[Category] = [CategoryFactory.create()]
    for _ in range(depth - 1):
        chain.append(CategoryFactory.create(parent=chain[-1]))
    return chain


def stock_of(product) -> int:
    """The product's stock as the database holds it now."""
    return Product.objects.values_list("stock_quantity", flat=True).get(pk=product.pk)
