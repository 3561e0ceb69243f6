"""The exchange's accounts and sessions (docs/1c.md, "The account"): 1C signs in with HTTP
Basic auth (`mode=checkauth`) and gets a cookie that opens this one endpoint for a while. The
cookie is stored hashed; the password as Django stores users' passwords."""

import functools
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from onec.models import ExchangeAccount, ExchangeSession

DB = "onec"
COOKIE_NAME = "onec_session"


@functools.cache
def _nobody() -> str:
    """Checked against when the login is unknown, so that a wrong login takes as long as a
    wrong password (docs/security.md, "Account enumeration")."""
    return make_password(None)


class NotSignedIn(Exception):
    """No valid cookie, or a wrong login or password: 1C is told to sign in again."""


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def account_create(
    *, login: str, password: str, name: str = "", encoding: str = "", use_zip: bool = False
) -> ExchangeAccount:
    account = ExchangeAccount(login=login, name=name, use_zip=use_zip)
    if encoding:
        account.encoding = encoding
    account.password = make_password(password)
    account.full_clean(exclude=["password"])
    account.save(using=DB)
    return account


def account_password_set(*, account: ExchangeAccount, password: str, save: bool = True) -> None:
    """A new password for the account; its open sessions end with it."""
    account.password = make_password(password)
    if save:
        account.save(using=DB, update_fields=["password", "updated_at"])
    if account.pk and not account._state.adding:
        ExchangeSession.objects.using(DB).filter(account=account).update(expires_at=timezone.now())


def session_start(
    *, login: str, password: str, exchange_type: str, client_ip: str | None
) -> tuple[ExchangeSession, str]:
    """Check 1C's login and password; a new session and its cookie."""
    account = ExchangeAccount.objects.using(DB).filter(login=login, is_active=True).first()
    matches = check_password(password, account.password if account else _nobody())
    if account is None or not matches:
        raise NotSignedIn
    cookie = secrets.token_urlsafe(32)
    session = ExchangeSession.objects.using(DB).create(
        account=account,
        exchange_type=exchange_type,
        cookie_hash=_digest(cookie),
        expires_at=timezone.now() + timedelta(seconds=settings.ONEC_SESSION_SECONDS),
        client_ip=client_ip or None,
    )
    return session, cookie


def session_of_cookie(cookie: str, *, exchange_type: str) -> ExchangeSession:
    """The live session the cookie opens, of this exchange's type, its account still active;
    each call keeps it alive for another ONEC_SESSION_SECONDS."""
    if not cookie:
        raise NotSignedIn
    now = timezone.now()
    with transaction.atomic(using=DB):
        session = (
            ExchangeSession.objects.using(DB)
            .select_related("account")
            .select_for_update(of=("self",))
            .filter(
                cookie_hash=_digest(cookie),
                exchange_type=exchange_type,
                expires_at__gt=now,
                account__is_active=True,
            )
            .first()
        )
        if session is None:
            raise NotSignedIn
        session.expires_at = now + timedelta(seconds=settings.ONEC_SESSION_SECONDS)
        session.save(using=DB, update_fields=["expires_at", "updated_at"])
    return session
