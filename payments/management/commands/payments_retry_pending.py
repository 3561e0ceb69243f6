from datetime import timedelta

from django.conf import settings
from django.core.management import BaseCommand

from payments import services


class Command(BaseCommand):
    help = (
        "Settle payments stuck in `pending` (a lost task, a worker killed mid-charge): ask "
        "the provider, then complete, fail or hand them back to Celery; and finish refunds "
        "left pending. Beat runs the same sweep every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.PAYMENTS_PENDING_SWEEP_AFTER_SECONDS,
            metavar="SECONDS",
            help="Only payments pending at least this long "
            f"(default {settings.PAYMENTS_PENDING_SWEEP_AFTER_SECONDS}).",
        )

    def handle(self, *args, older_than, **options):
        counts = services.payments_pending_sweep(older_than=timedelta(seconds=older_than))
        self.stdout.write(
            self.style.SUCCESS(", ".join(f"{what}: {count}" for what, count in counts.items()))
        )
