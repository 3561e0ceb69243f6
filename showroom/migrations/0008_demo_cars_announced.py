"""The demo cars that existed before the catalog learned of them from `resource.*` events are
announced once, so that their vehicles say they can be test-driven (docs/api.md, "Test
drives") without waiting for their next change."""

from django.db import migrations, transaction


def demo_cars_announced(apps, schema_editor):
    from showroom.events import RESOURCE_UPDATED, resource_payload

    using = schema_editor.connection.alias
    Resource = apps.get_model("showroom", "Resource")
    demo_cars = Resource.objects.using(using).filter(vehicle_id__isnull=False, deleted_at=None)
    with transaction.atomic(using=using):
        for resource in demo_cars.order_by("created_at"):
            RESOURCE_UPDATED.emit(aggregate_id=resource.pk, payload=resource_payload(resource))


class Migration(migrations.Migration):
    dependencies = [("showroom", "0007_verbose_names")]

    operations = [
        migrations.RunPython(demo_cars_announced, migrations.RunPython.noop, elidable=True),
    ]
