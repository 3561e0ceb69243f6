"""Writes of the accounts domain: registration, tokens, passwords, roles and activity."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import UntypedToken

from accounts import events, lockout
from accounts.choices import MANAGER_APPS, MANAGERS_GROUP, ActivityType, Role
from accounts.error_codes import AccountErrorCode
from accounts.models import (
    ActivityLog,
    ExternalIdentity,
    TokenFamily,
    User,
    email_normalize,
    sign_in_lookup,
    username_normalize,
)
from accounts.oidc import VerifiedIdentity
from accounts.tokens import RefreshToken
from common.authentication import TOKEN_VERSION_CLAIM, user_cache_forget
from common.cache import cache_take
from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError, NotFound
from common.realtime import sessions_close_after_commit

DB = "default"
WS_TICKET_PREFIX = "ws-ticket:"


security_logger = logging.getLogger("autosalon.security")


def activity_record(*, user: User, type: ActivityType, ip_address=None, **details) -> ActivityLog:
    return ActivityLog.objects.create(
        user=user, type=type, ip_address=ip_address or None, details=details
    )


# USERS
# ------------------------------------------------------------------------------
def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except Exception as exc:
        raise ApplicationError(
            _("The password is too weak."),
            code=CommonErrorCode.VALIDATION_ERROR,
            details={"password": list(getattr(exc, "messages", [str(exc)]))},
        ) from exc


def user_register(
    *, email: str, password: str, full_name: str = "", phone="", username: str | None = None
) -> User:
    """A new client. The role is always `client`, whatever the caller asked for. The account
    works at once; its e-mail counts as verified only once the link e-mailed now is opened
    (`email_verify_confirm`). A username, if given, signs in as the e-mail does."""
    user = User(
        email=email, username=username or None, full_name=full_name, phone=phone, role=Role.CLIENT
    )
    _validate_password(password, user)
    user.set_password(password)
    if User.objects.filter(email=email_normalize(email)).exists():
        raise _email_taken()
    _username_free_required(username)
    try:
        with transaction.atomic(using=DB):
            user.save(using=DB)
            activity_record(user=user, type=ActivityType.REGISTERED)
            events.USER_CREATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
            events.USER_EMAIL_VERIFICATION_REQUESTED.emit(
                aggregate_id=user.pk, payload={"id": str(user.pk)}
            )
    except IntegrityError as exc:  # a concurrent registration won the race
        raise _taken_of(exc) from exc
    return user


def _username_free_required(username: str | None, *, exclude: User | None = None) -> None:
    taken = User.objects.filter(username=username_normalize(username))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if username and taken.exists():
        raise _username_taken()


def _taken_of(exc: IntegrityError) -> ApplicationError:
    """Which unique value a concurrent write took first: the username's, or the e-mail's."""
    return _username_taken() if "username" in str(exc) else _email_taken()


def _username_taken() -> ApplicationError:
    return ApplicationError(
        _("A user with this username already exists."),
        code=AccountErrorCode.USERNAME_TAKEN,
        status=409,
        details={"username": [_("A user with this username already exists.")]},
    )


def _email_free_required(email: str) -> None:
    if User.objects.filter(email=email_normalize(email)).exists():
        raise _email_taken()


def _email_taken() -> ApplicationError:
    return ApplicationError(
        _("A user with this e-mail already exists."),
        code=AccountErrorCode.EMAIL_TAKEN,
        status=409,
        details={"email": [_("A user with this e-mail already exists.")]},
    )


def user_profile_update(*, user: User, **fields) -> User:
    """The user's own name, phone and username. A username someone else has is a 409."""
    if "username" in fields:
        fields["username"] = username_normalize(fields["username"]) or None
        _username_free_required(fields["username"], exclude=user)
    changed = sorted(name for name, value in fields.items() if getattr(user, name) != value)
    if not changed:
        return user
    for name in changed:
        setattr(user, name, fields[name])
    try:
        with transaction.atomic(using=DB):
            user.save(update_fields=[*changed, "updated_at"])
            activity_record(user=user, type=ActivityType.PROFILE_UPDATED, fields=changed)
            events.USER_UPDATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
    except IntegrityError as exc:  # a concurrent write took the value first
        user.refresh_from_db()
        raise _taken_of(exc) from exc
    return user


