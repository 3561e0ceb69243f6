"""Users: registration, their own changes (profile, language) and an admin's (role,
activation, creation, deletion)."""

import uuid
from collections.abc import Collection
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework_simplejwt.tokens import Token

from accounts import events, usernames
from accounts.choices import ActivityType, Role
from accounts.error_codes import AccountErrorCode
from accounts.models import ActivityLog, User, email_normalize, username_normalize
from accounts.services.activity import activity_record, password_sign_in_recent
from accounts.services.email import _email_taken, email_change_request
from accounts.services.groups import user_groups_sync
from accounts.services.passwords import _validate_password
from accounts.services.tokens import tokens_revoke_all
from common.api.authentication import user_cache_forget
from common.api.exceptions import ApplicationError
from common.events.emitting import emit_together

DB = "default"


class ProfileChanges(TypedDict, total=False):
    """What a user changes of their own account at once; the e-mail changes apart."""

    full_name: str
    phone: PhoneNumber | str
    username: str | None


class AdminChanges(TypedDict, total=False):
    """What an admin changes of an account (`user_admin_update`)."""

    full_name: str
    phone: PhoneNumber | str
    email: str


def user_register(
    *,
    email: str,
    password: str,
    full_name: str = "",
    phone: PhoneNumber | str = "",
    username: str | None = None,
    language: str = "",
    city: str = "",
) -> User:
    """A new client (of `city`, if they chose one: docs/crm.md, "Assignment"). The role is always `client`, whatever the caller asked for. The account
    works at once; its e-mail counts as verified only once the link e-mailed now is opened
    (`email_verify_confirm`). A username, if given, signs in as the e-mail does. `language`:
    the one the registering browser asked for, which the e-mails use.

    An e-mail that has an account already is answered as a new one, after the same work (the
    password validated and hashed, a row written, a message queued): its owner is told by
    e-mail that someone tried, and the user returned is never stored (`_state.adding`), so
    the answer tells nobody who has an account (docs/security.md, "Account enumeration")."""
    user = User(
        email=email_normalize(email),
        username=username_normalize(username) or None,
        full_name=full_name,
        phone=phone,
        role=Role.CLIENT,
        language=language,
        city=city,
    )
    _validate_password(password, user)
    user.set_password(password)
    _username_free_required(username)
    user.normalize()
    user.created_at = user.updated_at = timezone.now()
    owner = User.objects.filter(email=user.email).first()
    if owner is not None:
        _registration_attempted(owner)
        return user
    # The account, its activity row and its three events in one round trip, as the attempt's
    # one: the request's work, and so its time, does not tell the two apart (docs/security.md,
    # "Account enumeration"; bench/auth_timing.py). No `post_save`: nothing of a new account
    # is cached yet.
    occurrences = [
        *events.user_saved(user, created=True),
        (events.USER_EMAIL_VERIFICATION_REQUESTED, user.pk, {"id": str(user.pk)}),
    ]
    activity = ActivityLog(user=user, type=ActivityType.REGISTERED, details={})
    try:
        with transaction.atomic(using=DB):
            emit_together(occurrences, rows=[user, activity])
    except IntegrityError as exc:  # a concurrent registration won the race
        raise _taken_of(exc) from exc
    return user


def _registration_attempted(owner: User) -> None:
    """Someone registered with `owner`'s e-mail: recorded, and the owner told by e-mail (the
    event's consumer) that they may sign in or reset their password, in one round trip as a
    new account is."""
    with transaction.atomic(using=DB):
        events.USER_REGISTRATION_ATTEMPTED.emit(
            aggregate_id=owner.pk,
            payload={"id": str(owner.pk)},
            rows=[ActivityLog(user=owner, type=ActivityType.REGISTRATION_ATTEMPTED, details={})],
        )


def _username_free_required(username: str | None, *, exclude: User | None = None) -> None:
    """A username nobody has, nor anything that looks like it, and no reserved one: a taken
    name and a reserved one answer alike (docs/security.md, "Usernames")."""
    name = username_normalize(username)
    if not name:
        return
    looks = usernames.skeleton(name)
    taken = User.objects.filter(Q(username=name) | Q(username_skeleton=looks))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if usernames.reserved(name) or taken.exists():
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


def user_profile_update(*, user: User, **fields: Unpack[ProfileChanges]) -> User:
    """The user's own name, phone and username. A username someone else has is a 409."""
    if "username" in fields:
        fields["username"] = username_normalize(fields["username"]) or None
        _username_free_required(fields["username"], exclude=user)
    changed = sorted(name for name, value in fields.items() if getattr(user, name) != value)
    if not changed:
        return user
    for name, value in fields.items():
        if name in changed:
            setattr(user, name, value)
    try:
        with transaction.atomic(using=DB):
            user.save(update_fields=[*changed, "updated_at"])
            activity_record(user=user, type=ActivityType.PROFILE_UPDATED, fields=changed)
            events.user_saved_emit(user)
    except IntegrityError as exc:  # a concurrent write took the value first
        user.refresh_from_db()
        raise _taken_of(exc) from exc
    return user


