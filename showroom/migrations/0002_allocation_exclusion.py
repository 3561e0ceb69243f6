"""For a resource of one, PostgreSQL itself refuses overlapping active allocations: an
exclusion constraint on (resource, time range), which needs btree_gist for the equality on
the resource. The service's check under the resource's lock
comes first (showroom.services.allocations)."""

from django.db import migrations

CONSTRAINT = "showroom_allocation_exclusive_no_overlap"


def add(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE showroom_allocation ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(resource_id WITH =, tstzrange(start_time, end_time, '[)') WITH &&) "
        "WHERE (status = 'active' AND exclusive)"
    )


def remove(apps, schema_editor):
    schema_editor.execute(f"ALTER TABLE showroom_allocation DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("showroom", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
