"""Events the accounts domain emits (docs/architecture.md §3.4)."""

from dataclasses import dataclass
from typing import Annotated, Literal

from accounts.models import User
from common.events import DomainEvent
from common.events.emitting import Occurrence, emit_together
from common.events.payloads import (
    DateTime,
    NonEmpty,
    Schema,
    Uuid,
    described,
)

# PAYLOADS (docs/events.md, "The contract")
# ------------------------------------------------------------------------------
# Version 2 of the account events carries no personal data (docs/events.md, "Personal
# data"): partners on webhooks, RabbitMQ and Kafka get the account's id, and ask the API for
# contact details with their own credentials. The project's own apps get them from the
# internal `user.contact_changed`. A version-1 event still in an outbox reaches consumers
# upcast, without them.
PERSONAL_FIELDS = ("email", "full_name", "phone")


def _without_personal_data(payload: dict) -> dict:
    """A v1 account payload as v2: the e-mail, the name and the phone dropped."""
    return {name: value for name, value in payload.items() if name not in PERSONAL_FIELDS}


@dataclass(frozen=True)
class _UserPayload:
    """The fields every user payload below carries, in order: the account, not the person."""

    id: Uuid = described("The user's account.")
    role: Literal["client", "manager", "admin"] = described("The account's role.")
    is_active: bool = described("False once the account is deactivated: it can no longer sign in.")
    updated_at: DateTime = described("When the account was last changed.")


@dataclass(frozen=True)
class UserCreated(_UserPayload):
    """A user account was created: someone registered with a password, or signed in with an
    external provider for the first time. No personal data: ask `GET users/{id}`."""


@dataclass(frozen=True)
class UserUpdated(_UserPayload):
    """A user account changed: its profile, its role, or whether it is active. No personal
    data: ask `GET users/{id}`."""


@dataclass(frozen=True)
class UserContactChanged:
    """A user's contact details as they are now, on the account's creation and on every change
    of its profile: for the project's own apps (the orders' customer snapshot). Internal:
    never published to partners."""

    id: Uuid = described("The user's account.")
    email: Annotated[str, Schema(format="email", minLength=3)] = described(
        "The account's e-mail address (personal data)."
    )
    full_name: str = described(
        "The person's full name as they gave it (personal data); may be empty."
    )
    phone: str = described(
        "The phone number in E.164, e.g. +79161234567 (personal data); empty when none was given."
    )
    updated_at: DateTime = described("When the account was last changed.")


@dataclass(frozen=True)
class UserDeleted:
    """A user account was deleted; other apps scrub the person's data they keep."""

    id: Uuid = described("The deleted user's account.")


@dataclass(frozen=True)
class UserPasswordResetRequested:
    """An active user asked to reset their password; the e-mail with a fresh reset link is
    sent when the event is delivered."""

    id: Uuid = described("The user who asked for the reset.")


@dataclass(frozen=True)
class UserIdentityLinkRequested:
    """Someone signed in with an external provider whose e-mail belongs to an existing user,
    who is asked by e-mail to confirm the link."""

    id: Uuid = described("The existing user asked to confirm the link.")
    provider: NonEmpty = described("The identity provider, e.g. google.")
    subject: NonEmpty = described("The provider's stable id of the external account.")
    email: Annotated[str, Schema(format="email", minLength=3)] = described(
        "The external account's verified e-mail address (personal data)."
    )


@dataclass(frozen=True)
class UserEmailVerificationRequested:
    """A new account's owner is asked to prove the e-mail address; the e-mail with a fresh,
    signed verification link is sent when the event is delivered."""

    id: Uuid = described("The user whose e-mail is to be verified.")


@dataclass(frozen=True)
class UserRegistrationAttempted:
    """Someone registered with the address of an account; the e-mail that tells its owner,
    with the links to sign in and to reset the password, is sent when the event is
    delivered."""

    id: Uuid = described("The user whose address someone registered with.")


@dataclass(frozen=True)
class UserSignedOutEverywhere:
    """A user signed out of every device; the e-mail that tells them so, listing the
    external accounts linked to theirs, is sent when the event is delivered."""

    id: Uuid = described("The user who signed out everywhere.")


