"""The migration to one car, one VIN: a product with a VIN stocked by the dozen becomes one
product per car, the VIN on the original (its orders still point at it), the others waiting
for theirs; accessories keep their counts; every product gets its search fields."""

from decimal import Decimal

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from catalog.models import Product

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "catalog"])

BEFORE = ("catalog", "0007_demo_cars")


def migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connections["catalog"])
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


def test_a_vin_stocked_by_the_dozen_becomes_one_product_per_car():
    executor = migrate([BEFORE])
    try:
        old = executor.loader.project_state([BEFORE]).apps
        Category = old.get_model("catalog", "Category")
        OldProduct = old.get_model("catalog", "Product")
        cars = Category.objects.using("catalog").create(name="Cars", path="x/", level=0)
        kia = OldProduct.objects.using("catalog").create(
            name="Kia K5 2.5",
            price=Decimal("3190000.00"),
            stock_quantity=4,
            category=cars,
            make="Kia",
            model="K5",
            year=2024,
            vin="KNAG441CBR5123456",
        )
        sold_out = OldProduct.objects.using("catalog").create(
            name="Buick LaCrosse",
            price=Decimal("990000.00"),
            stock_quantity=0,
            category=cars,
            make="Buick",
            model="LaCrosse",
            year=2005,
            vin="1G4AH59H45G118341",
        )
        mats = OldProduct.objects.using("catalog").create(
            name="Floor mats", price=Decimal("6500.00"), stock_quantity=80, category=cars
        )
    finally:
        executor = MigrationExecutor(connections["catalog"])
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("catalog"))

    units = Product.objects.filter(name="Kia K5 2.5").order_by("vin")
    assert units.count() == 4
    original = units.get(pk=kia.pk)
    assert (original.vin, original.stock_quantity, original.kind) == (
        "KNAG441CBR5123456",
        1,
        "vehicle",
    )
    waiting = units.exclude(pk=kia.pk)
    assert [(u.vin, u.stock_quantity, u.kind, u.price) for u in waiting] == [
        (None, 1, "vehicle", Decimal("3190000.00"))
    ] * 3
    assert all(unit.vin_to_be_entered for unit in waiting)
    assert {unit.model_key for unit in units} == {"kia-k5"}
    # What is known of the model is filled in; the condition follows from the year.
    assert (original.body_type, original.transmission, original.condition) == (
        "sedan",
        "automatic",
        "new",
    )
    old_car = Product.objects.get(pk=sold_out.pk)
    assert (old_car.stock_quantity, old_car.condition, old_car.mileage_km) == (0, "used", None)
    accessory = Product.objects.get(pk=mats.pk)
    assert (accessory.kind, accessory.stock_quantity) == ("accessory", 80)
    # The search fields, for every product.
    assert original.search_key == "kia k5 2 5 kia k5"
    assert "'k5'" in Product.objects.values_list("search_vector", flat=True).get(pk=kia.pk)
