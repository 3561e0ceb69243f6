"""The lockout after failed sign-ins (docs/security.md, "Lockout").

Failures are counted per account, by user id, and per (account, client address):

- an address that failed LOCKOUT_ADDRESS_FAILURE_LIMIT (5) times within LOCKOUT_COOLOFF is
  refused for that account until the oldest of them is older than that; other addresses
  still sign in;
- an account that failed LOCKOUT_ACCOUNT_FAILURE_LIMIT (50) times, whatever the addresses,
  is refused everywhere until a password reset from its mailbox, or `accounts_unlock`.

A refused sign-in is answered as a wrong password is, so the lockout tells nobody whether a
password was right, or whether an account exists. The token endpoint and `/admin/login/`
both sign in through `authenticate()`, and so through `LockoutBackend`."""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone

from accounts.models import SignInFailure, User, email_normalize, sign_in_lookup
from common.api.throttling import client_ip

DB = "default"

security_logger = logging.getLogger("autosalon.security")


def _address_locked(user: User, ip_address: str | None) -> bool:
    since = timezone.now() - settings.LOCKOUT_COOLOFF
    recent = SignInFailure.objects.filter(user=user, ip_address=ip_address, created_at__gte=since)
    return recent.count() >= settings.LOCKOUT_ADDRESS_FAILURE_LIMIT


def account_locked(user: User) -> bool:
    return SignInFailure.objects.filter(user=user).count() >= settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT


def _failure_record(user: User, ip_address: str | None) -> None:
    SignInFailure.objects.create(user=user, ip_address=ip_address)
    if account_locked(user):
        security_logger.warning(
            "Security: user %s is locked after %s failed sign-ins; a password reset or "
            "`manage.py accounts_unlock` unlocks it",
            user.pk,
            settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT,
        )


class LockoutBackend(ModelBackend):
    """Django's own backend, with the lockout around the password check. The user's row is
    locked while it runs, so that concurrent guesses are counted one after another and
    none gets past a limit."""

    def authenticate(self, request, username=None, password=None, ip_address=None, **kwargs):
        """`ip_address` is the client's: from `request` when there is one (the admin's sign-in
        form), else as the API's service passes it."""
        username = username or kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        if request is not None:
            ip_address = client_ip(request)
        with transaction.atomic(using=DB):
            # An e-mail or a username (docs/security.md, "Usernames"): failures count against
            # the account either names.
            user = User.objects.select_for_update().filter(sign_in_lookup(username)).first()
            if user is None:
                User().set_password(password)  # as slow as for an account that exists
                return None
            right = user.check_password(password)  # checked even when locked: same timing
            if account_locked(user) or _address_locked(user, ip_address):
                return None
            if not right:
                _failure_record(user, ip_address)
                return None
            if not self.user_can_authenticate(user):
                return None
            SignInFailure.objects.filter(user=user, ip_address=ip_address).delete()
            return user


def unlock(*, email: str) -> int:
    """End the account's lockout and forget all its failures (a password reset did it, or
    staff with `accounts_unlock`). Returns how many failures were forgotten."""
    deleted, _ = SignInFailure.objects.filter(user__email=email_normalize(email)).delete()
    return deleted
