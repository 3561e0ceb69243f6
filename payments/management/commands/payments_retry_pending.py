from datetime import timedelta

from django.core.management import BaseCommand

from payments import services


class Command(BaseCommand):
    help = (
        "Hand payments stuck in `pending` back to Celery (after a broker outage, say) and "
        "finish refunds left pending by a crash."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=300,
            metavar="SECONDS",
            help="Only payments pending at least this long (default 300).",
        )

    def handle(self, *args, older_than, **options):
        age = timedelta(seconds=older_than)
        payments = services.payments_pending_requeue(older_than=age)
        refunds = services.refunds_pending_complete(older_than=age)
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-enqueued {payments} pending payments; completed {refunds} pending refunds."
            )
        )
