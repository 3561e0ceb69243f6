"""Passwords: their validation, a user's change, and the reset by an e-mailed link."""

import uuid

from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _

from accounts import events, lockout
from accounts.choices import ActivityType
from accounts.error_codes import AccountErrorCode
from accounts.models import ActivityLog, User, email_normalize
from accounts.services.activity import activity_record
from accounts.services.tokens import tokens_revoke_all
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode

DB = "default"


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except Exception as exc:
        raise ApplicationError(
            _("The password is too weak."),
            code=CommonErrorCode.VALIDATION_ERROR,
            details={"password": list(getattr(exc, "messages", [str(exc)]))},
        ) from exc


def _password_set(
    *, user: User, password: str, activity: ActivityType, ip_address: str | None = None
) -> None:
    _validate_password(password, user)
    user.set_password(password)
    with transaction.atomic(using=DB):
        user.save(update_fields=["password", "updated_at"])
        tokens_revoke_all(user=user, reason="password_changed")
        activity_record(user=user, type=activity, ip_address=ip_address)


def password_change(
    *, user: User, old_password: str, new_password: str, ip_address: str | None = None
) -> None:
    if not user.check_password(old_password):
        raise ApplicationError(
            _("The current password is wrong."),
            code=AccountErrorCode.WRONG_PASSWORD,
            status=400,
            details={"old_password": [_("The current password is wrong.")]},
        )
    _password_set(
        user=user,
        password=new_password,
        activity=ActivityType.PASSWORD_CHANGED,
        ip_address=ip_address,
    )


def password_reset_request(*, email: str, ip_address: str | None = None) -> None:
    """Has a reset link sent if the e-mail belongs to an active user. The request is an
    outbox event, so that it is sent even if the broker is down just now. An address with no
    active account goes the same way, with an event that names nobody (its consumer finds no
    user and sends nothing): the same writes and the same publishing, so the time the
    answer takes tells nobody who has an account (docs/security.md, "Account enumeration")."""
    user = User.objects.filter(email=email_normalize(email), is_active=True).first()
    requested = user.pk if user is not None else uuid.uuid4()
    # The account's activity row goes in the event's own round trip (`emit(rows=...)`), so
    # that both cases make one query of the same shape.
    activity = (
        [
            ActivityLog(
                user=user,
                type=ActivityType.PASSWORD_RESET_REQUESTED,
                ip_address=ip_address or None,
                details={},
            )
        ]
        if user is not None
        else []
    )
    with transaction.atomic(using=DB):
        events.USER_PASSWORD_RESET_REQUESTED.emit(
            aggregate_id=requested, payload={"id": str(requested)}, rows=activity
        )


def password_reset_confirm(
    *, uid: str, token: str, new_password: str, ip_address: str | None = None
) -> None:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uid)), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as exc:
        raise _reset_token_invalid() from exc
    if not default_token_generator.check_token(user, token):
        raise _reset_token_invalid()
    _password_set(
        user=user,
        password=new_password,
        activity=ActivityType.PASSWORD_RESET,
        ip_address=ip_address,
    )
    lockout.unlock(email=user.email)  # whoever holds the mailbox holds the account


def _reset_token_invalid() -> ApplicationError:
    return ApplicationError(
        _("The password reset link is invalid or has expired."),
        code=AccountErrorCode.RESET_TOKEN_INVALID,
        status=400,
    )
