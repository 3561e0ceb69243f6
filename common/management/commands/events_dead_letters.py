from typing import Any

from django.core.management import BaseCommand, CommandParser

from common.events import dead_letters


class Command(BaseCommand):
    help = "List the events that a consumer gave up on, and replay them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replay",
            nargs="*",
            metavar="EVENT_ID",
            help="Replay these event ids (all dead letters when none are given).",
        )

    def handle(self, *args: Any, replay: list[str] | None, **options: Any) -> None:
        letters = dead_letters.dead_letters()
        if replay is None:
            for row in letters:
                self.stdout.write(
                    f"{row.event_id}  {row.event_type:<24} {row.consumer:<40} "
                    f"attempts={row.attempts}  {row.last_error[:80]}"
                )
            self.stdout.write(f"{len(letters)} dead letters.")
            return
        chosen = [row for row in letters if not replay or str(row.event_id) in replay]
        applied = sum(dead_letters.dead_letter_replay(row) for row in chosen)
        failed = len(chosen) - applied
        style = self.style.SUCCESS if not failed else self.style.ERROR
        self.stdout.write(style(f"Replayed {len(chosen)}: {applied} applied, {failed} failed."))
