"""The project's settings and wiring: URLs, ASGI and WSGI, the Celery app and beat, the servers'
command lines, the import contracts (docs/architecture.md)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