def user_me_update(
    *,
    user: User,
    email: str | None = None,
    current_password: str | None = None,
    access_token: Token | None = None,
    ip_address: str | None = None,
    **fields: Unpack[ProfileChanges],
) -> User:
    """The user's own changes (`users/me`): name, phone and username at once; a new e-mail
    only with the current password or a recent password sign-in, and only once confirmed
    from it (`email_change_request`), answered alike whether another account has it or not.
    A taken username changes nothing."""
    if email is not None and email_normalize(email) != user.email:
        # A stolen access token alone must not move the account to another mailbox
        # (docs/security.md, "Changing the e-mail").
        password_given = bool(current_password) and user.check_password(current_password)
        if not password_given and not password_sign_in_recent(user=user, access_token=access_token):
            raise ApplicationError(
                _(
                    "Changing the e-mail needs your current password (current_password), or a "
                    "sign-in with it within the last 10 minutes."
                ),
                code=AccountErrorCode.REAUTHENTICATION_REQUIRED,
                status=403,
            )
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
        events.user_saved_emit(user)
        events.USER_ROLE_CHANGED.emit(
            aggregate_id=user.pk,
            payload=events.user_admin_payload(user, actor=actor, from_role=previous, to_role=role),
        )
        # Every token says the old role, to partners too, and open sockets were authorised
        # for it: all of them end, and the user signs in again with the new one.
        tokens_revoke_all(user=user, reason="role_changed")
    return user


def user_whole_group_grant(*, user: User) -> User:
    """An operator makes a manager the group's: every showroom's records, by the explicit
    grant (docs/showrooms.md, "Staff per showroom"). Open sockets were authorised for the
    narrower view: they end, and the manager signs in again."""
    with transaction.atomic(using=DB):
        user = _user_locked(user)
        if not user.whole_group:
            user.whole_group = True
            user.save(update_fields=["whole_group", "updated_at"])
            tokens_revoke_all(user=user, reason="role_changed")
    return user


def user_active_set(
    *, actor: User | None, user: User, is_active: bool, reason: str = "command line"
) -> User:
    """Deactivate or reactivate an account. A deactivated user's tokens and open sockets
    stop working at once. Without an admin as `actor`, `reason` says who or what acted."""
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
            by=str(actor.pk) if actor else reason,
        )
        events.user_saved_emit(user)
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


def user_create(
    *,
    actor: User,
    email: str,
    role: Role,
    full_name: str = "",
    phone: PhoneNumber | str = "",
    whole_group: bool = False,
    showroom_ids: Collection[uuid.UUID] = (),
) -> User:
    """An account an admin opens, of any role, with no password: its owner sets one from
    the link e-mailed now (the password reset's), and the response never holds one. A
    manager is opened with the showrooms they work in or the whole group, never neither
    (docs/showrooms.md, "Staff per showroom")."""
    user = User(
        email=email,
        full_name=full_name,
        phone=phone,
        role=role,
        whole_group=whole_group,
        showroom_ids=list(showroom_ids),
    )
    user.clean()
    user.set_unusable_password()
    if User.objects.filter(email=email_normalize(email)).exists():
        raise _email_taken()
    try:
        with transaction.atomic(using=DB):
            user.save(using=DB)
            user_groups_sync(user=user)
            activity_record(user=user, type=ActivityType.REGISTERED, by=str(actor.pk))
            events.user_saved_emit(user, created=True)
            events.USER_PASSWORD_RESET_REQUESTED.emit(
                aggregate_id=user.pk, payload={"id": str(user.pk)}
            )
    except IntegrityError as exc:  # a concurrent creation or registration won the race
        raise _email_taken() from exc
    return user


def user_admin_update(*, actor: User, user: User, **fields: Unpack[AdminChanges]) -> User:
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
    for name, value in fields.items():
        if name in changed:
            setattr(user, name, value)
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
            events.user_saved_emit(user)
            if new_email:
                tokens_revoke_all(user=user, reason="email_changed")
                events.USER_EMAIL_VERIFICATION_REQUESTED.emit(
                    aggregate_id=user.pk, payload={"id": str(user.pk)}
                )
    except IntegrityError as exc:  # another account took the address meanwhile
        raise _email_taken() from exc
    return user
