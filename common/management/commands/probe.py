"""`manage.py probe worker|relay|beat`: an orchestrator's liveness command for the processes
that serve no HTTP (docs/operations.md, "Health"). Exits 0 while the kind's heartbeat file
is younger than LIVENESS_MAX_AGE_SECONDS, else 1 with one line saying why.

It runs every few seconds in every such container, so it reads one file's age and nothing
else: no database, no broker, and manage.py runs it without loading the apps (`main`)."""

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from common.liveness import heartbeat_age, heartbeat_path

KINDS = ("worker", "relay", "beat")


def probe(kind: str, max_age: float) -> tuple[bool, str]:
    """Whether `kind`'s loop has turned within `max_age` seconds, and a line saying so."""
    age = heartbeat_age(kind)
    if age is None:
        return False, f"{kind}: no heartbeat yet ({heartbeat_path(kind)} does not exist)"
    if age > max_age:
        return False, f"{kind}: last heartbeat {age:.0f} s ago, more than {max_age:g} s"
    return True, f"{kind}: alive, last heartbeat {age:.1f} s ago"


class Command(BaseCommand):
    help = "Exit 0 while the worker's, relay's or beat's heartbeat is fresh, else 1."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument(
            "--max-age",
            type=float,
            default=None,
            help="Seconds a heartbeat stays fresh (default LIVENESS_MAX_AGE_SECONDS).",
        )

    def handle(self, *args: Any, kind: str, max_age: float | None, **options: Any) -> None:
        alive, line = probe(kind, settings.LIVENESS_MAX_AGE_SECONDS if max_age is None else max_age)
        if not alive:
            self.stderr.write(line)
            sys.exit(1)
        self.stdout.write(line)


def main(argv: list[str]) -> None:
    """`manage.py probe ...` without django.setup(): settings only, a fraction of the time."""
    Command().run_from_argv(["manage.py", "probe", *argv])
