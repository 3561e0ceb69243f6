"""Every app's stored secrets sealed again with the first key (common/encryption.py)."""

from typing import Any

from django.core.management import BaseCommand

from common.registry import secrets_reencrypt_all


class Command(BaseCommand):
    help = (
        "Encrypt every stored secret again (the webhook subscriptions' and the partner banks') "
        "with the first key of WEBHOOKS_SECRETS_KEY, after a new key was put first; then the "
        'old key can leave the list (docs/integrations.md, "Secrets").'
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for app, count in secrets_reencrypt_all().items():
            self.stdout.write(self.style.SUCCESS(f"Encrypted again: {count} ({app})."))