def user_me_update(*, user: User, email: str | None = None, ip_address=None, **fields) -> User:
    """The user's own changes (`users/me`): name, phone and username at once; a new e-mail
    only once confirmed from it (`email_change_request`). A taken e-mail or username
    changes nothing."""
    if email is not None and email_normalize(email) != user.email:
        _email_free_required(email)
    user = user_profile_update(user=user, **fields)
    if email is not None:
        email_change_request(user=user, new_email=email, ip_address=ip_address)
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The language the user chose for the admin, the dashboards and the e-mails (the
    admin's switch); one the site does not speak changes nothing. A preference, not a
    change of the account: no event, no activity row (docs/admin.md, "Languages")."""
    if language not in {code for code, _name in settings.LANGUAGES} or language == user.language:
        return user
    user.language = language
    user.save(update_fields=["language", "updated_at"])
    user_cache_forget(user)
    return user


def user_role_set(*, actor: User | None, user: User, role: Role) -> User:
    """`actor` is the admin acting, or None for an operator at the command line."""
    if actor is not None and actor.pk == user.pk:
        raise ApplicationError(
            _("Admins cannot change their own role."),
            code=AccountErrorCode.CANNOT_CHANGE_OWN_ROLE,
            status=409,
        )
    with transaction.atomic(using=DB):
        # Of two admins at once, one changes the role and the other finds it changed: one
        # event, one revocation.
        previous = _user_locked(user).role
        if previous == role:
            user.refresh_from_db()
            return user
        user.role = role
        user.save(update_fields=["role", "is_staff", "is_superuser", "updated_at"])
        user_groups_sync(user=user)
        activity_record(
            user=user,
            type=ActivityType.ROLE_CHANGED,
            by=str(actor.pk) if actor else "command line",
            to=role,
            **{"from": previous},
        )
        events.USER_UPDATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
        events.USER_ROLE_CHANGED.emit(
            aggregate_id=user.pk,
            payload=events.user_admin_payload(user, actor=actor, from_role=previous, to_role=role),
        )
        # Every token says the old role, to partners too, and open sockets were authorised
        # for it: all of them end, and the user signs in again with the new one.
        tokens_revoke_all(user=user, reason="role_changed")
    return user


def user_active_set(*, actor: User | None, user: User, is_active: bool) -> User:
    """Deactivate or reactivate an account. A deactivated user's tokens and open sockets
    stop working at once."""
    if actor is not None and actor.pk == user.pk:
        raise ApplicationError(
            _("Admins cannot deactivate themselves."),
            code=AccountErrorCode.CANNOT_DEACTIVATE_SELF,
            status=409,
        )
    with transaction.atomic(using=DB):
        # Of two admins at once, one acts and the other finds it done: one event.
        if _user_locked(user).is_active == is_active:
            user.refresh_from_db()
            return user
        user.is_active = is_active
        user.save(update_fields=["is_active", "updated_at"])
        activity_record(
            user=user,
            type=ActivityType.ACTIVATED if is_active else ActivityType.DEACTIVATED,
            by=str(actor.pk) if actor else "command line",
        )
        events.USER_UPDATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
        changed = events.USER_ACTIVATED if is_active else events.USER_DEACTIVATED
        changed.emit(aggregate_id=user.pk, payload=events.user_admin_payload(user, actor=actor))
        if not is_active:
            tokens_revoke_all(user=user, reason="deactivated")
    return user


def _user_locked(user: User) -> User:
    """The user's row as stored, locked until the transaction ends."""
    return User.objects.using(DB).select_for_update().get(pk=user.pk)


def user_delete(*, actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise ApplicationError(
            _("Admins cannot delete themselves."),
            code=AccountErrorCode.CANNOT_DELETE_SELF,
            status=409,
        )
    with transaction.atomic(using=DB):
        tokens_revoke_all(user=user, reason="deleted")
        events.USER_DELETED.emit(aggregate_id=user.pk, payload={"id": str(user.pk)})
        user.delete()


def user_create(*, actor: User, email: str, role: Role, full_name: str = "", phone="") -> User:
    """An account an admin opens, of any role, with no password: its owner sets one from
    the link e-mailed now (the password reset's), and the response never holds one."""
    user = User(email=email, full_name=full_name, phone=phone, role=role)
    user.set_unusable_password()
    if User.objects.filter(email=email_normalize(email)).exists():
        raise _email_taken()
    try:
        with transaction.atomic(using=DB):
            user.save(using=DB)
            user_groups_sync(user=user)
            activity_record(user=user, type=ActivityType.REGISTERED, by=str(actor.pk))
            events.USER_CREATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
            events.USER_PASSWORD_RESET_REQUESTED.emit(
                aggregate_id=user.pk, payload={"id": str(user.pk)}
            )
    except IntegrityError as exc:  # a concurrent creation or registration won the race
        raise _email_taken() from exc
    return user


def user_admin_update(*, actor: User, user: User, **fields) -> User:
    """An admin changes a user's `full_name`, `phone` or `email`. A new e-mail applies at
    once (the admin vouches for the account, where a user's own change waits for the new
    mailbox to confirm), counts as verified only once the link e-mailed there is opened,
    and ends every token and open socket of the user: whoever signed in under the old
    address signs in again under the new one."""
    if "email" in fields:
        fields["email"] = email_normalize(fields["email"])
    changed = sorted(name for name, value in fields.items() if getattr(user, name) != value)
    if not changed:
        return user
    new_email = "email" in changed
    if new_email and User.objects.filter(email=fields["email"]).exclude(pk=user.pk).exists():
        raise _email_taken()
    for name in changed:
        setattr(user, name, fields[name])
    if new_email:
        user.email_verified_at = None
        changed_columns = [*changed, "email_verified_at"]
    else:
        changed_columns = changed
    try:
        with transaction.atomic(using=DB):
            user.save(using=DB, update_fields=[*changed_columns, "updated_at"])
            activity_record(
                user=user, type=ActivityType.PROFILE_UPDATED, fields=changed, by=str(actor.pk)
            )
            events.USER_UPDATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
            if new_email:
                tokens_revoke_all(user=user, reason="email_changed")
                events.USER_EMAIL_VERIFICATION_REQUESTED.emit(
                    aggregate_id=user.pk, payload={"id": str(user.pk)}
                )
    except IntegrityError as exc:  # another account took the address meanwhile
        raise _email_taken() from exc
    return user


# GROUPS
# ------------------------------------------------------------------------------
def managers_group_sync(*, using: str = DB) -> Group:
    """Bring the Managers group to exactly the permissions of the apps managers run (those of
    every model these apps have now, and no others) and exactly the users whose role is
    manager. Runs after each migration of `default`."""
    group, _ = Group.objects.db_manager(using).get_or_create(name=MANAGERS_GROUP)
    group.permissions.set(
        Permission.objects.db_manager(using).filter(content_type__app_label__in=MANAGER_APPS)
    )
    group.user_set.set(User.objects.db_manager(using).filter(role=Role.MANAGER))
    return group


def user_groups_sync(*, user: User) -> None:
    """Group membership follows the role: managers are in the Managers group, nobody else."""
    group = Group.objects.filter(name=MANAGERS_GROUP).first() or managers_group_sync()
    if user.role == Role.MANAGER:
        user.groups.add(group)
    else:
        user.groups.remove(group)


# TOKENS
# ------------------------------------------------------------------------------
def _token_pair(user: User, *, family: str | None = None) -> dict:
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


def token_obtain(*, login: str, password: str, ip_address: str | None) -> dict:
    """Sign in with an e-mail or a username (`login`) from the client at `ip_address`: the
    lockout (accounts.lockout) counts the account's failures, and those from that address;
    a locked sign-in is answered as a wrong password is."""
    user = authenticate(username=login, password=password, ip_address=ip_address)
    if user is None:
        known = User.objects.filter(sign_in_lookup(login)).first()
        if known is not None:
            activity_record(user=known, type=ActivityType.LOGIN_FAILED, ip_address=ip_address)
        raise _invalid_credentials()
    return _signed_in(user, ip_address=ip_address)


def _signed_in(user: User, *, ip_address, **details) -> dict:
    """A new token family for `user`, whose identity has just been proven."""
    with transaction.atomic(using=DB):
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        # The row names the session's token family: how this session signed in, and when,
        # is known from it (`identity_link_authorize`).
        family = str(TokenFamily.objects.create(user=user).pk)
        activity_record(
            user=user, type=ActivityType.LOGIN, ip_address=ip_address, family=family, **details
        )
        events.AUTH_USER_LOGIN.emit(
            aggregate_id=user.pk,
            payload=events.auth_payload(user, ip_address=ip_address, family=family, **details),
        )
        return _token_pair(user, family=family)


def _token_user(token) -> User | None:
    """The active user a token was issued to, if none of their tokens was revoked since."""
    user = User.objects.filter(pk=token.get("user_id"), is_active=True).first()
    if user is None or token.get(TOKEN_VERSION_CLAIM) != user.token_version:
        return None
    return user


def _refresh_token_user(refresh: RefreshToken) -> User:
    user = _token_user(refresh)
    if user is None:
        raise _invalid_refresh()
    return user


def token_refresh(*, refresh_token: str) -> dict:
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
    try:
        refresh = RefreshToken(refresh_token)
    except TokenError as exc:
        raise _invalid_refresh() from exc
    user = _refresh_token_user(refresh)
    with transaction.atomic(using=DB):
        _, created = refresh.blacklist()
        if not created:
            raise _invalid_refresh()
        return _token_pair(user, family=family)


def _token_family_revoke(*, family: str | None, user_id) -> None:
    """A rotated refresh token was replayed: none of its family refreshes again. Access
    tokens already issued run out within their lifetime."""
    with transaction.atomic(using=DB):
        revoked = TokenFamily.objects.filter(pk=family, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        user = User.objects.filter(pk=user_id).first()
        if revoked and user is not None:
            activity_record(user=user, type=ActivityType.REFRESH_TOKEN_REUSED, family=str(family))
    security_logger.warning(
        "Security: a rotated refresh token of user %s was replayed; token family %s revoked",
        user_id,
        family,
    )


def token_verify(*, token: str) -> dict:
    """Whether an access token is good. Another kind of token (a refresh token) is refused
    outright with a 401: verifying one would be a mistake of the caller's."""
    invalid = {"valid": False, "user_id": None, "email": None, "role": None}
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


def logout_everywhere(*, user: User, ip_address=None) -> None:
    """Sign the user out of every device: every access and refresh token stops working, and
    every open socket is closed."""
    with transaction.atomic(using=DB):
        tokens_revoke_all(user=user, reason="logout_all")
        activity_record(user=user, type=ActivityType.LOGOUT, ip_address=ip_address, everywhere=True)
        events.AUTH_USER_LOGOUT.emit(
            aggregate_id=user.pk,
            payload=events.auth_payload(user, ip_address=ip_address, everywhere=True),
        )
        # The e-mail lists the external accounts that still sign in (accounts.emails).
        events.USER_SIGNED_OUT_EVERYWHERE.emit(aggregate_id=user.pk, payload={"id": str(user.pk)})


def logout(*, refresh_token: str, ip_address=None) -> None:
    try:
        refresh = RefreshToken(refresh_token)
    except TokenError as exc:
        raise _invalid_refresh() from exc
    user = _refresh_token_user(refresh)
    with transaction.atomic(using=DB):
        refresh.blacklist()
        activity_record(user=user, type=ActivityType.LOGOUT, ip_address=ip_address)
        events.AUTH_USER_LOGOUT.emit(
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


# PASSWORDS
# ------------------------------------------------------------------------------
def _password_set(*, user: User, password: str, activity: ActivityType, ip_address=None) -> None:
    _validate_password(password, user)
    user.set_password(password)
    with transaction.atomic(using=DB):
        user.save(update_fields=["password", "updated_at"])
        tokens_revoke_all(user=user, reason="password_changed")
        activity_record(user=user, type=activity, ip_address=ip_address)


def password_change(*, user: User, old_password: str, new_password: str, ip_address=None) -> None:
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


def password_reset_request(*, email: str, ip_address=None) -> None:
    """Has a reset link sent if the e-mail belongs to an active user; silent otherwise. The
    request is an outbox event, so that it is sent even if the broker is down just now."""
    user = User.objects.filter(email=email_normalize(email), is_active=True).first()
    if user is None:
        return
    with transaction.atomic(using=DB):
        activity_record(
            user=user, type=ActivityType.PASSWORD_RESET_REQUESTED, ip_address=ip_address
        )
        events.USER_PASSWORD_RESET_REQUESTED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk)}
        )


def password_reset_confirm(*, uid: str, token: str, new_password: str, ip_address=None) -> None:
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


# WEBSOCKET TICKETS
# ------------------------------------------------------------------------------
def ws_ticket_issue(*, user: User) -> dict:
    """A one-time ticket for the live feed, of the user's current token version: revoking
    their tokens ends the tickets issued before."""
    ticket = secrets.token_urlsafe(32)
    ttl = settings.WS_TICKET_TTL_SECONDS
    cache.set(f"{WS_TICKET_PREFIX}{ticket}", f"{user.pk}:{user.token_version}", timeout=ttl)
    return {"ticket": ticket, "expires_in": ttl}


def ws_ticket_consume(*, ticket: str) -> User | None:
    """The active user the ticket was issued to, once, if none of their tokens was revoked
    since; None for an unknown, used, expired or revoked one."""
    issued = cache_take(f"{WS_TICKET_PREFIX}{ticket}")
    if not issued:
        return None
    user_id, _, version = str(issued).partition(":")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or str(user.token_version) != version:
        return None
    return user


# E-MAIL VERIFICATION (docs/security.md, "Google sign-in")
# ------------------------------------------------------------------------------
EMAIL_VERIFY_SALT = "accounts.email-verify"


def email_verify_token(*, user: User) -> str:
    """Signed, never stored; it names the mailbox it was sent to, so that it stops working
    once the account's e-mail changes."""
    return signing.dumps({"user_id": str(user.pk), "email": user.email}, salt=EMAIL_VERIFY_SALT)


def email_verify_confirm(*, token: str) -> User:
    """Mark the e-mail an e-mailed token names as verified. Confirming again changes nothing;
    the token expires after ACCOUNTS_EMAIL_VERIFY_HOURS."""
    try:
        claims = signing.loads(
            token,
            salt=EMAIL_VERIFY_SALT,
            max_age=settings.ACCOUNTS_EMAIL_VERIFY_HOURS * 3600,
        )
    except signing.BadSignature as exc:  # SignatureExpired among them
        raise _email_verify_token_invalid() from exc
    with transaction.atomic(using=DB):
        user = (
            User.objects.using(DB)
            .select_for_update()
            .filter(pk=claims.get("user_id"), is_active=True)
            .first()
        )
        if user is None or claims.get("email") != user.email:
            raise _email_verify_token_invalid()
        if user.email_verified_at is None:
            _email_verified(user, via="link")
    return user


def _email_verified(user: User, **details) -> None:
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


def email_change_request(*, user: User, new_email: str, ip_address=None) -> None:
    """E-mail a link to `new_email` that changes the account's e-mail once opened, and tell
    the current address. Nothing changes until then. An address some account has is a 409,
    now and again at the confirmation."""
    new_email = email_normalize(new_email)
    if new_email == user.email:
        return
    _email_free_required(new_email)
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


def email_change_confirm(*, token: str, ip_address=None) -> User:
    """Give the account the e-mail an e-mailed token names: it counts as verified (the link
    was opened from its mailbox), every token and open socket of the user ends, and the old
    address is told. The token expires after ACCOUNTS_EMAIL_VERIFY_HOURS."""
    try:
        claims = signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=settings.ACCOUNTS_EMAIL_VERIFY_HOURS * 3600
        )
    except signing.BadSignature as exc:  # SignatureExpired among them
        raise _email_change_token_invalid() from exc
    new_email = claims.get("new_email")
    with transaction.atomic(using=DB):
        user = (
            User.objects.using(DB)
            .select_for_update()
            .filter(pk=claims.get("user_id"), is_active=True)
            .first()
        )
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
        events.USER_UPDATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
        events.USER_EMAIL_CHANGED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk), "old_email": old_email}
        )
        tokens_revoke_all(user=user, reason="email_changed")
    return user


