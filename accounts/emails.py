from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import (
    email_change_cancel_token,
    email_change_token,
    email_verify_token,
    identity_link_token,
)


def _send(*, user: User, template: str, context: dict, to: str = "") -> None:
    """A plain-text and an HTML part, from `<template>.txt` and `<template>.html`, with the
    subject in `<template>_subject.txt`, to the user's e-mail unless `to` names another
    address; in the user's language, else the dealership's (DEALERSHIP_LANGUAGE, docs/admin.md
    "Languages")."""
    context = {"user": user, **context}
    with translation.override(user.language or settings.DEALERSHIP_LANGUAGE):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"accounts/email/{template}.txt", context),
            to=[to or user.email],
        )
        message.attach_alternative(
            render_to_string(f"accounts/email/{template}.html", context), "text/html"
        )
    message.send()


def _linked_identities(user: User) -> dict:
    """The external accounts that sign in to `user`'s account, and how to unlink one: a new
    password or a logout from every device leaves them working, so the e-mails that confirm
    either list them (docs/security.md, "Google sign-in")."""
    return {
        "identities": list(user.identities.order_by("created_at")),
        "unlink_path": f"/api/v1/users/{user.pk}/integrations/",
    }


def password_reset_email_send(*, user: User) -> None:
    """A plain-text and an HTML part, each with the link to the reset page
    (`FRONTEND_PASSWORD_RESET_URL`, by default this site's own `/reset-password`), and the
    external accounts linked to this one."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    _send(
        user=user,
        template="password_reset",
        context={
            "reset_url": settings.FRONTEND_PASSWORD_RESET_URL.format(uid=uid, token=token),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            **_linked_identities(user),
        },
    )


def identity_link_email_send(*, user: User, provider: str, subject: str, email: str) -> None:
    """The link that confirms a provider's account is this user's (`FRONTEND_IDENTITY_LINK_URL`,
    by default this site's own `/link-account`). The token is signed here, from the event's
    fields, so that it is never stored."""
    token = identity_link_token(user=user, provider=provider, subject=subject, email=email)
    _send(
        user=user,
        template="identity_link",
        context={
            "provider_email": email,
            "link_url": settings.FRONTEND_IDENTITY_LINK_URL.format(token=token),
            "valid_hours": max(1, settings.IDENTITY_LINK_TTL_SECONDS // 3600),
            # Confirming then reclaims the account (accounts.services.identities.identity_link_confirm).
            "never_verified": user.email_verified_at is None,
        },
    )


def email_verification_email_send(*, user: User) -> None:
    """The link that proves the account's owner holds its mailbox (`FRONTEND_EMAIL_VERIFY_URL`,
    by default this site's own `/verify-email`), signed here so that it is never stored."""
    _send(
        user=user,
        template="email_verify",
        context={
            "verify_url": settings.FRONTEND_EMAIL_VERIFY_URL.format(
                token=email_verify_token(user=user)
            ),
            "valid_hours": settings.ACCOUNTS_EMAIL_VERIFY_HOURS,
        },
    )


def signed_out_everywhere_email_send(*, user: User) -> None:
    """Every device was signed out; the external accounts linked to this one still sign in."""
    _send(
        user=user,
        template="signed_out_everywhere",
        context=_linked_identities(user),
    )


def email_change_emails_send(*, user: User, new_email: str) -> None:
    """The link that changes the account's e-mail, to the new address
    (`FRONTEND_EMAIL_CHANGE_URL`, by default this site's own `/change-email`), signed here so
    that it is never stored; and a notice to the current address, which can stop the change
    (docs/security.md, "Changing the e-mail"). An address another account has gets no link:
    its owner is told that someone asked for it and nothing changed, and the current address
    hears the same as for a free one, so that the asker learns nothing of the other account
    (docs/security.md, "Account enumeration")."""
    owner = User.objects.filter(email=new_email).exclude(pk=user.pk).first()
    if owner is None:
        _send(
            user=user,
            to=new_email,
            template="email_change_confirm",
            context={
                "new_email": new_email,
                "confirm_url": settings.FRONTEND_EMAIL_CHANGE_URL.format(
                    token=email_change_token(user=user, new_email=new_email)
                ),
                "valid_hours": settings.ACCOUNTS_EMAIL_VERIFY_HOURS,
            },
        )
    elif owner.is_active:
        _send(
            user=owner,
            template="email_change_attempt",
            context={
                "sign_in_url": f"{settings.SITE_URL}/account/sign-in/",
                "reset_url": f"{settings.SITE_URL}/account/password/",
            },
        )
    _send(
        user=user,
        template="email_change_requested",
        context={
            "new_email": new_email,
            "cancel_url": settings.FRONTEND_EMAIL_CHANGE_CANCEL_URL.format(
                token=email_change_cancel_token(user=user, new_email=new_email)
            ),
            "cancel_hours": settings.ACCOUNTS_EMAIL_CHANGE_CANCEL_HOURS,
        },
    )


def email_changed_email_send(*, user: User, old_email: str) -> None:
    """Tells the address the account had that it has another now."""
    _send(
        user=user,
        to=old_email,
        template="email_changed",
        context={"old_email": old_email},
    )


def registration_attempt_email_send(*, user: User) -> None:
    """Someone tried to register with this account's e-mail: if it was the owner, they sign
    in or reset their password (docs/security.md, "Account enumeration")."""
    _send(
        user=user,
        template="registration_attempt",
        context={
            "sign_in_url": f"{settings.SITE_URL}/account/sign-in/",
            "reset_url": f"{settings.SITE_URL}/account/password/",
        },
    )
