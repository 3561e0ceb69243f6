from django.core.management import BaseCommand

from integrations import services


class Command(BaseCommand):
    help = (
        "Encrypt every webhook secret again with the first key of WEBHOOKS_SECRETS_KEY, after "
        "a new key was put first; then the old key can leave the list "
        '(docs/integrations.md, "Secrets").'
    )

    def handle(self, *args, **options):
        count = services.subscription_secrets_reencrypt()
        self.stdout.write(self.style.SUCCESS(f"Encrypted again: {count} subscriptions."))
