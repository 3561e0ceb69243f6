from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import identity_link_token


def _send(*, user: User, subject: str, template: str, context: dict) -> None:
    """A plain-text and an HTML part, from `<template>.txt` and `<template>.html`."""
    context = {"user": user, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"accounts/email/{template}.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string(f"accounts/email/{template}.html", context), "text/html"
    )
    message.send()


def password_reset_email_send(*, user: User) -> None:
    """A plain-text and an HTML part, each with the link to the reset page
    (`FRONTEND_PASSWORD_RESET_URL`, by default this site's own `/reset-password`)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    _send(
        user=user,
        subject="Autosalon: reset your password",
        template="password_reset",
        context={
            "reset_url": settings.FRONTEND_PASSWORD_RESET_URL.format(uid=uid, token=token),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def identity_link_email_send(*, user: User, provider: str, subject: str, email: str) -> None:
    """The link that confirms a provider's account is this user's (`FRONTEND_IDENTITY_LINK_URL`,
    by default this site's own `/link-account`). The token is signed here, from the event's
    fields, so that it is never stored."""
    token = identity_link_token(user=user, provider=provider, subject=subject, email=email)
    _send(
        user=user,
        subject="Autosalon: link your Google account",
        template="identity_link",
        context={
            "provider_email": email,
            "link_url": settings.FRONTEND_IDENTITY_LINK_URL.format(token=token),
            "valid_hours": max(1, settings.IDENTITY_LINK_TTL_SECONDS // 3600),
        },
    )
