from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "Apply migrations on every database alias (each app migrates only on its own)."

    def handle(self, *args, **options):
        for alias in settings.DATABASES:
            self.stdout.write(f"Migrating database '{alias}'")
            call_command(
                "migrate",
                database=alias,
                interactive=False,
                verbosity=max(options["verbosity"] - 1, 0),
                stdout=self.stdout,
            )
        self.stdout.write(self.style.SUCCESS(f"Migrated {len(settings.DATABASES)} databases."))
