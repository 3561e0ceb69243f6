from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = (
        "The former name of `secrets_reencrypt`, kept: encrypt every stored secret again (the "
        "webhook subscriptions' and the partner banks') with the first key of "
        'WEBHOOKS_SECRETS_KEY (docs/integrations.md, "Secrets").'
    )

    def handle(self, *args, **options):
        call_command("secrets_reencrypt", stdout=self.stdout, stderr=self.stderr)
