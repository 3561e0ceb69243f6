"""Webhook secrets encrypted at rest (docs/integrations.md, "Secrets"): each plain-text
secret is sealed with WEBHOOKS_SECRETS_KEY, then the plain-text column is dropped. Going
back opens them again."""

from django.db import migrations, models

from integrations.signing import secret_decrypt, secret_encrypt


def encrypt_secrets(apps, schema_editor):
    Subscription = apps.get_model("integrations", "WebhookSubscription")
    db = schema_editor.connection.alias
    for subscription in Subscription.objects.using(db).only("pk", "secret"):
        subscription.secret_encrypted = secret_encrypt(subscription.secret)
        subscription.save(using=db, update_fields=["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    Subscription = apps.get_model("integrations", "WebhookSubscription")
    db = schema_editor.connection.alias
    for subscription in Subscription.objects.using(db).only("pk", "secret_encrypted"):
        subscription.secret = secret_decrypt(subscription.secret_encrypted)
        subscription.save(using=db, update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_delivery_queued_until"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhooksubscription",
            name="secret_encrypted",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhooksubscription",
            name="previous_secret_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhooksubscription",
            name="previous_secret_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False),
        migrations.RemoveField(model_name="webhooksubscription", name="secret"),
    ]
