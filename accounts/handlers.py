"""The accounts domain's reactions to other domains' events, and to migrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import router

from accounts import services
from accounts.choices import ActivityType
from accounts.emails import (
    email_change_emails_send,
    email_changed_email_send,
    email_verification_email_send,
    identity_link_email_send,
    password_reset_email_send,
    registration_attempt_email_send,
    signed_out_everywhere_email_send,
)
from accounts.events import (
    UserEmailChanged,
    UserEmailChangeRequested,
    UserEmailVerificationRequested,
    UserIdentityLinkRequested,
    UserPasswordResetRequested,
    UserRegistrationAttempted,
    UserSignedOutEverywhere,
)
from accounts.models import User
from common.api.authentication import user_cache_forget
from common.events import TypedEvent, consumer
from common.registry import manager_app_labels

if TYPE_CHECKING:  # the producers' payload types, for the checker only (docs/events.md)
    from orders.events import OrderCreated


@consumer("order.created", name="accounts.log_order_placed", app_label="accounts")
def log_order_placed(event: TypedEvent[OrderCreated]) -> None:
    user = User.objects.filter(pk=event.payload.customer_id).first()
    if user is not None:
        services.activity_record(
            user=user,
            type=ActivityType.ORDER_PLACED,
            order_id=event.aggregate_id,
            total_amount=event.payload.total_amount,
        )


@consumer(
    "user.password_reset_requested", name="accounts.send_password_reset", app_label="accounts"
)
def send_password_reset(event: TypedEvent[UserPasswordResetRequested]) -> None:
    """Sent inside the delivery's transaction, which holds nothing but its inbox row: a mail
    server that fails rolls the delivery back to be retried, so no request is lost (at
    worst a retry sends a second link, which works as well as the first)."""
    user = User.objects.filter(pk=event.payload.id, is_active=True).first()
    if user is not None:
        password_reset_email_send(user=user)


@consumer("user.identity_link_requested", name="accounts.send_identity_link", app_label="accounts")
def send_identity_link(event: TypedEvent[UserIdentityLinkRequested]) -> None:
    """Sent inside the delivery's transaction, as the password reset is."""
    user = User.objects.filter(pk=event.payload.id, is_active=True).first()
    if user is not None:
        identity_link_email_send(
            user=user,
            provider=event.payload.provider,
            subject=event.payload.subject,
            email=event.payload.email,
        )


@consumer(
    "user.email_verification_requested",
    name="accounts.send_email_verification",
    app_label="accounts",
)
def send_email_verification(event: TypedEvent[UserEmailVerificationRequested]) -> None:
    """Sent inside the delivery's transaction, as the password reset is; nothing is sent to
    an address verified meanwhile."""
    user = User.objects.filter(
        pk=event.payload.id, is_active=True, email_verified_at__isnull=True
    ).first()
    if user is not None:
        email_verification_email_send(user=user)


@consumer(
    "user.registration_attempted",
    name="accounts.send_registration_attempt",
    app_label="accounts",
)
def send_registration_attempt(event: TypedEvent[UserRegistrationAttempted]) -> None:
    """Sent inside the delivery's transaction, as the password reset is."""
    user = User.objects.filter(pk=event.payload.id, is_active=True).first()
    if user is not None:
        registration_attempt_email_send(user=user)


@consumer(
    "user.signed_out_everywhere",
    name="accounts.send_signed_out_everywhere",
    app_label="accounts",
)
def send_signed_out_everywhere(event: TypedEvent[UserSignedOutEverywhere]) -> None:
    """Sent inside the delivery's transaction, as the password reset is."""
    user = User.objects.filter(pk=event.payload.id, is_active=True).first()
    if user is not None:
        signed_out_everywhere_email_send(user=user)


def managers_group_sync_after_migrate(sender, using, **kwargs) -> None:
    """`post_migrate` receiver: once the permissions of an app managers run exist in the auth
    database (Django's own receiver, connected before this one, creates them), the Managers
    group is brought up to date. A model added later gets into the group this way.

    Django sends `post_migrate` for every app, in the order of INSTALLED_APPS, whatever was
    migrated (and after every flush, so after every transactional test): the group is
    brought up to date once, at the last of the managers' apps, when all their permissions
    exist."""
    labels = manager_app_labels()
    if labels and sender.label == labels[-1] and router.allow_migrate_model(using, Group):
        services.managers_group_sync(using=using)


def user_cache_forget_on_save(sender, instance, **kwargs) -> None:
    """`post_save` receiver of User: a request never sees a role, a deactivation or a
    profile older than the last save (common.api.authentication's user cache)."""
    user_cache_forget(instance)


@consumer("user.email_change_requested", name="accounts.send_email_change", app_label="accounts")
def send_email_change(event: TypedEvent[UserEmailChangeRequested]) -> None:
    """Sent inside the delivery's transaction, as the password reset is: the link to the new
    address, and the notice to the current one."""
    user = User.objects.filter(pk=event.payload.id, is_active=True).first()
    if user is not None:
        email_change_emails_send(user=user, new_email=event.payload.new_email)


@consumer("user.email_changed", name="accounts.send_email_changed", app_label="accounts")
def send_email_changed(event: TypedEvent[UserEmailChanged]) -> None:
    """Sent inside the delivery's transaction, as the password reset is."""
    user = User.objects.filter(pk=event.payload.id).first()
    if user is not None:
        email_changed_email_send(user=user, old_email=event.payload.old_email)
