from django.db import migrations, models


def resource_from_stored_response(apps, schema_editor):
    """Keys used to store the first response; the payment's id is what they keep now."""
    Key = apps.get_model("payments", "PaymentIdempotencyKey")
    db = schema_editor.connection.alias
    for key in Key.objects.using(db).exclude(response_body=None).only("response_body"):
        key.resource_id = key.response_body.get("id")
        key.save(using=db, update_fields=["resource_id"])


class Migration(migrations.Migration):
    """Payment keys move to the shared idempotency table shape (owner, key, resource), and
    the payable order counts the versions of what it has captured."""

    dependencies = [
        ("payments", "0002_payments"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="paymentidempotencykey",
            name="payments_idempotency_once",
        ),
        migrations.RenameField(
            model_name="paymentidempotencykey",
            old_name="user_id",
            new_name="owner_id",
        ),
        migrations.AddField(
            model_name="paymentidempotencykey",
            name="resource_id",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(resource_from_stored_response, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="paymentidempotencykey",
            name="response_body",
        ),
        migrations.RemoveField(
            model_name="paymentidempotencykey",
            name="response_status",
        ),
        migrations.AddConstraint(
            model_name="paymentidempotencykey",
            constraint=models.UniqueConstraint(
                fields=("owner_id", "key"), name="payments_idempotency_once"
            ),
        ),
        migrations.AddField(
            model_name="payableorder",
            name="captured_version",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
