import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("autosalon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.celeryd_init.connect  # before the worker's first warnings
@signals.setup_logging.connect
def logging_setup(**kwargs):
    """Workers and beat log through Django's LOGGING, as the web does (common/logging.py)."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # Celery's own warnings as log lines too


def _connect_log_context():
    from common import logging as log_context

    signals.before_task_publish.connect(log_context.celery_task_published, weak=False)
    signals.task_prerun.connect(log_context.celery_task_started, weak=False)
    signals.task_postrun.connect(log_context.celery_task_ended, weak=False)


_connect_log_context()
