"""Events the accounts domain emits (docs/architecture.md §3.4)."""

from accounts.models import User
from common.events import DomainEvent

USER_CREATED = DomainEvent("user.created", app_label="accounts")
USER_UPDATED = DomainEvent("user.updated", app_label="accounts")
USER_DELETED = DomainEvent("user.deleted", app_label="accounts")
# Carries the user's id only: the link and its token are made when the e-mail is sent.
USER_PASSWORD_RESET_REQUESTED = DomainEvent(
    "user.password_reset_requested", app_label="accounts", internal=True
)
# A provider's identity waits for the owner of a known e-mail to confirm the link; carries
# the user's id and the identity, and the link is signed when the e-mail is sent.
USER_IDENTITY_LINK_REQUESTED = DomainEvent(
    "user.identity_link_requested", app_label="accounts", internal=True
)

# A new account's owner is asked to prove the mailbox; carries the user's id, and the link
# is signed when the e-mail is sent (docs/security.md, "Google sign-in").
USER_EMAIL_VERIFICATION_REQUESTED = DomainEvent(
    "user.email_verification_requested", app_label="accounts", internal=True
)
# A user signed out of every device; carries the user's id, and the e-mail that tells them
# so lists the external accounts that can still sign in.
USER_SIGNED_OUT_EVERYWHERE = DomainEvent(
    "user.signed_out_everywhere", app_label="accounts", internal=True
)

# An admin's acts on an account (docs/api.md, "Users"), as specification 003 names them;
# each is emitted beside `user.updated`, which carries the whole account.
USER_ROLE_CHANGED = DomainEvent("user.role_changed", app_label="accounts")
USER_DEACTIVATED = DomainEvent("user.deactivated", app_label="accounts")
USER_ACTIVATED = DomainEvent("user.activated", app_label="accounts")

# Sign-ins and sign-outs, beside their rows in the user's activity log: kept in the outbox,
# never published to partners.
AUTH_USER_LOGIN = DomainEvent("auth.user.login", app_label="accounts", internal=True)
AUTH_USER_LOGOUT = DomainEvent("auth.user.logout", app_label="accounts", internal=True)

# A user asked to change their e-mail; carries the user's id and the new address. The link
# to the new address is signed when the e-mail is sent, and the current address is told
# (docs/security.md, "Changing the e-mail").
USER_EMAIL_CHANGE_REQUESTED = DomainEvent(
    "user.email_change_requested", app_label="accounts", internal=True
)
# The new address confirmed; carries the user's id and the old address, which is told.
USER_EMAIL_CHANGED = DomainEvent("user.email_changed", app_label="accounts", internal=True)


def user_payload(user: User) -> dict:
    return {
        "id": str(user.pk),
        "email": user.email,
        "full_name": user.full_name,
        "phone": str(user.phone or ""),
        "role": user.role,
        "is_active": user.is_active,
        "updated_at": user.updated_at.isoformat(),
    }


def user_admin_payload(user: User, *, actor: User | None, **extra) -> dict:
    """An admin's act on `user`; `changed_by` is null for an operator at the command line."""
    return {
        "id": str(user.pk),
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "changed_by": str(actor.pk) if actor is not None else None,
        **extra,
    }


def auth_payload(user: User, *, ip_address=None, **details) -> dict:
    """A sign-in (`via` a provider, or a password) or a sign-out (`everywhere` or not)."""
    return {"id": str(user.pk), "ip_address": ip_address or None, **details}
