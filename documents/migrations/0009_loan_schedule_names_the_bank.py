"""The loan's schedule names the partner bank whose offer the buyer chose, and the loan's full
cost of credit (docs/financing.md): its next version in both languages."""

from django.db import migrations


def bank_named(apps, schema_editor):
    from documents.defaults import shipped_update

    shipped_update(
        apps.get_model("documents", "DocumentTemplate"),
        using=schema_editor.connection.alias,
        kinds=["loan_schedule"],
        note="The lender and the full cost of credit (353-FZ, art. 6)",
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0008_numbering_per_legal_entity")]

    operations = [migrations.RunPython(bank_named, migrations.RunPython.noop)]
