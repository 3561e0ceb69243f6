"""The Celery app of the worker and beat. Beat keeps one schedule in Redis however many beats
run (config/beat.py, docs/operations.md "Beat: one schedule"); the worker touches its
heartbeat file for `manage.py probe` (common/liveness.py, docs/operations.md "Health").

Cheap to import: every settings import runs it (config/__init__.py), `manage.py probe` too,
so what only the worker or beat needs is imported when they use it, and beat's scheduler
lives in config/beat.py."""

import logging.config
import os

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("autosalon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.celeryd_init.connect  # before the worker's first warnings
@signals.setup_logging.connect
def logging_setup(**kwargs):
    """Workers and beat log through Django's LOGGING, as the web does (common/ops/logging.py)."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # Celery's own warnings as log lines too


def _connect_log_context():
    def handler(name):
        def handle(**kwargs):
            from common.ops import logging as log_context

            getattr(log_context, name)(**kwargs)

        return handle

    signals.before_task_publish.connect(handler("celery_task_published"), weak=False)
    signals.task_prerun.connect(handler("celery_task_started"), weak=False)
    signals.task_postrun.connect(handler("celery_task_ended"), weak=False)


_connect_log_context()


# LIVENESS OF THE WORKER
# ------------------------------------------------------------------------------
class LivenessHeartbeat(bootsteps.StartStopStep):
    """Touches the worker's heartbeat file every few seconds from the worker's timer, whose
    entries its event loop runs: the file stays fresh while that loop turns, and goes stale
    when the worker hangs, is stopped or dies (common/liveness.py)."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        from common.liveness import heartbeat, heartbeat_interval

        heartbeat("worker")
        self.timer_entry = worker.timer.call_repeatedly(
            heartbeat_interval(), heartbeat, ("worker",)
        )

    def stop(self, worker):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None


app.steps["worker"].add(LivenessHeartbeat)
