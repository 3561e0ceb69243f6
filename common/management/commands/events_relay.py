from django.core.management import BaseCommand

from common.events import bus


class Command(BaseCommand):
    help = (
        "Publish every outbox event that is still unpublished, in every app database, and "
        "confirm or redeliver the published ones whose consumers are due to have recorded them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=0,
            help="Only publish events at least this many seconds old (default: all).",
        )

    def handle(self, *args, older_than, **options):
        results = bus.relay(older_than_seconds=older_than)
        totals = {}
        for app_label, counts in results.items():
            if any(counts.values()):
                self.stdout.write(
                    f"{app_label}: " + ", ".join(f"{what} {n}" for what, n in counts.items())
                )
            for what, n in counts.items():
                totals[what] = totals.get(what, 0) + n
        self.stdout.write(
            self.style.SUCCESS(
                f"Published {totals.get('published', 0)} events; "
                f"confirmed {totals.get('confirmed', 0)}, "
                f"redelivered {totals.get('redelivered', 0)}."
            )
        )