def _email_change_token_invalid() -> ApplicationError:
    return ApplicationError(
        _("The e-mail change link is invalid, expired or already used; ask for the change again."),
        code=AccountErrorCode.EMAIL_CHANGE_TOKEN_INVALID,
        status=400,
    )


# EXTERNAL IDENTITIES (docs/security.md, "Google sign-in")
# ------------------------------------------------------------------------------
IDENTITY_LINK_SALT = "accounts.identity-link"


@dataclass(frozen=True)
class FederatedSignIn:
    """How a sign-in through a provider ended: signed in with `tokens`, or waiting for the
    owner of `confirmation_sent_to` to confirm the link from the e-mail sent there."""

    tokens: dict | None = None
    confirmation_sent_to: str = ""


def identity_sign_in(
    *, identity: VerifiedIdentity, linking_user_id: str = "", ip_address=None
) -> FederatedSignIn:
    """The account rules of a provider's sign-in, once the provider has vouched for
    `identity`:

    - an e-mail the provider has not verified is refused, and nothing is linked or created;
    - a signed-in user who started the flow (`linking_user_id`, allowed by
      `identity_link_authorize`) gets the identity linked, if their e-mail is verified;
    - an identity linked before signs in its user;
    - an e-mail that belongs to a user links only after its owner confirms from an e-mail
      (whoever holds the mailbox holds the account): nothing happens until then;
    - anyone else gets a new client account, with no password."""
    if not (identity.email_verified and identity.email):
        raise ApplicationError(
            _(
                "The provider has not verified this account's e-mail address; verify it there "
                "first, or sign up with a password."
            ),
            code=AccountErrorCode.IDENTITY_EMAIL_UNVERIFIED,
            status=403,
        )
    if linking_user_id:
        user = User.objects.filter(pk=linking_user_id).first()
        if user is not None:
            _email_verified_required(user)
        return _identity_signed_in(user, identity, ip_address=ip_address)
    linked = (
        ExternalIdentity.objects.filter(provider=identity.provider, subject=identity.subject)
        .select_related("user")
        .first()
    )
    if linked is not None:
        return _identity_signed_in(linked.user, identity, ip_address=ip_address)
    owner = User.objects.filter(email__iexact=User.objects.normalize_email(identity.email)).first()
    if owner is not None:
        identity_link_request(user=owner, identity=identity, ip_address=ip_address)
        return FederatedSignIn(confirmation_sent_to=owner.email)
    try:
        user = _user_from_identity(identity)
    except IntegrityError:  # a concurrent sign-in created the account or linked the subject
        return identity_sign_in(identity=identity, ip_address=ip_address)
    return FederatedSignIn(tokens=_signed_in(user, ip_address=ip_address, via=identity.provider))


