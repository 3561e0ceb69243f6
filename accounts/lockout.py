"""Lockout after failed sign-ins, with django-axes (docs/security.md, "Lockout").

Failures are counted per account, whatever address they come from: the e-mail as typed,
case folded, so that `Client@…` and `client@…` share one count. Unknown e-mails are counted
the same way, so a lockout says nothing about whether an account exists. The token endpoint
and `/admin/login/` both sign in through `authenticate()`, which axes guards."""

from axes.utils import reset
from django.conf import settings
from django.http import JsonResponse

from accounts.error_codes import AccountErrorCode
from common import throttling
from common.exceptions import error_body


def username(request, credentials) -> str:
    value = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    return value.strip().lower()


def client_ip(request) -> str:
    return throttling.client_ip(request)


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def locked_response(request, original_response=None, credentials=None) -> JsonResponse:
    response = JsonResponse(
        error_body(
            AccountErrorCode.LOGIN_LOCKED,
            "Too many failed sign-ins for this account; try again later.",
            retry_after=cooloff_seconds(),
        ),
        status=429,
    )
    response["Retry-After"] = str(cooloff_seconds())
    return response


def unlock(*, email: str) -> None:
    """End the account's lockout and forget its failures (a password reset did it)."""
    reset(username=username(None, {"username": email}))
