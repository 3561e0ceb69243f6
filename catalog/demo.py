"""Demo catalog for `manage.py seed_demo`: a small tree of categories and vehicles. The
models stocked by the dozen are what the 90 days of demo history sell (config/demo_history.py);
the few of each above them are the small demo's."""

from decimal import Decimal
from typing import TypeAlias

from catalog import services
from catalog.models import Category, Product

# Categories by name, each with its subcategories.
Tree: TypeAlias = dict[str, "Tree"]

TREE: Tree = {"Cars": {"Sedans": {}, "SUVs": {"Compact SUVs": {}}}, "Accessories": {}}
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
    ("Sedans", "Kia K5 2.5", "Kia", "K5", 2024, "KNAG441CBR5123456", "3190000.00", 70),
    ("Sedans", "Lada Vesta 1.6", "Lada", "Vesta", 2025, "XTAGFL110RY123456", "1390000.00", 90),
    (
        "Compact SUVs",
        "Chery Tiggo 7 Pro Max",
        "Chery",
        "Tiggo 7 Pro Max",
        2025,
        "LVVDB21B3RD123456",
        "2790000.00",
        80,
    ),
    (
        "Compact SUVs",
        "Geely Coolray",
        "Geely",
        "Coolray",
        2024,
        "L6T7944S5RN123456",
        "2349000.00",
        60,
    ),
    ("SUVs", "Geely Monjaro", "Geely", "Monjaro", 2025, "L6T7844Z8RN654321", "4390000.00", 15),
    ("SUVs", "Haval F7", "Haval", "F7", 2024, "LGWFF7A59RH654321", "2899000.00", 45),
    ("SUVs", "Toyota RAV4 2.0", "Toyota", "RAV4", 2024, "JTMW43FV50D123456", "3990000.00", 12),
]
ACCESSORIES = [
    ("Floor mats, all-weather", "6500.00", 80),
    ("Winter tyres, set of 4", "48000.00", 12),
    ("Dash camera with GPS", "12900.00", 120),
    ("Roof box, 420 l", "32000.00", 40),
    ("Child car seat, 9-36 kg", "18500.00", 50),
]


def _category(name: str, parent: Category | None = None) -> Category:
    existing = Category.objects.filter(name=name, parent=parent).first()
    return existing or services.category_create(name=name, parent=parent)


def _tree(nodes: Tree, parent: Category | None = None) -> dict[str, Category]:
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
