"""Structured logs (docs/operations.md, "Logs").

Every process (web, worker, beat) logs through the standard library into one formatter,
structlog's `ProcessorFormatter`: one JSON object per line in production
(`LOG_FORMAT=json`), a readable line on a developer's console. Each line carries the time,
level, logger and event, plus whatever is known of its context: `request_id` and `user_id`
in a request, `task_id` and `task` in a Celery task, `event_id` and `consumer` in an event
delivery. The request id travels with what the request causes: outbox events carry it, and
every task published while it is bound carries it in a message header.

This module imports nothing of Django's settings at import time: the servers' own log
configuration (`config/server-logging.json`) loads `json_formatter` before Django starts.
"""

# Annotations unevaluated: Celery's Task takes its type arguments for the type checker only.
from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import structlog
from celery import Task
from django.http import HttpRequest, HttpResponseBase
from structlog.contextvars import bind_contextvars, clear_contextvars, reset_contextvars
from structlog.typing import EventDict, Processor, WrappedLogger

from common.cardnumbers import card_numbers_masked
from common.middleware import GetResponse, current_request_id

if TYPE_CHECKING:
    # For its type only: a model class cannot be imported before Django's apps are loaded,
    # and this module is imported before (above).
    from django.contrib.auth.base_user import AbstractBaseUser

access_logger = logging.getLogger("autosalon.access")
# Query parameters that may carry a secret: their values never reach a log line.
SECRET_PARAMETERS = frozenset({"token", "ticket", "password", "code", "state"})
REDACTED = "[redacted]"


_SECRET_IN_QUERY = re.compile(
    rf"\b({'|'.join(sorted(SECRET_PARAMETERS))})=[^&\s\"']+", re.IGNORECASE
)


# A query parameter's value, where `+` and `%20` separate the groups of a card number.
_QUERY_VALUE = re.compile(r"(?<=[?&;])[^=&\s\"'#]*=([^&\s\"'#]+)")


def _query_value_masked(match: re.Match[str]) -> str:
    name, value = match.group().split("=", 1)
    return f"{name}={card_numbers_masked(value, kind='url')}"


def redact(text: str) -> str:
    """`text` with the values of secret query parameters blanked out, and the digits of any
    card number in it but the last four masked (common.cardnumbers): in the text, and in
    each query parameter's value, URL-encoded."""
    if "=" in text:
        text = _SECRET_IN_QUERY.sub(rf"\1={REDACTED}", text)
        text = _QUERY_VALUE.sub(_query_value_masked, text)
    return card_numbers_masked(text, kind="logged")


def _redact(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """Every text of a line, its event, its fields and its traceback: secrets and card
    numbers that a library logs (uvicorn's WebSocket lines, Django's warnings about bad
    requests, an exception's message) are blanked out, as in the access log."""
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = redact(value)
    return event_dict


def _record_redacted(record: logging.LogRecord) -> None:
    """The message of `record` and the text of its exception redacted, if either holds
    something to redact; otherwise it is left as it was made."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):  # a bad format: logging reports it on writing
        return
    if (redacted := redact(message)) != message:
        record.msg, record.args = redacted, ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if (redacted := redact(text)) != text:
            # What a standard formatter writes in place of formatting the exception again.
            record.exc_text = redacted


class _RedactingFactory:
    """A log record factory that redacts each record `make` makes."""

    redacts = True

    def __init__(self, make: Callable[..., logging.LogRecord]) -> None:
        self.make = make

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        record = self.make(*args, **kwargs)
        _record_redacted(record)
        return record


def record_factory_install() -> None:
    """Every log record is redacted as it is made, before any handler (ours, a library's,
    a test's capture) sees it. Installed with the formatters, once per process."""
    make = logging.getLogRecordFactory()
    if not getattr(make, "redacts", False):
        logging.setLogRecordFactory(_RedactingFactory(make))


def _context(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    request_id = current_request_id()
    if request_id:
        event_dict.setdefault("request_id", request_id)
    return event_dict


PRE_CHAIN: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    _context,
    # Only the fields this project logs: Django's own extras include the request object,
    # whose repr carries the query string.
    structlog.stdlib.ExtraAdder(allow=("method", "path", "status", "duration_ms", "status_code")),
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _formatter(renderer: Processor) -> structlog.stdlib.ProcessorFormatter:
    record_factory_install()
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=PRE_CHAIN,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            # Last before rendering: the fields added by `extra` and the traceback too.
            _redact,
            renderer,
        ],
    )


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    return _formatter(structlog.processors.JSONRenderer())


def console_formatter() -> structlog.stdlib.ProcessorFormatter:
    return _formatter(structlog.dev.ConsoleRenderer(colors=False))


def redacted_path(request: HttpRequest) -> str:
    """The request's path and query, secrets and card numbers blanked out."""
    return redact(request.get_full_path())


class AccessLogMiddleware:
    """One line per request, in place of the server's access log: method, path (secrets
    and card numbers redacted), status and duration, with the request's context. Clears
    the context a previous request of this thread left behind."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        clear_contextvars()
        started = time.perf_counter()
        response = self.get_response(request)
        access_logger.info(
            "request",
            extra={
                "method": request.method,
                "path": redacted_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


def user_bind(user: AbstractBaseUser) -> None:
    """Tag the rest of this request's lines with the authenticated user."""
    bind_contextvars(user_id=str(user.pk))


# CELERY
# ------------------------------------------------------------------------------
# Connected in config/celery.py. A task published while a request id is bound carries it
# in a header; the worker binds it (and the task's id) while the task runs, so that its
# lines, and the events it emits, carry the request's id.
REQUEST_ID_HEADER = "autosalon_request_id"


def celery_task_published(headers: dict[str, Any] | None = None, **kwargs: object) -> None:
    request_id = current_request_id()
    if headers is not None and request_id:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


# Where a task's request (its Context) keeps what `celery_task_ended` undoes.
_LOG_CONTEXT_TOKENS = "log_context_tokens"
_REQUEST_ID_TOKEN = "request_id_token"

EVENT_DELIVERY_TASK = "common.tasks.event_deliver_task"
EVENT_DISPATCH_TASK = "common.tasks.event_dispatch_task"


def celery_task_started(
    *,
    task: Task[..., object],
    task_id: str | None = None,
    args: Sequence[Any] | None = None,
    **kwargs: object,
) -> None:
    """Celery's `task_prerun`, which names the task and gives its id and arguments."""
    from common.middleware import request_id_set

    request = task.request
    context = {"task_id": task_id, "task": task.name}
    if task.name == EVENT_DELIVERY_TASK and args:  # (consumer name, event)
        context.update(consumer=args[0], event_id=args[1].get("id"))
    elif task.name == EVENT_DISPATCH_TASK and args:  # (event, consumer names)
        context.update(event_id=args[0].get("id"))
    setattr(request, _LOG_CONTEXT_TOKENS, bind_contextvars(**context))
    # An eager task (embedded mode) runs inside the request that called it: same id.
    request_id = getattr(request, REQUEST_ID_HEADER, None) or current_request_id()
    setattr(request, _REQUEST_ID_TOKEN, request_id_set(request_id))


def celery_task_ended(*, task: Task[..., object], **kwargs: object) -> None:
    """Celery's `task_postrun`, which names the task."""
    from common.middleware import request_id_reset

    request = task.request
    if (token := getattr(request, _REQUEST_ID_TOKEN, None)) is not None:
        request_id_reset(token)
    if (tokens := getattr(request, _LOG_CONTEXT_TOKENS, None)) is not None:
        reset_contextvars(**tokens)
