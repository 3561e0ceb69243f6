import uuid
from datetime import date
from decimal import Decimal

import django.core.validators
from django.db import migrations, models
from django.utils.text import slugify

# What the cars stocked before this migration are, by make and model: body, fuel, engine
# volume, power, transmission, drive. A model missing here keeps an empty specification for
# a manager to fill in.
KNOWN_MODELS = {
    ("toyota", "camry"): ("sedan", "petrol", "2.5", 200, "automatic", "fwd"),
    ("skoda", "octavia"): ("liftback", "petrol", "1.4", 150, "robot", "fwd"),
    ("haval", "jolion"): ("crossover", "petrol", "1.5", 143, "robot", "fwd"),
    ("buick", "lacrosse"): ("sedan", "petrol", "3.8", 200, "automatic", "fwd"),
    ("kia", "k5"): ("sedan", "petrol", "2.5", 194, "automatic", "fwd"),
    ("lada", "vesta"): ("sedan", "petrol", "1.6", 106, "manual", "fwd"),
    ("chery", "tiggo 7 pro max"): ("crossover", "petrol", "1.5", 147, "cvt", "fwd"),
    ("geely", "coolray"): ("crossover", "petrol", "1.5", 150, "robot", "fwd"),
    ("geely", "monjaro"): ("crossover", "petrol", "2.0", 238, "automatic", "awd"),
    ("haval", "f7"): ("crossover", "petrol", "2.0", 190, "robot", "awd"),
    ("toyota", "rav4"): ("crossover", "petrol", "2.0", 149, "cvt", "awd"),
}


def one_car_one_vin(apps, schema_editor):
    """Every product with a VIN becomes a vehicle, with what is known of its model. One
    stocked by the dozen becomes one product per car: the VIN stays on the original (its
    orders keep pointing at it), and the others wait for a manager to enter theirs."""
    Product = apps.get_model("catalog", "Product")
    db = schema_editor.connection.alias
    this_year = date.today().year
    for product in Product.objects.using(db).filter(vin__isnull=False).order_by("created_at"):
        known = KNOWN_MODELS.get((product.make.lower(), product.model.lower()))
        if known is not None:
            body, fuel, volume, power, transmission, drive = known
            product.body_type, product.fuel, product.engine_volume = body, fuel, Decimal(volume)
            product.power_hp, product.transmission, product.drive = power, transmission, drive
        # The lot sold new cars of the last few model years; an older one was taken in.
        used = product.year is not None and product.year < this_year - 3
        product.kind = "vehicle"
        product.condition = "used" if used else "new"
        product.mileage_km = None if used else 0
        product.model_key = slugify(f"{product.make} {product.model} {product.trim}", True)
        units, product.stock_quantity = product.stock_quantity, min(product.stock_quantity, 1)
        product.save(using=db)
        copies = []
        for _ in range(units - 1):
            product.pk, product.vin = uuid.uuid4(), None
            copies.append(
                Product(
                    **{
                        f.attname: getattr(product, f.attname)
                        for f in Product._meta.concrete_fields
                    }
                )
            )
        Product.objects.using(db).bulk_create(copies)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_demo_cars"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="body_type",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="product",
            name="color",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="product",
            name="condition",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="product",
            name="drive",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name="product",
            name="engine_volume",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                max_digits=3,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0.1")),
                    django.core.validators.MaxValueValidator(Decimal("10.0")),
                ],
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="fuel",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="product",
            name="kind",
            field=models.CharField(default="accessory", max_length=16),
        ),
        migrations.AddField(
            model_name="product",
            name="mileage_km",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(2000000)],
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="model_key",
            field=models.CharField(blank=True, editable=False, max_length=240),
        ),
        migrations.AddField(
            model_name="product",
            name="options",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="product",
            name="owners_count",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[django.core.validators.MaxValueValidator(50)]
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="power_hp",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[django.core.validators.MaxValueValidator(2000)]
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="transmission",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="product",
            name="trim",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(one_car_one_vin, migrations.RunPython.noop, elidable=False),
    ]
