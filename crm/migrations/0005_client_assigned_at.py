from django.db import migrations, models
from django.db.models import F


def assigned_when_created(apps, schema_editor):
    """A client who has a manager already was given them when recorded, as far as anyone
    knows: their turn in the round robin (docs/crm.md, "Assignment") counts from then."""
    Client = apps.get_model("crm", "Client")
    Client.objects.using(schema_editor.connection.alias).filter(manager_id__isnull=False).update(
        assigned_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_squashed_0004_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="assigned_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(assigned_when_created, migrations.RunPython.noop),
    ]
