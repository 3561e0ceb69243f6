from django.db import migrations, models


def grant_the_group(apps, schema_editor):
    """A manager bound to no showroom saw the whole group: that view is now an explicit grant
    (docs/showrooms.md, "Staff per showroom"), given to those who had it so that no group
    manager loses it on this release. From now on an unticked manager sees no showroom's."""
    User = apps.get_model("accounts", "User")
    User.objects.using(schema_editor.connection.alias).filter(
        role="manager", showroom_ids=[]
    ).update(whole_group=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0020_consent_recipient"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="whole_group",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(grant_the_group, migrations.RunPython.noop, elidable=True),
    ]
