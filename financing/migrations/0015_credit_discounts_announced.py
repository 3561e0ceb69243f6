"""The credit discounts made before their events existed are announced once, so that the
classifieds' feeds (docs/feeds.md) state them without waiting for their next change."""

from django.db import migrations, transaction


def credit_discounts_announced(apps, schema_editor):
    from financing.events import CREDIT_DISCOUNT_CREATED, credit_discount_payload

    using = schema_editor.connection.alias
    CreditDiscount = apps.get_model("financing", "CreditDiscount")
    with transaction.atomic(using=using):
        for discount in CreditDiscount.objects.using(using).order_by("created_at"):
            CREDIT_DISCOUNT_CREATED.emit(
                aggregate_id=discount.pk, payload=credit_discount_payload(discount)
            )


class Migration(migrations.Migration):
    dependencies = [("financing", "0014_credit_discount")]

    operations = [
        migrations.RunPython(credit_discounts_announced, migrations.RunPython.noop, elidable=True),
    ]
