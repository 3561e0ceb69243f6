"""The templates the project ships (documents/defaults/), as version 1 of each kind in each
language. A later change to a shipped template comes with a migration that adds it as the
next version; what the admin wrote stays (docs/documents.md, "Templates")."""

from django.db import migrations


def defaults_loaded(apps, schema_editor):
    from documents.defaults import shipped_load

    shipped_load(apps.get_model("documents", "DocumentTemplate"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(defaults_loaded, migrations.RunPython.noop)]
