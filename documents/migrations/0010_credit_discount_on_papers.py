"""The offer, the invoice and the sale contract state the dealer's credit discount where the
order has one, and the price without the loan (docs/financing.md, "The credit discount"):
their next version in both languages."""

from django.db import migrations


def credit_discount_stated(apps, schema_editor):
    from documents.defaults import shipped_update

    shipped_update(
        apps.get_model("documents", "DocumentTemplate"),
        using=schema_editor.connection.alias,
        kinds=["offer", "invoice", "sale_contract"],
        note="The credit discount and the price without the loan",
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0009_loan_schedule_names_the_bank")]

    operations = [migrations.RunPython(credit_discount_stated, migrations.RunPython.noop)]
