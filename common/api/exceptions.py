"""The error envelope of docs/api.md, "Errors", for every error the API can raise.

    {"success": false, "error": {"code": "...", "message": "...", "details": {...}}}

Domain code raises `ApplicationError`; one DRF exception handler renders it, DRF's own
exceptions and Django's into that shape. Clients branch on `code`, never on `message`.
"""

import logging
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken

from common.error_codes import CommonErrorCode
from common.middleware import GetResponse

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A domain failure with a stable code, e.g. `order_not_cancellable`."""

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str,
        status: int = 400,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.http_status = status
        self.details = details or {}
        self.retry_after = retry_after  # seconds, for a 429 or 503


def email_not_verified(what: str | Promise) -> ApplicationError:
    """`what` (a held vehicle, a test drive) needs a verified e-mail: throwaway accounts
    would otherwise multiply every per-account limit (docs/security.md, "Money only from
    money")."""
    return ApplicationError(
        _("Verify your e-mail first (follow the link we sent, or ask for a new one): %(what)s.")
        % {"what": what},
        code=CommonErrorCode.EMAIL_NOT_VERIFIED,
        status=403,
    )


class NotFound(Exception):
    """What a service or selector raises for a record that is not there, or that the one who
    asks may not see: the API answers 404 `not_found`, as for an unknown URL, and says no more
    (docs/conventions.md, "Errors"). Domain code raises it instead of Django's `Http404`, so
    that it knows nothing of HTTP."""


class CsrfFailed(exceptions.PermissionDenied):
    """A session-authenticated unsafe request without a valid CSRF token (docs/security.md,
    "CSRF")."""

    default_code = CommonErrorCode.CSRF_FAILED


_DRF_CODES = [
    (InvalidToken, CommonErrorCode.TOKEN_NOT_VALID),
    (exceptions.ValidationError, CommonErrorCode.VALIDATION_ERROR),
    (exceptions.ParseError, CommonErrorCode.PARSE_ERROR),
    (exceptions.NotAuthenticated, CommonErrorCode.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, CommonErrorCode.AUTHENTICATION_FAILED),
    (CsrfFailed, CommonErrorCode.CSRF_FAILED),
    (exceptions.PermissionDenied, CommonErrorCode.PERMISSION_DENIED),
    (exceptions.NotFound, CommonErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, CommonErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, CommonErrorCode.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, CommonErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, CommonErrorCode.THROTTLED),
]


def error_body(
    code: str, message: str | Promise, details: Mapping[str, Any] | None = None, **extra: int
) -> dict[str, Any]:
    """The envelope's JSON; `extra` are further members of `error` (`retry_after`)."""
    return {
        "success": False,
        "error": {"code": str(code), "message": str(message), "details": details or {}, **extra},
    }


def _code_for(exc: exceptions.APIException) -> str:
    for exc_type, code in _DRF_CODES:
        if isinstance(exc, exc_type):
            return code
    return exc.default_code


def _from_api_exception(exc: exceptions.APIException) -> Response:
    extra: dict[str, int] = {}
    headers: dict[str, str] = {}
    details: dict[str, Any]
    message: str | Promise
    if isinstance(exc, exceptions.ValidationError):
        details = as_serializer_error(exc)
        message = _("The request is invalid.")
    else:
        details = {}
        message = (
            str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc.default_detail)
        )
        if isinstance(exc, exceptions.Throttled):
            # The whole seconds to wait, or None: DRF sets `wait` on every Throttled, and its
            # stubs leave it out.
            wait: int | None = getattr(exc, "wait", None)
            if wait is not None:
                extra["retry_after"] = max(math.ceil(wait), 1)
                headers["Retry-After"] = str(extra["retry_after"])
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(
        error_body(_code_for(exc), message, details, **extra),
        status=exc.status_code,
        headers=headers,
    )


# A backing service (a database, Redis, the broker) that cannot be reached: the request may
# succeed later, so it is a 503 with Retry-After, never a 500 (docs/operations.md, "Faults").
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerUnavailable,
)


# What answers an error: DRF's Response in a DRF view, Django's JsonResponse outside one.
_ResponseT = TypeVar("_ResponseT", Response, JsonResponse)


def unavailable_response(exc: Exception, response_class: type[_ResponseT]) -> _ResponseT:
    logger.warning("Service unavailable: %s: %s", type(exc).__name__, exc)
    retry_after = settings.DATABASE_RETRY_AFTER_SECONDS
    response = response_class(
        error_body(
            CommonErrorCode.SERVICE_UNAVAILABLE,
            _("A service this request needs is unavailable; try again shortly."),
            retry_after=retry_after,
        ),
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(retry_after)
    return response


def too_large_response(response_class: type[_ResponseT], limit: int | None = None) -> _ResponseT:
    limit = limit or settings.REQUEST_MAX_BODY_BYTES
    return response_class(
        error_body(
            CommonErrorCode.REQUEST_TOO_LARGE,
            _("The request body is larger than %(limit)d bytes.") % {"limit": limit},
            {"max_bytes": limit},
        ),
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


class ServiceUnavailableMiddleware:
    """The same 503 (and 413) for requests outside DRF views (the admin, the dashboard)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UNAVAILABLE):
            return unavailable_response(exception, JsonResponse)
        if isinstance(exception, RequestDataTooBig):
            return too_large_response(JsonResponse)
        return None


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception becomes the envelope."""
    if isinstance(exc, UNAVAILABLE):
        set_rollback()
        return unavailable_response(exc, Response)
    if isinstance(exc, RequestDataTooBig):
        return too_large_response(Response)
    if isinstance(exc, Http404 | NotFound):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))

    set_rollback()
    if isinstance(exc, ApplicationError):
        if exc.retry_after is None:
            return Response(error_body(exc.code, exc.message, exc.details), status=exc.http_status)
        return Response(
            error_body(exc.code, exc.message, exc.details, retry_after=exc.retry_after),
            status=exc.http_status,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, exceptions.APIException):
        return _from_api_exception(exc)

    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(
        error_body(CommonErrorCode.SERVER_ERROR, _("An unexpected error occurred.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def json_error(code: str, message: str | Promise, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)
