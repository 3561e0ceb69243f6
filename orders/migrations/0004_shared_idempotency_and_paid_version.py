from django.db import migrations, models


class Migration(migrations.Migration):
    """Order keys move to the shared idempotency table shape (owner, key, resource), and the
    order keeps the version of payments' captured amount it last applied."""

    dependencies = [
        ("orders", "0003_order_links"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="orderidempotencykey",
            name="orders_idempotency_once",
        ),
        migrations.RenameField(
            model_name="orderidempotencykey",
            old_name="customer_id",
            new_name="owner_id",
        ),
        migrations.RenameField(
            model_name="orderidempotencykey",
            old_name="order_id",
            new_name="resource_id",
        ),
        migrations.AlterField(
            model_name="orderidempotencykey",
            name="resource_id",
            field=models.UUIDField(null=True),
        ),
        migrations.AddConstraint(
            model_name="orderidempotencykey",
            constraint=models.UniqueConstraint(
                fields=("owner_id", "key"), name="orders_idempotency_once"
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="paid_version",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
