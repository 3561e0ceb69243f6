"""The loan's disbursement e-mail and SMS name the partner bank that lent it
(docs/financing.md): the next version of each shipped template not rewritten since."""

from django.db import migrations


def update(apps, schema_editor):
    from notifications.defaults import REWRITTEN, shipped_update

    shipped_update(
        apps.get_model("notifications", "Template"),
        {key: old for key, old in REWRITTEN.items() if key[0] == "loan.disbursed"},
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_test_drive_place")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
