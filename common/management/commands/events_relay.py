import signal
from typing import Any

from django.core.management import BaseCommand, CommandParser

from common.events import publishing
from common.events.relay import Relay


class Command(BaseCommand):
    help = (
        "Publish every outbox event that is still unpublished, in every app database, and "
        "confirm or redeliver the published ones whose consumers are due to have recorded them. "
        "With --follow, keep running and publish each event as soon as it commits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=0,
            help="Only publish events at least this many seconds old (default: all).",
        )
        parser.add_argument(
            "--follow",
            action="store_true",
            help="Run until stopped (SIGTERM, Ctrl-C), woken by every commit that emits "
            '(docs/operations.md, "Events: published by the relay").',
        )

    def handle(self, *args: Any, older_than: float, follow: bool, **options: Any) -> None:
        if follow:
            return self.follow()
        results = publishing.relay(older_than_seconds=older_than)
        totals: dict[str, int] = {}
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

    def follow(self) -> None:
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        relay = Relay()
        self.stderr.write(f"The relay listens to {', '.join(relay.apps)}.")
        try:
            relay.run(should_stop=lambda: bool(stopping))
        finally:
            relay.close()
