"""Django's `migrate`, whose check for changes not yet in a migration ignores labels as
`makemigrations` does (common/autodetector.py)."""

from django.core.management.commands import migrate

from common.autodetector import LabelFreeAutodetector


class Command(migrate.Command):
    autodetector = LabelFreeAutodetector
