"""The dealership's pre-check tells the buyer the loan is pre-approved, naming no rate nor
payment; the terms come when the buyer takes a bank's offer (`loan.offer_chosen`), and a
schedule drawn again is told as re-issued (`loan.schedule_reissued`; docs/notifications.md):
the new notices' version 1, and the next version of each pre-check template not rewritten
since."""

from django.db import migrations


def update(apps, schema_editor):
    from notifications.defaults import REWRITTEN, shipped_load, shipped_update

    template = apps.get_model("notifications", "Template")
    shipped_load(template)
    shipped_update(
        template, {key: old for key, old in REWRITTEN.items() if key[0] == "loan.approved"}
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_loan_disbursed_names_the_bank")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
