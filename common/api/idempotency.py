"""`Idempotency-Key` handling shared by every endpoint that creates money or stock effects:
the header, the request fingerprint, `run_once` and the error for a key reused with another
request (docs/api.md, "Idempotency")."""

import hashlib
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.models import IdempotencyKeyBase

HEADER = "Idempotency-Key"


def openapi_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        description="The same key and body replay the first response; another body is a 422.",
    )


def idempotency_key(request: Request, *, required: bool) -> str | None:
    """The key sent by the client: 1 to 255 printable characters."""
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise ApplicationError(
                _("The %(header)s header is required.") % {"header": HEADER},
                code=CommonErrorCode.IDEMPOTENCY_KEY_REQUIRED,
                status=400,
            )
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise ApplicationError(
            _("The %(header)s header must be 1 to 255 printable characters.") % {"header": HEADER},
            code=CommonErrorCode.VALIDATION_ERROR,
            status=400,
            details={HEADER: [_("1 to 255 printable characters.")]},
        )
    return key


def fingerprint(request: dict[str, Any]) -> str:
    """A stable digest of what was asked, to tell a replay from a different request."""
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reused() -> ApplicationError:
    return ApplicationError(
        _("This %(header)s was already used with a different request.") % {"header": HEADER},
        code=CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
        status=422,
    )


class _KeyTaken(Exception):
    pass


def _replay(
    model: type[IdempotencyKeyBase], using: str, owner_id: UUID, key: str, digest: str
) -> UUID | None:
    record = model._default_manager.using(using).filter(owner_id=owner_id, key=key).first()
    if record is None:
        return None
    if record.fingerprint != digest:
        raise key_reused()
    return record.resource_id


def run_once(
    *,
    model: type[IdempotencyKeyBase],
    using: str,
    owner_id: UUID,
    key: str | None,
    request: dict[str, Any],
    create: Callable[[], UUID],
) -> tuple[UUID | None, bool]:
    """Run `create()` once per (owner, key): returns (the id it returned, True), or for a
    repeat of the same request (the id the first run returned, False). The same key with
    another request is a 422.

    `create` runs inside `atomic(using=using)` together with the key's row, so the key is
    kept only if what it created commits. The key is inserted first: a concurrent request
    with the same key waits on its unique index until the first one ends, then replays it,
    or runs afresh if the first one failed. `model` is the app's `IdempotencyKeyBase`
    table; without a key, `create()` simply runs in a transaction."""
    if key is None:
        with transaction.atomic(using=using):
            return create(), True
    digest = fingerprint(request)
    if (resource_id := _replay(model, using, owner_id, key, digest)) is not None:
        return resource_id, False
    try:
        with transaction.atomic(using=using):
            try:
                with transaction.atomic(using=using):
                    record = model._default_manager.using(using).create(
                        owner_id=owner_id, key=key, fingerprint=digest
                    )
            except IntegrityError as exc:
                raise _KeyTaken from exc
            record.resource_id = create()
            record.save(using=using, update_fields=["resource_id", "updated_at"])
    except _KeyTaken:
        return _replay(model, using, owner_id, key, digest), False
    return record.resource_id, True
