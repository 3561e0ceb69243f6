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
