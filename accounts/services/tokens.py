"""Tokens: sign-in, rotation with token families, verification, logout and revoking every
token of a user."""

import logging
import uuid
from typing import Any, TypedDict, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import Token

from accounts import events
from accounts.choices import ActivityType
from accounts.error_codes import AccountErrorCode
from accounts.models import TokenFamily, User, sign_in_lookup
from accounts.services.activity import activity_record
from accounts.tokens import RefreshToken, UntypedToken
from common.api.authentication import TOKEN_VERSION_CLAIM, user_cache_forget
from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.realtime import sessions_close_after_commit

DB = "default"


security_logger = logging.getLogger("autosalon.security")


class TokenPair(TypedDict):
    """What a sign-in or a rotation answers (docs/api.md, "Authentication")."""

    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class TokenVerification(TypedDict):
    """What `auth/token/verify` answers (docs/api.md, "Authentication")."""

    valid: bool
    user_id: uuid.UUID | None
    email: str | None
    role: str | None


def _token_pair(user: User, *, family: str | None = None) -> TokenPair:
    """A new pair; a sign-in starts a token family, a rotation stays in its own."""
    if family is None:
        family = str(TokenFamily.objects.create(user=user).pk)
    refresh = RefreshToken.for_user(user)
    refresh["role"] = user.role
    refresh["family"] = family
    access = refresh.access_token
    return {
        "access_token": str(access),
        "refresh_token": str(refresh),
        "token_type": "Bearer",
        "expires_in": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
    }


def _invalid_credentials() -> ApplicationError:
    return ApplicationError(
        _("E-mail or password is wrong."), code=AccountErrorCode.INVALID_CREDENTIALS, status=401
    )


def _invalid_refresh() -> ApplicationError:
    return ApplicationError(
        _("The refresh token is invalid, expired or already used."),
        code=AccountErrorCode.REFRESH_TOKEN_INVALID,
        status=401,
    )


def token_obtain(*, login: str, password: str, ip_address: str | None) -> TokenPair:
    """Sign in with an e-mail or a username (`login`) from the client at `ip_address`: the
    lockout (accounts.lockout) counts the account's failures, and those from that address;
    a locked sign-in is answered as a wrong password is."""
    return _signed_in(_authenticated(login, password, ip_address), ip_address=ip_address)


def session_sign_in(*, login: str, password: str, ip_address: str | None) -> User:
    """The same sign-in for a website's session (docs/storefront.md): the same lockout, the
    same record, event and session family, without tokens; the caller opens the session
    (`django.contrib.auth.login`) with the user it returns."""
    user = _authenticated(login, password, ip_address)
    with transaction.atomic(using=DB):
        _sign_in_recorded(user, ip_address=ip_address)
    return user


def _authenticated(login: str, password: str, ip_address: str | None) -> User:
    user = authenticate(username=login, password=password, ip_address=ip_address)
    if user is None:
        known = User.objects.filter(sign_in_lookup(login)).first()
        if known is not None:
            activity_record(user=known, type=ActivityType.LOGIN_FAILED, ip_address=ip_address)
        raise _invalid_credentials()
    return cast(User, user)


def _signed_in(user: User, *, ip_address: str | None, **details: Any) -> TokenPair:
    """A new token family for `user`, whose identity has just been proven."""
    with transaction.atomic(using=DB):
        family = _sign_in_recorded(user, ip_address=ip_address, **details)
        return _token_pair(user, family=family)


def _sign_in_recorded(user: User, *, ip_address: str | None, **details: Any) -> str:
    """The sign-in's session family, its `login` row and its event. The row names the
    family: how this session signed in, and when, is known from it
    (`identity_link_authorize`)."""
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    family = str(TokenFamily.objects.create(user=user).pk)
    activity_record(
        user=user, type=ActivityType.LOGIN, ip_address=ip_address, family=family, **details
    )
    events.USER_SIGNED_IN.emit(
        aggregate_id=user.pk,
        payload=events.auth_payload(user, ip_address=ip_address, family=family, **details),
    )
    return family


def _token_user(token: Token) -> User | None:
    """The active user a token was issued to, if none of their tokens was revoked since."""
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None or token.get(TOKEN_VERSION_CLAIM) != user.token_version:
        return None
    return user


