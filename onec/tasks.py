"""Thin Celery tasks of the exchange with 1C: they take nothing, and call a service."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from onec.services.files import files_purge


@shared_task(ignore_result=True)
def files_purge_task() -> int:
    return files_purge(older_than=timedelta(days=settings.ONEC_FILES_KEEP_DAYS))
