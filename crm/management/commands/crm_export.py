import sys

from django.core.management import BaseCommand

from crm import csvfiles


class Command(BaseCommand):
    help = "Export the clients as CSV (the import's columns, then ids and dates)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A file to write; standard output by default.")
        parser.add_argument("--archived", action="store_true", help="Archived clients too.")

    def handle(self, *args, output, archived, **options):
        if output is None:
            count = csvfiles.clients_write(sys.stdout, archived=archived)
        else:
            with open(output, "w", newline="", encoding="utf-8") as out:
                count = csvfiles.clients_write(out, archived=archived)
        self.stderr.write(f"Exported {count} clients.")
