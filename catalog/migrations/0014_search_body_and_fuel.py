"""The search vector names the car's body type and fuel, in Russian and in English
(catalog/search.py, `kinds_named`): "кроссовер" and "дизель" find the cars they describe.
Every product's vector is written again with them."""

from django.db import migrations

# The labels as of this migration, Russian then English (a migration keeps its own copy).
NAMED = {
    "sedan": "Седан Sedan", "hatchback": "Хэтчбек Hatchback", "liftback": "Лифтбек Liftback",
    "wagon": "Универсал Wagon", "suv": "Внедорожник SUV", "crossover": "Кроссовер Crossover",
    "coupe": "Купе Coupe", "convertible": "Кабриолет Convertible",
    "minivan": "Минивэн Minivan", "pickup": "Пикап Pickup", "van": "Фургон Van",
    "petrol": "Бензин Petrol", "diesel": "Дизель Diesel", "hybrid": "Гибрид Hybrid",
    "electric": "Электро Electric", "lpg": "Газ/бензин LPG",
}  # fmt: skip


def vectors_written(apps, schema_editor):
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    Product = apps.get_model("catalog", "Product")
    products = Product.objects.using(schema_editor.connection.alias)
    for product in products.only("pk", "body_type", "fuel").iterator():
        named = " ".join(NAMED.get(value, "") for value in (product.body_type, product.fuel))
        products.filter(pk=product.pk).update(
            search_vector=SearchVector("make", "model", "trim", config="simple", weight="A")
            + SearchVector("name", config="russian", weight="B")
            + SearchVector(Value(named), config="russian", weight="B")
            + SearchVector("description", config="russian", weight="C")
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0013_product_purchase_price")]
    operations = [migrations.RunPython(vectors_written, migrations.RunPython.noop, elidable=True)]