@dataclass(frozen=True)
class ConsentWithdrawn:
    """A person withdrew a consent to the processing of their personal data (152-FZ, art.
    9): the apps stop the processing it covered (docs/storefront.md, "Personal data")."""

    id: Uuid = described("The consent.")
    purpose: Literal["account", "callback", "test_drive", "events", "trade_in", "loan"] = described(
        "What it covered: the account and purchases, a call back, test drives, showroom"
        " events, a trade-in's appraisal, a loan application to one bank (versions 2 and 3"
        " added the last two)."
    )
    user_id: Uuid = described("The account that gave and withdrew it.")
    withdrawn_at: DateTime = described("When it was withdrawn.")


@dataclass(frozen=True)
class UserRoleChanged:
    """An admin changed a user's role; every token of the user was revoked, and they sign in
    again with the new role."""

    id: Uuid = described("The user's account.")
    role: Literal["client", "manager", "admin"] = described("The account's role, after the change.")
    is_active: bool = described("False once the account is deactivated: it can no longer sign in.")
    changed_by: Uuid | None = described(
        "The admin who acted; null for an operator at the command line."
    )
    from_role: Literal["client", "manager", "admin"] = described("The role before the change.")
    to_role: Literal["client", "manager", "admin"] = described(
        "The role after the change (as `role`)."
    )


@dataclass(frozen=True)
class _UserStandingPayload:
    """The fields every payload of a change of a user's role or standing carries, in order."""

    id: Uuid = described("The user's account.")
    role: Literal["client", "manager", "admin"] = described("The account's role, after the change.")
    is_active: bool = described("False once the account is deactivated: it can no longer sign in.")
    changed_by: Uuid | None = described(
        "The admin who acted; null for an operator at the command line."
    )


@dataclass(frozen=True)
class UserDeactivated(_UserStandingPayload):
    """An admin deactivated a user's account: it can no longer sign in, and every token and
    open socket of it ended."""


@dataclass(frozen=True)
class UserActivated(_UserStandingPayload):
    """An admin reactivated a user's account: it can sign in again."""


@dataclass(frozen=True)
class UserSignedIn:
    """A user signed in and a new session (token family) began; the same sign-in is a
    `login` row of the user's activity log. Internal: never published to partners."""

    id: Uuid = described("The user's account.")
    ip_address: str | None = described("The client's address as this system saw it, when known.")
    family: Uuid = described("The session's token family.")
    via: str = described(
        "The provider vouching for the sign-in (`google`); absent for a password.",
        default="",  # absent: a password sign-in
    )


@dataclass(frozen=True)
class UserSignedOut:
    """A user signed out, of one session or of every device; the same sign-out is a `logout`
    row of the user's activity log. Internal: never published to partners."""

    id: Uuid = described("The user's account.")
    ip_address: str | None = described("The client's address as this system saw it, when known.")
    everywhere: bool = described("True when every device was signed out (every token revoked).")


@dataclass(frozen=True)
class UserEmailChangeRequested:
    """A user asked to change their e-mail address; the link that confirms it is signed and
    sent to the new address, and the current address is told, when the event is delivered."""

    id: Uuid = described("The user's account.")
    new_email: Annotated[str, Schema(format="email", minLength=3)] = described(
        "The address asked for, normalised (personal data)."
    )


@dataclass(frozen=True)
class UserEmailChanged:
    """A user's e-mail address changed, confirmed from the new address; the old address is
    told when the event is delivered."""

    id: Uuid = described("The user's account.")
    old_email: Annotated[str, Schema(format="email", minLength=3)] = described(
        "The address the account had (personal data)."
    )


# EVENT TYPES
# ------------------------------------------------------------------------------
def _account_event(type: str, payload: type) -> DomainEvent:
    """An account event at version 2, without personal data; version 1's payloads upcast."""
    return DomainEvent(
        type,
        payload=payload,
        app_label="accounts",
        schema_version=2,
        upcasters={1: _without_personal_data},
    )


USER_CREATED = _account_event("user.created", UserCreated)
USER_UPDATED = _account_event("user.updated", UserUpdated)
# Beside each of the two above: the contact details, for the project's own apps only.
USER_CONTACT_CHANGED = DomainEvent(
    "user.contact_changed", payload=UserContactChanged, app_label="accounts", internal=True
)
USER_DELETED = DomainEvent("user.deleted", payload=UserDeleted, app_label="accounts")
# Carries the user's id only: the link and its token are made when the e-mail is sent.
USER_PASSWORD_RESET_REQUESTED = DomainEvent(
    "user.password_reset_requested",
    payload=UserPasswordResetRequested,
    app_label="accounts",
    internal=True,
)
# A provider's identity waits for the owner of a known e-mail to confirm the link; carries
# the user's id and the identity, and the link is signed when the e-mail is sent.
USER_IDENTITY_LINK_REQUESTED = DomainEvent(
    "user.identity_link_requested",
    payload=UserIdentityLinkRequested,
    app_label="accounts",
    internal=True,
)

