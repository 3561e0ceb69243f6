"""The account's e-mail: one address per account, its verification by an e-mailed link, and
its change, confirmed from the new mailbox."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import events
from accounts.choices import ActivityType
from accounts.error_codes import AccountErrorCode
from accounts.models import User, email_normalize
from accounts.services.activity import activity_record
from accounts.services.tokens import tokens_revoke_all
from common.api.authentication import TOKEN_VERSION_CLAIM
from common.api.exceptions import ApplicationError

DB = "default"


def _email_taken() -> ApplicationError:
    return ApplicationError(
        _("A user with this e-mail already exists."),
        code=AccountErrorCode.EMAIL_TAKEN,
        status=409,
        details={"email": [_("A user with this e-mail already exists.")]},
    )


# E-MAIL VERIFICATION (docs/security.md, "Google sign-in")
# ------------------------------------------------------------------------------
EMAIL_VERIFY_SALT = "accounts.email-verify"


def _link_claims(
    token: str, *, salt: str, hours: int, invalid: Callable[[], ApplicationError]
) -> Any:
    """The claims of a link this module signed and e-mailed; `invalid()` is raised for one
    whose signature does not hold or that is older than `hours` (SignatureExpired among
    them)."""
    try:
        return signing.loads(token, salt=salt, max_age=hours * 3600)
    except signing.BadSignature as exc:
        raise invalid() from exc


def email_verify_token(*, user: User) -> str:
    """Signed, never stored; it names the mailbox it was sent to, so that it stops working
    once the account's e-mail changes."""
    return signing.dumps({"user_id": str(user.pk), "email": user.email}, salt=EMAIL_VERIFY_SALT)


def email_verify_confirm(*, token: str) -> User:
    """Mark the e-mail an e-mailed token names as verified. Confirming again changes nothing;
    the token expires after ACCOUNTS_EMAIL_VERIFY_HOURS."""
    claims = _link_claims(
        token,
        salt=EMAIL_VERIFY_SALT,
        hours=settings.ACCOUNTS_EMAIL_VERIFY_HOURS,
        invalid=_email_verify_token_invalid,
    )
    with transaction.atomic(using=DB):
        user = _active_user_locked(claims.get("user_id"))
        if user is None or claims.get("email") != user.email:
            raise _email_verify_token_invalid()
        if user.email_verified_at is None:
            _email_verified(user, via="link")
    return user


def _active_user_locked(user_id: str) -> User | None:
    """The active user an e-mailed link names, locked until the transaction ends."""
    return User.objects.using(DB).select_for_update().filter(pk=user_id, is_active=True).first()


def _email_verified(user: User, **details: Any) -> None:
    user.email_verified_at = timezone.now()
    user.save(using=DB, update_fields=["email_verified_at", "updated_at"])
    activity_record(user=user, type=ActivityType.EMAIL_VERIFIED, **details)


def _email_verify_token_invalid() -> ApplicationError:
    return ApplicationError(
        _("The verification link is invalid or has expired; ask for a new one."),
        code=AccountErrorCode.EMAIL_VERIFY_TOKEN_INVALID,
        status=400,
    )


def email_verification_resend(*, user: User) -> None:
    """E-mail `user` a fresh verification link, unless their e-mail is verified already."""
    if user.email_verified_at is not None:
        raise ApplicationError(
            _("This account's e-mail is verified already."),
            code=AccountErrorCode.EMAIL_ALREADY_VERIFIED,
            status=409,
        )
    with transaction.atomic(using=DB):
        events.USER_EMAIL_VERIFICATION_REQUESTED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk)}
        )


# E-MAIL CHANGE (docs/security.md, "Changing the e-mail")
# ------------------------------------------------------------------------------
EMAIL_CHANGE_SALT = "accounts.email-change"


def email_change_request(*, user: User, new_email: str, ip_address: str | None = None) -> None:
    """E-mail a link to `new_email` that changes the account's e-mail once opened, and tell
    the current address. Nothing changes until then. Whether another account has the address
    is not told to the asker (docs/security.md, "Account enumeration"): the request writes the
    same either way, and the e-mails are chosen when they are sent (`accounts.emails`): the
    owner of a taken address gets a notice instead of the link. A confirmation of an address
    taken meanwhile is a 409."""
    new_email = email_normalize(new_email)
    if new_email == user.email:
        return
    with transaction.atomic(using=DB):
        activity_record(user=user, type=ActivityType.EMAIL_CHANGE_REQUESTED, ip_address=ip_address)
        events.USER_EMAIL_CHANGE_REQUESTED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk), "new_email": new_email}
        )


