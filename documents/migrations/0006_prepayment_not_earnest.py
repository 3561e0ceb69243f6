"""The offer and the sale contract call the money that holds a car what the site sells, a
prepayment (an advance), and say it is no earnest money (docs/documents.md, "Prepayment,
not earnest money"): their next version in both languages."""

from django.db import migrations


def prepayment_stated(apps, schema_editor):
    from documents.defaults import shipped_update

    shipped_update(
        apps.get_model("documents", "DocumentTemplate"),
        using=schema_editor.connection.alias,
        kinds=["offer", "sale_contract"],
        note="The prepayment is an advance, not earnest money (Civil Code, art. 380-381)",
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_legal_entity_confirmed")]

    operations = [migrations.RunPython(prepayment_stated, migrations.RunPython.noop)]
