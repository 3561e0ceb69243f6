from datetime import date, timedelta

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from payments.services.reconciliation import ledger_reconcile


class Command(BaseCommand):
    help = (
        "Compare a day's charges and refunds at the payment provider with the ledger and "
        "report every difference: missing from the ledger, extra in it, or another amount. "
        'Exits with status 1 when there is any (docs/payments.md, "Reconciliation").'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="The day, in the site's time zone (default: yesterday).",
        )
        parser.add_argument("--provider", help="The provider's name (default: PAYMENTS_PROVIDER).")

    def handle(self, *args, date=None, provider=None, **options):
        day = date or timezone.localdate() - timedelta(days=1)
        differences = ledger_reconcile(day=day, provider=provider)
        for difference in differences:
            self.stdout.write(str(difference))
        if differences:
            raise CommandError(f"{len(differences)} difference(s) on {day}.")
        self.stdout.write(self.style.SUCCESS(f"{day}: the ledger agrees with the provider."))