def identity_link_authorize(*, user: User, access_token) -> None:
    """May the session that presented `access_token` link an external account to `user`? Only
    if its e-mail is verified, and the session began with a password sign-in at most
    IDENTITY_LINK_REAUTH_SECONDS ago: a stolen access token from an older session, or from a
    sign-in through a provider, links nothing. The session's sign-in is the LOGIN row that
    names its token family (`_signed_in`); a sign-in through a provider notes `via`."""
    _email_verified_required(user)
    family = access_token.get("family") if access_token is not None else None
    since = timezone.now() - timedelta(seconds=settings.IDENTITY_LINK_REAUTH_SECONDS)
    recent_password_sign_in = (
        family is not None
        and ActivityLog.objects.filter(
            user=user, type=ActivityType.LOGIN, created_at__gte=since, details__family=str(family)
        )
        .exclude(details__has_key="via")
        .exists()
    )
    if not recent_password_sign_in:
        raise ApplicationError(
            _(
                "Linking an account needs a recent sign-in: sign in again with your password "
                "and link within 10 minutes."
            ),
            code=AccountErrorCode.REAUTHENTICATION_REQUIRED,
            status=403,
        )


def _email_verified_required(user: User) -> None:
    if user.email_verified_at is None:
        raise ApplicationError(
            _("Verify this account's e-mail first (open the link we sent), then link."),
            code=AccountErrorCode.EMAIL_UNVERIFIED,
            status=403,
        )