# A new account's owner is asked to prove the mailbox; carries the user's id, and the link
# is signed when the e-mail is sent (docs/security.md, "Google sign-in").
USER_EMAIL_VERIFICATION_REQUESTED = DomainEvent(
    "user.email_verification_requested",
    payload=UserEmailVerificationRequested,
    app_label="accounts",
    internal=True,
)
# Someone registered with the address of an account; carries its owner's id. The answer to
# the sign-up is a new account's, after the same work: this event's row and the activity's,
# in one transaction, as a new account writes its own (docs/security.md, "Account
# enumeration").
USER_REGISTRATION_ATTEMPTED = DomainEvent(
    "user.registration_attempted",
    payload=UserRegistrationAttempted,
    app_label="accounts",
    internal=True,
)
# A user signed out of every device; carries the user's id, and the e-mail that tells them
# so lists the external accounts that can still sign in.
USER_SIGNED_OUT_EVERYWHERE = DomainEvent(
    "user.signed_out_everywhere",
    payload=UserSignedOutEverywhere,
    app_label="accounts",
    internal=True,
)

# An admin's acts on an account (docs/api.md, "Users"), as specification 003 names them;
# each is emitted beside `user.updated`, which carries the whole account.
USER_ROLE_CHANGED = _account_event("user.role_changed", UserRoleChanged)
USER_DEACTIVATED = _account_event("user.deactivated", UserDeactivated)
USER_ACTIVATED = _account_event("user.activated", UserActivated)

# Sign-ins and sign-outs, beside their rows in the user's activity log: kept in the outbox,
# never published to partners.
USER_SIGNED_IN = DomainEvent(
    "user.signed_in", payload=UserSignedIn, app_label="accounts", internal=True
)
USER_SIGNED_OUT = DomainEvent(
    "user.signed_out", payload=UserSignedOut, app_label="accounts", internal=True
)

# A user asked to change their e-mail; carries the user's id and the new address. The link
# to the new address is signed when the e-mail is sent, and the current address is told
# (docs/security.md, "Changing the e-mail").
USER_EMAIL_CHANGE_REQUESTED = DomainEvent(
    "user.email_change_requested",
    payload=UserEmailChangeRequested,
    app_label="accounts",
    internal=True,
)
# The new address confirmed; carries the user's id and the old address, which is told.
USER_EMAIL_CHANGED = DomainEvent(
    "user.email_changed", payload=UserEmailChanged, app_label="accounts", internal=True
)

# The purpose of a consent is personal: the project's own apps hear of it, partners do not.
CONSENT_WITHDRAWN = DomainEvent(
    "consent.withdrawn",
    payload=ConsentWithdrawn,
    app_label="accounts",
    internal=True,
    schema_version=3,
)


def user_payload(user: User) -> dict:
    """The account, as `user.created` and `user.updated` carry it."""
    return {
        "id": str(user.pk),
        "role": user.role,
        "is_active": user.is_active,
        "updated_at": user.updated_at.isoformat(),
    }


def user_saved(user: User, *, created: bool = False) -> list[Occurrence]:
    """`user.created` (or `user.updated`) with the account, and `user.contact_changed` with
    the person's contact details for the project's own apps."""
    contact = {
        "id": str(user.pk),
        "email": user.email,
        "full_name": user.full_name,
        "phone": str(user.phone or ""),
        "updated_at": user.updated_at.isoformat(),
    }
    return [
        (USER_CREATED if created else USER_UPDATED, user.pk, user_payload(user)),
        (USER_CONTACT_CHANGED, user.pk, contact),
    ]


def user_saved_emit(user: User, *, created: bool = False) -> None:
    """`user_saved`'s two events, in one round trip."""
    emit_together(user_saved(user, created=created))


def user_admin_payload(user: User, *, actor: User | None, **extra) -> dict:
    """An admin's act on `user`; `changed_by` is null for an operator at the command line."""
    return {
        "id": str(user.pk),
        "role": user.role,
        "is_active": user.is_active,
        "changed_by": str(actor.pk) if actor is not None else None,
        **extra,
    }


def auth_payload(user: User, *, ip_address=None, **details) -> dict:
    """A sign-in (`via` a provider, or a password) or a sign-out (`everywhere` or not)."""
    return {"id": str(user.pk), "ip_address": ip_address or None, **details}
