from django.db import migrations


def update(apps, schema_editor):
    from notifications.defaults import shipped_update

    shipped_update(apps.get_model("notifications", "Template"))  # the test drive's address


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_delivery_unsubscribed_at")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