def _identity_signed_in(user: User | None, identity: VerifiedIdentity, *, ip_address):
    if user is None or not user.is_active:
        raise ApplicationError(
            _("This account is deactivated."), code=AccountErrorCode.ACCOUNT_INACTIVE, status=403
        )
    identity_link(user=user, **_identity_fields(identity))
    return FederatedSignIn(tokens=_signed_in(user, ip_address=ip_address, via=identity.provider))


def _identity_fields(identity: VerifiedIdentity) -> dict:
    return {"provider": identity.provider, "subject": identity.subject, "email": identity.email}


def _user_from_identity(identity: VerifiedIdentity) -> User:
    user = User(
        email=identity.email,
        full_name=identity.name,
        role=Role.CLIENT,
        email_verified_at=timezone.now(),  # the provider vouched for it
    )
    user.set_unusable_password()  # signs in through the provider until they set one
    with transaction.atomic(using=DB):
        user.save(using=DB)
        activity_record(user=user, type=ActivityType.REGISTERED, via=identity.provider)
        identity_link(user=user, **_identity_fields(identity))
        events.USER_CREATED.emit(aggregate_id=user.pk, payload=events.user_payload(user))
    return user


def identity_link_request(*, user: User, identity: VerifiedIdentity, ip_address=None) -> None:
    """Have `user` asked by e-mail to confirm that `identity` is theirs. The event carries
    what the link token is made of, never the token (accounts.emails)."""
    with transaction.atomic(using=DB):
        activity_record(
            user=user,
            type=ActivityType.IDENTITY_LINK_REQUESTED,
            ip_address=ip_address,
            provider=identity.provider,
        )
        events.USER_IDENTITY_LINK_REQUESTED.emit(
            aggregate_id=user.pk, payload={"id": str(user.pk), **_identity_fields(identity)}
        )


