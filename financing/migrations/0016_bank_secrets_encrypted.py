"""The partner banks' callback secrets encrypted at rest, as the webhook secrets are
(common/encryption.py; docs/financing.md, "The bank's secret"): each plain-text secret is
sealed with WEBHOOKS_SECRETS_KEY, then the plain-text column is dropped. Going back opens
them again."""

from django.db import migrations, models

from common.encryption import secret_decrypt, secret_encrypt


def encrypt_secrets(apps, schema_editor):
    Bank = apps.get_model("financing", "Bank")
    db = schema_editor.connection.alias
    for bank in Bank.objects.using(db).exclude(secret="").only("pk", "secret"):
        bank.secret_encrypted = secret_encrypt(bank.secret)
        bank.save(using=db, update_fields=["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    Bank = apps.get_model("financing", "Bank")
    db = schema_editor.connection.alias
    for bank in Bank.objects.using(db).exclude(secret_encrypted="").only("pk", "secret_encrypted"):
        bank.secret = secret_decrypt(bank.secret_encrypted)
        bank.save(using=db, update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("financing", "0015_credit_discounts_announced"),
    ]

    operations = [
        migrations.AddField(
            model_name="bank",
            name="secret_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bank",
            name="previous_secret_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bank",
            name="previous_secret_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="bank",
            name="secret_rotated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False),
        migrations.RemoveField(model_name="bank", name="secret"),
    ]
