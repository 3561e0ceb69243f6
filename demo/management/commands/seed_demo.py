import io
import logging
import time
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.test.utils import override_settings

from accounts import demo as accounts_demo
from catalog import demo as catalog_demo
from crm import demo as crm_demo
from demo import crossing, history, staff
from documents import demo as documents_demo
from financing import demo as financing_demo
from insurance import demo as insurance_demo
from integrations import demo as integrations_demo
from onec import demo as onec_demo
from orders import demo as orders_demo
from service import demo as service_demo
from showroom import demo as showroom_demo

# Each app's own few records, in the order they build on one another, then what crosses apps.
SEEDS = {
    "accounts": accounts_demo.seed,
    "catalog": catalog_demo.seed,
    # The showrooms before the orders: each car stands in one before anyone buys it, so
    # that every order belongs to its car's showroom (docs/showrooms.md).
    "showroom": showroom_demo.seed,
    "orders": orders_demo.seed,
    "financing": financing_demo.seed,
    "insurance": insurance_demo.seed,
    "crm": crm_demo.seed,
    "documents": documents_demo.seed,
    "what crosses apps": crossing.seed,
    "each showroom's people and company": staff.seed,
    # After the showrooms' managers: each showroom's is its service advisor in the demo.
    "service": service_demo.seed,
    "the classifieds' feeds": integrations_demo.seed,
    # After the showrooms: each of 1C's warehouses is mapped to one.
    "the exchange with 1C": onec_demo.seed,
}


def _commits_unsynced(
    sender: type[BaseDatabaseWrapper] | None = None,
    *,
    connection: BaseDatabaseWrapper,
    **kwargs: Any,
) -> None:
    """A commit waits for the disk, and the history commits thousands of times: demo data
    is made again in a minute, so its last commits need not survive a crash of the server.
    The setting lasts as long as the connection's session (a pooled connection goes back to
    the pool with it, and the seeding process ends soon after)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")


class Command(BaseCommand):
    help = (
        "Load demo data. Each domain app contributes through a `demo.seed(stdout)` function, "
        "then what crosses domains (demo/crossing.py), then 90 days of history "
        "ending today (demo/history.py); running it again adds nothing. It prints a "
        "line per step; with --verbosity 0 nothing but warnings. Refused under production "
        'settings (docs/operations.md, "Demo data").'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Only the few records of each app, not the 90 days of history.",
        )

    def handle(
        self, *args: Any, verbosity: int = 1, no_history: bool = False, **options: Any
    ) -> None:
        # Production settings say DEMO_DATA_ALLOWED = False: demo customers, orders and
        # payments have no place in a real dealership's books.
        if not getattr(settings, "DEMO_DATA_ALLOWED", True):
            raise CommandError(
                "seed_demo is refused under production settings (DEMO_DATA_ALLOWED is off): "
                "demo data would mix with the dealership's real records."
            )
        out = self.stdout if verbosity else io.StringIO()
        if verbosity < 2:
            # The work it sets off (eager tasks in embedded mode) logs a line per task.
            logging.getLogger("celery").setLevel(logging.WARNING)
        started = time.monotonic()
        connection_created.connect(_commits_unsynced)
        for connection in connections.all(initialized_only=True):
            _commits_unsynced(connection=connection)
        # Demo customers get no mail (account e-mails are sent as the history makes them),
        # the fake provider answers at once, no live push goes out (no feed is open on
        # history), the papers of ninety days of deals are not rendered one by one (staff
        # generate any from the admin; docs/documents.md), nobody is notified of a deal
        # closed weeks ago, and the thousands of queries are not kept for debugging.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            FAKE_PROVIDER_LATENCY_MS=0,
            CHANNEL_LAYERS={},
            DOCUMENTS_ON_EVENTS=False,
            NOTIFICATIONS_ON_EVENTS=False,
            DEBUG=False,
        ):
            for name, seed in SEEDS.items():
                out.write(f"Seeding {name}")
                seed(out)
            if not no_history:
                out.write("Seeding history")
                history.seed(out, verbosity=verbosity)
        connection_created.disconnect(_commits_unsynced)
        out.write(self.style.SUCCESS(f"Demo data is ready ({time.monotonic() - started:.0f} s)."))