def identity_link_token(*, user: User, provider: str, subject: str, email: str) -> str:
    """Signed, never stored; it names the mailbox it was sent to, so that it stops working
    once the account's e-mail changes."""
    return signing.dumps(
        {
            "user_id": str(user.pk),
            "sent_to": user.email,
            "provider": provider,
            "subject": subject,
            "email": email,
        },
        salt=IDENTITY_LINK_SALT,
    )


def identity_link_confirm(*, token: str) -> ExternalIdentity:
    """Link the identity an e-mailed token names to the user it was sent to. Confirming
    again changes nothing; the token expires after IDENTITY_LINK_TTL_SECONDS.

    Confirming proves the mailbox. If nobody had proven it before, whoever set the account's
    password may not be its owner (someone can sign up with another's address and wait):
    the account is reclaimed (`_account_reclaimed`), as the link e-mail said it would be."""
    try:
        claims = signing.loads(
            token, salt=IDENTITY_LINK_SALT, max_age=settings.IDENTITY_LINK_TTL_SECONDS
        )
    except signing.BadSignature as exc:  # SignatureExpired among them
        raise ApplicationError(
            _("The link is invalid or has expired; sign in with Google again for a new one."),
            code=AccountErrorCode.LINK_TOKEN_INVALID,
            status=400,
        ) from exc
    user = User.objects.filter(pk=claims.pop("user_id"), is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("This account is deactivated."), code=AccountErrorCode.ACCOUNT_INACTIVE, status=403
        )
    if claims.pop("sent_to") != user.email:
        raise ApplicationError(
            _("The link was sent to an e-mail address this account no longer has."),
            code=AccountErrorCode.LINK_TOKEN_INVALID,
            status=400,
        )
    with transaction.atomic(using=DB):
        user = User.objects.using(DB).select_for_update().get(pk=user.pk)
        identity = identity_link(user=user, **claims)
        if user.email_verified_at is None:
            _account_reclaimed(user, identity=identity)
    return identity


