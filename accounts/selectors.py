"""Reads of the accounts domain, scoped to who asks."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ActivityLog, ExternalIdentity, User, email_normalize


def user_list() -> QuerySet[User]:
    return User.objects.all()


def user_get(*, user_id) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def user_own_or_admin(*, actor: User, user_id) -> User:
    """The user `actor` may see the private side of: themselves, or anyone for an admin.
    Anyone else is a 404, like a missing user."""
    if not (actor.is_superuser or str(actor.pk) == str(user_id)):
        raise Http404
    return user_get(user_id=user_id)


def activity_list(*, actor: User, user_id) -> QuerySet[ActivityLog]:
    """A user's own activity, or anyone's for an admin."""
    return ActivityLog.objects.filter(user=user_own_or_admin(actor=actor, user_id=user_id))


def identity_list(*, actor: User, user_id) -> QuerySet[ExternalIdentity]:
    """A user's linked identities, for themselves or an admin."""
    return ExternalIdentity.objects.filter(user=user_own_or_admin(actor=actor, user_id=user_id))


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email_normalize(email)).first()


@dataclass(frozen=True)
class UserCard:
    """What other apps may know of a user: who they are and how to reach them."""

    id: str
    email: str
    full_name: str
    phone: str  # E.164, or ""
    is_staff: bool
    is_active: bool


def user_card(*, user_id) -> UserCard | None:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    return UserCard(
        id=str(user.pk),
        email=user.email,
        full_name=user.full_name,
        phone=str(user.phone or ""),
        is_staff=user.is_staff,
        is_active=user.is_active,
    )


@dataclass(frozen=True)
class IdentityCard:
    """A sign-in linked to a user, as staff of other apps may see it: no subject, no token."""

    provider: str
    email: str
    linked_at: datetime
    last_login_at: datetime | None


def identity_cards(*, user_id) -> list[IdentityCard]:
    return [
        IdentityCard(i.provider, i.email, i.created_at, i.last_login_at)
        for i in ExternalIdentity.objects.filter(user_id=user_id)
    ]
