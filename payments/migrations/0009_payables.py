"""Payments pay a payable (docs/deal.md, "Payables"): an order, a seat at a paid event or an
insurance premium, named by kind and id on the payable, the payment and every ledger row. The
ledger also records the lender's money, which moves without a payment of ours."""

import django.db.models.deletion
from django.db import migrations, models

KINDS = [("order", "Order"), ("registration", "Event registration"), ("policy", "Insurance premium")]


def ledger_kinds_and_orders(apps, schema_editor):
    """Existing ledger rows take their payment's kind; existing payables of orders name
    their order."""
    db = schema_editor.connection.alias
    Payment = apps.get_model("payments", "Payment")
    Ledger = apps.get_model("payments", "LedgerTransaction")
    Payable = apps.get_model("payments", "Payable")
    for kind in Payment.objects.using(db).exclude(payable_kind="order").values_list(
        "payable_kind", flat=True
    ).distinct():
        paid = Payment.objects.using(db).filter(payable_kind=kind).values("pk")
        Ledger.objects.using(db).filter(payment_id__in=paid).update(payable_kind=kind)
    Payable.objects.using(db).filter(payable_kind="order").update(order_id=models.F("payable_id"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0008_verbose_names")]

    operations = [
        migrations.RenameModel("PayableOrder", "Payable"),
        migrations.RenameField("payable", "order_id", "payable_id"),
        migrations.RenameField("payable", "kind", "payable_kind"),
        migrations.AlterField(
            "payable",
            "payable_kind",
            models.CharField(choices=KINDS, default="order", max_length=16),
        ),
        migrations.AddField(
            "payable",
            "order_id",
            models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            "payable",
            "financed_amount",
            models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
        migrations.AddField(
            "payable",
            "financed_as_of",
            models.DateTimeField(blank=True, null=True),
        ),
        migrations.RenameField("payment", "order_id", "payable_id"),
        migrations.RenameField("payment", "kind", "payable_kind"),
        migrations.AlterField(
            "payment",
            "payable_kind",
            models.CharField(choices=KINDS, default="order", max_length=16),
        ),
        migrations.RenameField("ledgertransaction", "order_id", "payable_id"),
        migrations.AddField(
            "ledgertransaction",
            "payable_kind",
            models.CharField(choices=KINDS, default="order", max_length=16),
        ),
        migrations.AddField(
            "ledgertransaction",
            "loan_application_id",
            models.UUIDField(blank=True, null=True),
        ),
        migrations.AlterField(
            "ledgertransaction",
            "payment",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transactions",
                to="payments.payment",
            ),
        ),
        migrations.AlterField(
            "ledgertransaction",
            "type",
            models.CharField(
                choices=[
                    ("charge", "Charge"),
                    ("refund", "Refund"),
                    ("loan_disbursement", "Loan disbursement"),
                    ("loan_return", "Loan return"),
                ],
                max_length=24,
            ),
        ),
        migrations.RunPython(ledger_kinds_and_orders, migrations.RunPython.noop),
        migrations.AddConstraint(
            "ledgertransaction",
            models.UniqueConstraint(
                condition=models.Q(loan_application_id__isnull=False),
                fields=("loan_application_id", "type"),
                name="payments_ledger_loan_once",
            ),
        ),
        migrations.AddConstraint(
            "ledgertransaction",
            models.CheckConstraint(
                condition=models.Q(payment__isnull=False)
                | models.Q(loan_application_id__isnull=False),
                name="payments_ledger_has_source",
            ),
        ),
    ]