def _account_reclaimed(user: User, *, identity: ExternalIdentity) -> None:
    """The owner of the mailbox takes the account over: the password (anyone's) no longer
    works, every token and open socket ends, every other external account is unlinked, and
    the e-mail counts as verified."""
    user.set_unusable_password()
    user.save(using=DB, update_fields=["password", "updated_at"])
    unlinked = ExternalIdentity.objects.using(DB).filter(user=user).exclude(pk=identity.pk)
    for other in unlinked:
        activity_record(user=user, type=ActivityType.IDENTITY_UNLINKED, provider=other.provider)
    unlinked.delete()
    tokens_revoke_all(user=user, reason="account_reclaimed")
    _email_verified(user, via=identity.provider, password_cleared=True)


def identity_link(*, user: User, provider: str, subject: str, email: str) -> ExternalIdentity:
    """Link an identity the provider vouched for to `user` (once proven theirs); linking it
    again only notes the sign-in. A subject already linked to someone else is refused."""
    with transaction.atomic(using=DB):
        identity, created = ExternalIdentity.objects.using(DB).get_or_create(
            provider=provider, subject=subject, defaults={"user": user, "email": email}
        )
        if identity.user_id != user.pk:
            raise ApplicationError(
                _("That account is linked to another user."),
                code=AccountErrorCode.IDENTITY_LINKED_ELSEWHERE,
                status=409,
            )
        identity.email, identity.last_login_at = email, timezone.now()
        identity.save(using=DB, update_fields=["email", "last_login_at", "updated_at"])
        if created:
            activity_record(user=user, type=ActivityType.IDENTITY_LINKED, provider=provider)
    return identity


def identity_unlink(*, user: User, identity_id) -> None:
    """Unlink one of `user`'s identities, unless it is the only way left to sign in."""
    with transaction.atomic(using=DB):
        locked = User.objects.using(DB).select_for_update().get(pk=user.pk)
        identity = ExternalIdentity.objects.using(DB).filter(pk=identity_id, user=locked).first()
        if identity is None:
            raise NotFound
        if not locked.has_usable_password() and locked.identities.count() == 1:
            raise ApplicationError(
                _("This is your only way to sign in: set a password before you unlink it."),
                code=AccountErrorCode.LAST_SIGN_IN_METHOD,
                status=409,
            )
        identity.delete()
        activity_record(
            user=locked, type=ActivityType.IDENTITY_UNLINKED, provider=identity.provider
        )
