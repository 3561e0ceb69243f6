import csv

from django.core.management import BaseCommand, CommandError

from accounts import selectors as accounts_selectors
from crm import csvfiles


class Command(BaseCommand):
    help = (
        "Import clients from a CSV file whose header names some of the columns "
        f"{', '.join(csvfiles.COLUMNS)} (tags separated by '{csvfiles.TAG_SEPARATOR}'). Every "
        "row is validated as the API validates a request; bad rows are reported with their "
        "line and reasons and left out. --dry-run reports without writing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--manager", help="E-mail of the manager the clients are assigned to.")

    def handle(self, *args, path, dry_run, manager, **options):
        manager_id = None
        if manager:
            user = accounts_selectors.user_get_by_email(email=manager)
            if user is None or not user.is_staff:
                raise CommandError(f"No manager has the e-mail {manager}.")
            manager_id = user.pk
        try:
            with open(path, newline="", encoding="utf-8-sig") as lines:
                report = csvfiles.clients_import(lines, dry_run=dry_run, manager_id=manager_id)
        except (OSError, UnicodeDecodeError, csv.Error, csvfiles.UnreadableFile) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        for line, errors in report.rejected:
            reasons = "; ".join(f"{name}: {' '.join(why)}" for name, why in errors.items())
            self.stdout.write(f"line {line}: {reasons}")
        verb = "Would import" if dry_run else "Imported"
        count = len(report.valid) if dry_run else report.imported
        summary = f"{verb} {count} of {report.rows} rows; {len(report.rejected)} rejected."
        self.stdout.write(self.style.SUCCESS(summary) if not report.rejected else summary)
