import io
import logging
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = (
        "Load demo data. Each domain app contributes through a `demo.seed(stdout)` function, "
        "then config's for what crosses domains (config/demo.py); running it again updates "
        "the same records instead of adding more. With "
        "--verbosity 0 it says nothing but warnings (what `make run` uses)."
    )

    def handle(self, *args, verbosity=1, **options):
        out = self.stdout if verbosity else io.StringIO()
        if verbosity < 2:
            # The work it sets off (eager tasks in embedded mode) logs a line per task.
            logging.getLogger("celery").setLevel(logging.WARNING)
        for package in [*settings.DOMAIN_APPS, "config"]:
            if find_spec(f"{package}.demo") is None:
                continue
            out.write(f"Seeding {package}")
            import_module(f"{package}.demo").seed(out)
        out.write(self.style.SUCCESS("Demo data is ready."))
