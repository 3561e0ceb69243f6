"""Django's `makemigrations`, writing no label into a migration (common/autodetector.py)."""

from django.core.management.commands import makemigrations

from common.autodetector import LabelFreeAutodetector


class Command(makemigrations.Command):
    autodetector = LabelFreeAutodetector
