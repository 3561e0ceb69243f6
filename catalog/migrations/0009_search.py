import re

import django.contrib.postgres.search
from django.db import migrations, models

# catalog/search.py's phonetic key, as of this migration (a migration keeps its own copy).
CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфхыэ", "abvgdeziiklmnoprstufhye", strict=True)),
    **{"ё": "e", "ж": "zh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya"},
    **{"ъ": "", "ь": ""},
}
SOUNDS_ALIKE = [("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("x", "ks"),
                ("y", "i"), ("j", "dzh")]  # fmt: skip

# The indexes of catalog/search.py and the facets' filters, PostgreSQL's own: pg_trgm for
# typos and partial VINs, GIN for the full-text vector.
POSTGRESQL_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_vector "
    "ON catalog_product USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_key_trgm "
    "ON catalog_product USING gin (search_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalog_product_vin_trgm "
    "ON catalog_product USING gin (vin gin_trgm_ops)",
]
POSTGRESQL_TEARDOWN = [
    "DROP INDEX IF EXISTS catalog_product_vin_trgm",
    "DROP INDEX IF EXISTS catalog_product_search_key_trgm",
    "DROP INDEX IF EXISTS catalog_product_search_vector",
]


def phonetic_key(text):
    text = "".join(CYRILLIC.get(char, char) for char in text.lower()).replace("-", "")
    for spelling, sound in SOUNDS_ALIKE:
        text = text.replace(spelling, sound)
    text = re.sub(r"(.)\1+", r"\1", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def search_fields(apps, schema_editor):
    """The indexes (before any row changes: no index is built with checks pending), then
    every product's phonetic key and search vector."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in POSTGRESQL_SETUP:
            schema_editor.execute(statement)
    Product = apps.get_model("catalog", "Product")
    products = Product.objects.using(connection.alias)
    for product in products.only("pk", "name", "make", "model", "trim"):
        key = phonetic_key(" ".join([product.name, product.make, product.model, product.trim]))
        products.filter(pk=product.pk).update(search_key=key)
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector

    products.update(
        search_vector=SearchVector("make", "model", "trim", config="simple", weight="A")
        + SearchVector("name", config="russian", weight="B")
        + SearchVector("description", config="russian", weight="C")
    )


def search_indexes_dropped(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_TEARDOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_vehicles"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_key",
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="product",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(search_fields, search_indexes_dropped, elidable=False),
    ]
