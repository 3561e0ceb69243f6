from django.db import migrations, models
from django.db.models import F


def cover_kept(apps, schema_editor):
    """The policies sold before the rule keep the cover they were sold with: their car is
    taken as paid when their premium was (docs/deal.md, "Insurance")."""
    Policy = apps.get_model("insurance", "Policy")
    Policy.objects.using(schema_editor.connection.alias).filter(paid_at__isnull=False).update(
        car_paid_at=F("paid_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("insurance", "0001_squashed_0007_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="car_paid_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(cover_kept, migrations.RunPython.noop, elidable=True),
    ]