def email_change_token(*, user: User, new_email: str) -> str:
    """Signed, never stored. It names the account's e-mail and token version when it was
    sent: a change made meanwhile, a new password or a logout from every device ends it,
    and so does the change it makes (one use)."""
    return signing.dumps(
        {
            "user_id": str(user.pk),
            "email": user.email,
            "new_email": email_normalize(new_email),
            TOKEN_VERSION_CLAIM: user.token_version,
        },
        salt=EMAIL_CHANGE_SALT,
    )


def email_change_confirm(*, token: str, ip_address: str | None = None) -> User:
    """Give the account the e-mail an e-mailed token names: it counts as verified (the link
    was opened from its mailbox), every token and open socket of the user ends, and the old
    address is told. The token expires after ACCOUNTS_EMAIL_VERIFY_HOURS."""
    claims = _link_claims(
        token,
        salt=EMAIL_CHANGE_SALT,
        hours=settings.ACCOUNTS_EMAIL_VERIFY_HOURS,
        invalid=_email_change_token_invalid,
    )
    new_email = claims.get("new_email")
    with transaction.atomic(using=DB):
        user = _active_user_locked(claims.get("user_id"))
        if (
            user is None
            or claims.get("email") != user.email
            or claims.get(TOKEN_VERSION_CLAIM) != user.token_version
        ):
            raise _email_change_token_invalid()
        if User.objects.using(DB).filter(email=new_email).exclude(pk=user.pk).exists():
            raise _email_taken()
        old_email = user.email
        user.email, user.email_verified_at = new_email, timezone.now()
        try:
            with transaction.atomic(using=DB):  # a savepoint: the race's loser answers 409
                user.save(using=DB, update_fields=["email", "email_verified_at", "updated_at"])
        except IntegrityError as exc:
            raise _email_taken() from exc
        activity_record(user=user, type=ActivityType.EMAIL_CHANGED, ip_address=ip_address)
        events.user_saved_emit(user)
        events.USER_EMAIL_CHANGED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk), "old_email": old_email}
        )
        tokens_revoke_all(user=user, reason="email_changed")
    return user


EMAIL_CHANGE_CANCEL_SALT = "accounts.email-change-cancel"


def email_change_cancel_token(*, user: User, new_email: str) -> str:
    """Signed, never stored, sent to the current address with the notice of a change: it
    names the account, that address and the new one."""
    return signing.dumps(
        {"user_id": str(user.pk), "email": user.email, "new_email": email_normalize(new_email)},
        salt=EMAIL_CHANGE_CANCEL_SALT,
    )


def email_change_cancel(*, token: str, ip_address: str | None = None) -> User:
    """The current address's owner says no, within ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS: a
    change still waiting ends (its link names a token version that no longer is), and one
    already made is undone, the account's e-mail its old address again. Either way every
    token and socket of the user ends: whoever asked is signed out."""
    claims = _link_claims(
        token,
        salt=EMAIL_CHANGE_CANCEL_SALT,
        hours=settings.ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS,
        invalid=_email_change_token_invalid,
    )
    old_email, new_email = claims.get("email"), claims.get("new_email")
    with transaction.atomic(using=DB):
        user = _active_user_locked(claims.get("user_id"))
        if user is None or user.email not in (old_email, new_email):
            raise _email_change_token_invalid()
        if user.email == new_email:  # made already: the old address comes back
            if User.objects.using(DB).filter(email=old_email).exclude(pk=user.pk).exists():
                raise _email_taken()
            user.email, user.email_verified_at = old_email, timezone.now()
            user.save(using=DB, update_fields=["email", "email_verified_at", "updated_at"])
            events.user_saved_emit(user)
        activity_record(user=user, type=ActivityType.EMAIL_CHANGE_CANCELLED, ip_address=ip_address)
        tokens_revoke_all(user=user, reason="email_change_cancelled")
    return user


def _email_change_token_invalid() -> ApplicationError:
    return ApplicationError(
        _("The e-mail change link is invalid, expired or already used; ask for the change again."),
        code=AccountErrorCode.EMAIL_CHANGE_TOKEN_INVALID,
        status=400,
    )
