"""The showrooms made before the catalog learned of them from `showroom_place.*` events are
announced once, so that cars can be placed in them and moved between them
(docs/showrooms.md, "Where each car is") without waiting for their next change."""

from django.db import migrations, transaction


def showrooms_announced(apps, schema_editor):
    from showroom.events import SHOWROOM_UPDATED, showroom_payload

    using = schema_editor.connection.alias
    Showroom = apps.get_model("showroom", "Showroom")
    with transaction.atomic(using=using):
        for showroom in Showroom.objects.using(using).order_by("created_at"):
            SHOWROOM_UPDATED.emit(aggregate_id=showroom.pk, payload=showroom_payload(showroom))


class Migration(migrations.Migration):
    dependencies = [("showroom", "0010_showrooms")]

    operations = [
        migrations.RunPython(showrooms_announced, migrations.RunPython.noop, elidable=True),
    ]
