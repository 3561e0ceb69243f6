"""The error envelope of DESIGN.md §3.8, for every error the API can raise.

    {"success": false, "error": {"code": "...", "message": "...", "details": {...}}}

Domain code raises `ApplicationError`; one DRF exception handler renders it, DRF's own
exceptions and Django's into that shape. Clients branch on `code`, never on `message`.
"""

import logging
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken

from common.error_codes import CommonErrorCode

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A domain failure with a stable code, e.g. `order_not_cancellable`."""

    def __init__(self, message: str, *, code: str, status: int = 400, details=None):
        super().__init__(message)
        self.message = message
        self.code = str(code)
        self.http_status = status
        self.details = details or {}


_DRF_CODES = [
    (InvalidToken, CommonErrorCode.TOKEN_NOT_VALID),
    (exceptions.ValidationError, CommonErrorCode.VALIDATION_ERROR),
    (exceptions.ParseError, CommonErrorCode.PARSE_ERROR),
    (exceptions.NotAuthenticated, CommonErrorCode.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, CommonErrorCode.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, CommonErrorCode.PERMISSION_DENIED),
    (exceptions.NotFound, CommonErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, CommonErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, CommonErrorCode.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, CommonErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, CommonErrorCode.THROTTLED),
]


def error_body(code: str, message: str, details=None, **extra) -> dict:
    return {
        "success": False,
        "error": {"code": str(code), "message": message, "details": details or {}, **extra},
    }


def _code_for(exc: exceptions.APIException) -> str:
    for exc_type, code in _DRF_CODES:
        if isinstance(exc, exc_type):
            return code
    return exc.default_code


def _from_api_exception(exc: exceptions.APIException) -> Response:
    extra = {}
    headers = {}
    if isinstance(exc, exceptions.ValidationError):
        details = as_serializer_error(exc)
        message = "The request is invalid."
    else:
        details = {}
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else exc.default_detail
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            extra["retry_after"] = max(math.ceil(exc.wait), 1)
            headers["Retry-After"] = str(extra["retry_after"])
    if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(
        error_body(_code_for(exc), message, details, **extra),
        status=exc.status_code,
        headers=headers,
    )


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every exception becomes the envelope."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))

    set_rollback()
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.http_status)
    if isinstance(exc, exceptions.APIException):
        return _from_api_exception(exc)

    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response(
        error_body(CommonErrorCode.SERVER_ERROR, "An unexpected error occurred."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def json_error(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)
