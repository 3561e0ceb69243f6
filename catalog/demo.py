"""Demo catalog for `manage.py seed_demo`: a small tree of categories and vehicles."""

from decimal import Decimal

from catalog import services
from catalog.models import Category, Product

TREE = {"Cars": {"Sedans": {}, "SUVs": {"Compact SUVs": {}}}, "Accessories": {}}
VEHICLES = [
    ("Sedans", "Toyota Camry 2.5", "Toyota", "Camry", 2024, "1M8GDM9AXKP042788", "3450000.00", 3),
    (
        "Sedans",
        "Skoda Octavia 1.4 TSI",
        "Skoda",
        "Octavia",
        2023,
        "TMBJG7NE5K0123456",
        "2590000.00",
        5,
    ),
    ("Compact SUVs", "Haval Jolion", "Haval", "Jolion", 2024, "LGWEF6A59RH123456", "2299000.00", 4),
    ("SUVs", "Buick LaCrosse", "Buick", "LaCrosse", 2005, "1G4AH59H45G118341", "990000.00", 1),
]
ACCESSORIES = [
    ("Floor mats, all-weather", "6500.00", 40),
    ("Winter tyres, set of 4", "48000.00", 12),
]


def _category(name: str, parent=None) -> Category:
    existing = Category.objects.filter(name=name, parent=parent).first()
    return existing or services.category_create(name=name, parent=parent)


def _tree(nodes: dict, parent=None) -> dict[str, Category]:
    made = {}
    for name, children in nodes.items():
        made[name] = _category(name, parent)
        made.update(_tree(children, made[name]))
    return made


def seed(stdout) -> None:
    categories = _tree(TREE)
    for category, name, make, model, year, vin, price, stock in VEHICLES:
        if not Product.objects.filter(vin=vin).exists():
            services.product_create(
                name=name,
                make=make,
                model=model,
                year=year,
                vin=vin,
                price=Decimal(price),
                stock_quantity=stock,
                category=categories[category],
            )
    for name, price, stock in ACCESSORIES:
        if not Product.objects.filter(name=name).exists():
            services.product_create(
                name=name,
                price=Decimal(price),
                stock_quantity=stock,
                category=categories["Accessories"],
            )
    stdout.write(f"  {Category.objects.count()} categories, {Product.objects.count()} products")
