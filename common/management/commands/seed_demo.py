from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = (
        "Load demo data. Each domain app contributes through a `demo.seed(stdout)` function; "
        "running it again updates the same records instead of adding more."
    )

    def handle(self, *args, **options):
        for app in settings.DOMAIN_APPS:
            if find_spec(f"{app}.demo") is None:
                continue
            self.stdout.write(f"Seeding {app}")
            import_module(f"{app}.demo").seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
