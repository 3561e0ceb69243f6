"""A Celery task queued by the name it is registered under: how a service queues its own
app's task without importing the tasks module, which imports the services (no import circle;
docs/conventions.md, "Events, tasks, transactions"). Each app's `AppConfig.ready` imports its
tasks module, so that every process knows the name; tasks run in process where
CELERY_TASK_ALWAYS_EAGER says so, as with `.delay`."""

from celery import current_app


def task_queue(name: str, *args: object, countdown: float | None = None) -> None:
    """Queue task `name` with `args`, to run `countdown` seconds from now if given."""
    task = current_app.tasks[name]
    if countdown is None:
        task.delay(*args)
    else:
        task.apply_async(args, countdown=countdown)