def _refresh_and_user(refresh_token: str) -> tuple[RefreshToken, User]:
    """The refresh token, verified, and the active user it was issued to."""
    try:
        refresh = RefreshToken(refresh_token)
    except TokenError as exc:
        raise _invalid_refresh() from exc
    user = _token_user(refresh)
    if user is None:
        raise _invalid_refresh()
    return refresh, user


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate a refresh token. Of any number of concurrent calls with one token, exactly one
    succeeds: blacklisting is an insert guarded by a unique constraint, and only the call
    whose insert created the row mints the new pair. A token that was rotated before comes
    back only if someone kept a copy: its whole family is revoked."""
    try:
        claims = UntypedToken(refresh_token)  # signature and expiry
    except TokenError as exc:
        raise _invalid_refresh() from exc
    if claims.get("token_type") != "refresh":
        raise _invalid_refresh()
    family = claims.get("family")
    if BlacklistedToken.objects.filter(token__jti=claims.get("jti")).exists():
        _token_family_revoke(family=family, user_id=claims.get("user_id"))
        raise _invalid_refresh()
    if family and TokenFamily.objects.filter(pk=family, revoked_at__isnull=False).exists():
        raise _invalid_refresh()
    refresh, user = _refresh_and_user(refresh_token)
    with transaction.atomic(using=DB):
        # simplejwt annotates it as the row; it is get_or_create's pair
        # (jazzband/djangorestframework-simplejwt#911).
        _, created = cast("tuple[BlacklistedToken, bool]", refresh.blacklist())
        if not created:
            raise _invalid_refresh()
        return _token_pair(user, family=family)


def _token_family_revoke(*, family: str | None, user_id: str | None) -> None:
    """A rotated refresh token was replayed: none of its family refreshes again. Access
    tokens already issued run out within their lifetime."""
    with transaction.atomic(using=DB):
        # A token without a family (or a user) has none to revoke (or to tell).
        revoked = 0
        if family is not None:
            revoked = TokenFamily.objects.filter(pk=family, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        user = None if user_id is None else User.objects.filter(pk=user_id).first()
        if revoked and user is not None:
            activity_record(user=user, type=ActivityType.REFRESH_TOKEN_REUSED, family=family)
    security_logger.warning(
        "Security: a rotated refresh token of user %s was replayed; token family %s revoked",
        user_id,
        family,
    )


def token_verify(*, token: str) -> TokenVerification:
    """Whether an access token is good. Another kind of token (a refresh token) is refused
    outright with a 401: verifying one would be a mistake of the caller's."""
    invalid: TokenVerification = {"valid": False, "user_id": None, "email": None, "role": None}
    try:
        verified = UntypedToken(token)
    except TokenError:
        return invalid
    if verified.get("token_type") != "access":
        raise ApplicationError(
            _("Only access tokens can be verified."),
            code=CommonErrorCode.TOKEN_NOT_VALID,
            status=401,
        )
    user = _token_user(verified)
    if user is None:
        return invalid
    return {"valid": True, "user_id": user.pk, "email": user.email, "role": user.role}


def logout_everywhere(*, user: User, ip_address: str | None = None) -> None:
    """Sign the user out of every device: every access and refresh token stops working, and
    every open socket is closed."""
    with transaction.atomic(using=DB):
        tokens_revoke_all(user=user, reason="logout_all")
        activity_record(user=user, type=ActivityType.LOGOUT, ip_address=ip_address, everywhere=True)
        events.USER_SIGNED_OUT.emit(
            aggregate_id=user.pk,
            payload=events.auth_payload(user, ip_address=ip_address, everywhere=True),
        )
        # The e-mail lists the external accounts that still sign in (accounts.emails).
        events.USER_SIGNED_OUT_EVERYWHERE.emit(aggregate_id=user.pk, payload={"id": str(user.pk)})


def logout(*, refresh_token: str, ip_address: str | None = None) -> None:
    refresh, user = _refresh_and_user(refresh_token)
    with transaction.atomic(using=DB):
        refresh.blacklist()
        activity_record(user=user, type=ActivityType.LOGOUT, ip_address=ip_address)
        events.USER_SIGNED_OUT.emit(
            aggregate_id=user.pk,
            payload=events.auth_payload(user, ip_address=ip_address, everywhere=False),
        )


def tokens_revoke_all(*, user: User, reason: str = "revoked") -> int:
    """Revoke every token of the user: a new token version ends the access tokens and the
    WebSocket tickets at once, every unexpired refresh token is blacklisted, and the user's
    open sockets are closed once the change commits (`reason` tells them why). Returns how
    many refresh tokens were blacklisted."""
    sessions_close_after_commit(user.pk, using=DB, reason=reason)
    user_cache_forget(user)  # the copy of the version that ends here
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    blacklisted = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(blacklisted)
