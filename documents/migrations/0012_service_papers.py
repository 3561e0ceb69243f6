"""The service department's papers (docs/service.md, "Papers"): the acceptance act, the work
order and the completion act, shipped as version 1 in both languages; a paper of a car driven
in by someone without an account names no customer's account."""

from django.db import migrations, models


def service_papers_shipped(apps, schema_editor):
    from documents.defaults import shipped_load

    shipped_load(
        apps.get_model("documents", "DocumentTemplate"), using=schema_editor.connection.alias
    )



class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0011_loan_schedule_follows_the_terms'),
    ]

    operations = [
        migrations.RunPython(service_papers_shipped, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='document',
            name='customer_id',
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
    ]
