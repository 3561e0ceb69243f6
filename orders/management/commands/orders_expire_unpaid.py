from datetime import timedelta

from django.conf import settings
from django.core.management import BaseCommand

from orders import services


class Command(BaseCommand):
    help = "Cancel pending orders that were not paid in time; their stock goes back on sale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=settings.ORDERS_UNPAID_EXPIRE_HOURS,
            metavar="HOURS",
            help="Only orders pending at least this long "
            f"(default {settings.ORDERS_UNPAID_EXPIRE_HOURS}, ORDERS_UNPAID_EXPIRE_HOURS).",
        )

    def handle(self, *args, older_than_hours, **options):
        cancelled = services.orders_unpaid_expire(older_than=timedelta(hours=older_than_hours))
        self.stdout.write(self.style.SUCCESS(f"Cancelled {cancelled} unpaid orders."))
