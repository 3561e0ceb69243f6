from django.db import migrations


def load(apps, schema_editor):
    from notifications.defaults import shipped_load

    shipped_load(apps.get_model("notifications", "Template"))  # the trade-in's notices


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_shipped_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
