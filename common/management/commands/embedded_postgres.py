"""`manage.py embedded_postgres start|stop|status`: the embedded PostgreSQL server of `make run`
(common/db/cluster.py; docs/operations.md, "The embedded PostgreSQL").

`start` makes the server under EMBEDDED_POSTGRES_DIR on its first run, starts it unless it
runs, and creates each database of an alias that points at it. Aliases that DATABASE_URL_*
send elsewhere are left alone, and with none on it, it starts nothing."""

from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError, CommandParser

from common.db.cluster import Cluster, ClusterError


class Command(BaseCommand):
    help = "Start, stop or report the embedded PostgreSQL server of `make run`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        cluster = Cluster(settings.EMBEDDED_POSTGRES_DIR)
        names = [
            database["NAME"]
            for database in settings.DATABASES.values()
            if database["HOST"] == str(cluster.socket_dir)
        ]
        if action == "status":
            state = "running" if cluster.running() else "stopped"
            self.stdout.write(f"{state}: {cluster.data_dir} ({len(names)} databases on it)")
        elif action == "stop":
            cluster.stop()
        elif not names:
            self.stdout.write("No database is on the embedded PostgreSQL: not started.")
        else:
            try:
                cluster.start()
                created = cluster.create_databases(names)
            except ClusterError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"PostgreSQL runs in {cluster.data_dir}"
                + (f", {len(created)} databases created." if created else ".")
            )
