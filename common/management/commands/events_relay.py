from django.core.management import BaseCommand

from common.events import bus


class Command(BaseCommand):
    help = "Publish every outbox event that is still unpublished, in every app database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=0,
            help="Only events at least this many seconds old (default: all).",
        )

    def handle(self, *args, older_than, **options):
        results = bus.relay(older_than_seconds=older_than)
        for app_label, count in results.items():
            if count:
                self.stdout.write(f"{app_label}: published {count}")
        self.stdout.write(self.style.SUCCESS(f"Published {sum(results.values())} events."))
