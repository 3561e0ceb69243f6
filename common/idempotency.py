"""`Idempotency-Key` handling shared by every endpoint that creates money or stock effects:
the header, the request fingerprint and the error for a key reused with another request."""

import hashlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError

HEADER = "Idempotency-Key"


def openapi_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        description="The same key and body replay the first response; another body is a 422.",
    )


def idempotency_key(request, *, required: bool) -> str | None:
    """The key sent by the client: 1 to 255 printable characters."""
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise ApplicationError(
                f"The {HEADER} header is required.",
                code=CommonErrorCode.IDEMPOTENCY_KEY_REQUIRED,
                status=400,
            )
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ApplicationError(
            f"The {HEADER} header must be 1 to 255 printable characters.",
            code=CommonErrorCode.VALIDATION_ERROR,
            status=400,
            details={HEADER: ["1 to 255 printable characters."]},
        )
    return key


def fingerprint(request: dict) -> str:
    """A stable digest of what was asked, to tell a replay from a different request."""
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reused() -> ApplicationError:
    return ApplicationError(
        f"This {HEADER} was already used with a different request.",
        code=CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
        status=422,
    )
