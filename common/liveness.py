"""Liveness of the processes that serve no HTTP: the Celery worker, the relay and beat
(docs/operations.md, "Health"). Each touches its heartbeat file on every turn of its loop;
`manage.py probe <kind>` (an orchestrator's liveness command) fails when the file is older
than LIVENESS_MAX_AGE_SECONDS, that is when the loop has stopped turning."""

import time
from pathlib import Path

from django.conf import settings


def heartbeat_path(kind: str) -> Path:
    return Path(settings.LIVENESS_DIR) / f"{kind}.alive"


def heartbeat(kind: str) -> None:
    """This process's loop of `kind` has just turned."""
    path = heartbeat_path(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def heartbeat_interval() -> float:
    """How often a loop that turns by itself (the worker's timer) heartbeats: often enough
    that one late heartbeat never makes the probe fail."""
    max_age: float = settings.LIVENESS_MAX_AGE_SECONDS
    return min(5.0, max_age / 3)


def heartbeat_age(kind: str) -> float | None:
    """Seconds since the last heartbeat of `kind`, or None when there has been none."""
    try:
        return time.time() - heartbeat_path(kind).stat().st_mtime
    except FileNotFoundError:
        return None
