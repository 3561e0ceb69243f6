"""The loan's schedule follows the loan's terms (docs/documents.md, "Papers follow the
terms"): what documents last heard of each loan's terms, a document made void with no
successor, and the schedule's next version in both languages, which names the schedule it
replaces."""

from django.db import migrations, models


def replaces_named(apps, schema_editor):
    from documents.defaults import shipped_update

    shipped_update(
        apps.get_model("documents", "DocumentTemplate"),
        using=schema_editor.connection.alias,
        kinds=["loan_schedule"],
        note="Names the schedule it replaces",
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_credit_discount_on_papers")]

    operations = [
        migrations.CreateModel(
            name="LoanTerms",
            fields=[
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("application_id", models.UUIDField(primary_key=True, serialize=False)),
                ("order_id", models.UUIDField(db_index=True)),
                ("reported_at", models.DateTimeField()),
                ("event_type", models.CharField(max_length=64)),
                ("withdrawn", models.BooleanField(default=False)),
            ],
            options={"ordering": ["-reported_at"]},
        ),
        migrations.AddField(
            model_name="document",
            name="void_reason",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="document",
            name="voided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(replaces_named, migrations.RunPython.noop),
    ]
