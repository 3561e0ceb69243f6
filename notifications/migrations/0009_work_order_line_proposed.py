"""A job found during the work that waits for the customer's word is told by e-mail and SMS
with its price and the work order's signed link (docs/service.md, "Messages"): the notice's
version 1."""

from django.db import migrations


def load(apps, schema_editor):
    from notifications.defaults import shipped_load

    shipped_load(apps.get_model("notifications", "Template"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_delivery_without_account")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
