"""A delivery to a person of no account (a service booker who confirmed a phone), the showroom
a notice about no order is about, and the zone of the recipient's quiet hours; the service
department's notices' version 1 (docs/notifications.md, "Without an account")."""

from django.db import migrations, models


def load(apps, schema_editor):
    from notifications.defaults import shipped_load

    shipped_load(apps.get_model("notifications", "Template"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_loan_pre_approved_and_reissued")]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="showroom_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="delivery",
            name="time_zone",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="user_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
