from django.db import migrations


def load(apps, schema_editor):
    from documents.defaults import shipped_load

    # The buy-back contract's shipped templates (docs/tradein.md); the others have theirs.
    shipped_load(apps.get_model("documents", "DocumentTemplate"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_default_templates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
