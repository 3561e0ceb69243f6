from typing import Any

from django.core.management import BaseCommand, CommandParser
from django.utils import timezone

from common.events import publishing, registry


class Command(BaseCommand):
    help = (
        "List the outbox events that some consumer has not recorded yet (unpublished, or "
        "handed to the broker and not consumed), and redeliver them now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--redeliver",
            nargs="*",
            metavar="EVENT_ID",
            help="Hand these events (all listed when none are given) to their missing "
            "consumers now, without waiting for their next attempt.",
        )

    def handle(self, *args: Any, redeliver: list[str] | None, **options: Any) -> None:
        now = timezone.now()
        listed = 0
        for app_label in registry.outbox_apps():
            rows = publishing.undelivered(app_label, due_only=False)
            missing = publishing.unconsumed(rows)
            pending = [row for row in rows if missing[str(row.id)]]
            for row in pending:
                names = ", ".join(c.name for c in missing[str(row.id)])
                self.stdout.write(
                    f"{row.id}  {app_label:<10} {row.type:<24} "
                    f"age={(now - row.occurred_at).total_seconds():.0f}s "
                    f"hand-overs={row.attempts}  missing: {names}"
                )
            listed += len(pending)
            if redeliver is not None:
                chosen = [row for row in rows if not redeliver or str(row.id) in redeliver]
                counts = publishing.redeliver(app_label, chosen) if chosen else {}
                if counts.get("redelivered"):
                    self.stdout.write(f"{app_label}: redelivered {counts['redelivered']}")
        self.stdout.write(f"{listed} undelivered events.")
