"""Reads of the accounts domain, scoped to who asks."""

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from django.db.models import Q, QuerySet

from accounts import oidc
from accounts.choices import Role
from accounts.consents import TEXTS, ConsentText
from accounts.models import ActivityLog, Consent, ExternalIdentity, User, email_normalize
from common.api.exceptions import NotFound
from common.types import Actor, Id

# A user's id as callers hold it: a UUID (a model's, a URL's), or its text (a token's claim, an
# event's payload). The ORM takes either.
UserId: TypeAlias = uuid.UUID | str


def user_list() -> QuerySet[User]:
    return User.objects.all()


def user_session_current(*, user: User) -> bool:
    """Whether a socket opened for `user` may stay open: the user is active and none of their
    tokens was revoked since its ticket was issued. A feed asks once it has joined the user's
    group, so that a revocation is either seen here or closes it through the group
    (docs/security.md, "Tokens")."""
    return User.objects.filter(
        pk=user.pk, is_active=True, token_version=user.token_version
    ).exists()


def user_get(*, user_id: UserId) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound
    return user


def user_own_or_admin(*, actor: User, user_id: UserId) -> User:
    """The user `actor` may see the private side of: themselves, or anyone for an admin.
    Anyone else is a 404, like a missing user."""
    if not (actor.is_superuser or str(actor.pk) == str(user_id)):
        raise NotFound
    return user_get(user_id=user_id)


def activity_list(*, actor: User, user_id: UserId) -> QuerySet[ActivityLog]:
    """A user's own activity, or anyone's for an admin."""
    return ActivityLog.objects.filter(user=user_own_or_admin(actor=actor, user_id=user_id))


def identity_list(*, actor: User, user_id: UserId) -> QuerySet[ExternalIdentity]:
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
    language: str = ""  # the one they chose, or "" for the dealership's
    city: str = ""  # the one a buyer chose on signing up, or ""


def _card(user: User) -> UserCard:
    return UserCard(
        id=str(user.pk),
        email=user.email,
        full_name=user.full_name,
        phone=str(user.phone or ""),
        is_staff=user.is_staff,
        is_active=user.is_active,
        language=user.language,
        city=user.city,
    )


def user_card(*, user_id: UserId) -> UserCard | None:
    user = User.objects.filter(pk=user_id).first()
    return None if user is None else _card(user)


def user_cards(*, user_ids: Iterable[UserId | None]) -> dict[str, UserCard]:
    """The cards of several users in one query, by id as a string: what a page of another
    app's records shows of their people."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    return {str(user.pk): _card(user) for user in User.objects.filter(pk__in=ids)} if ids else {}


def user_ids_matching(*, term: str, limit: int = 500) -> list[uuid.UUID]:
    """The ids of the users whose name, e-mail or phone contains `term`: how another app's
    admin finds its records by the person (their rows hold only the user's id)."""
    term = term.strip()
    if not term:
        return []
    digits = "".join(ch for ch in term if ch.isdigit())
    matches = Q(full_name__icontains=term) | Q(email__icontains=term)
    if len(digits) >= 4:  # +7 915 123-45-67, 89151234567, 1234567: the phone's digits
        matches |= Q(phone__contains=digits[-10:])
    return list(User.objects.filter(matches).values_list("pk", flat=True)[:limit])


def manager_ids_active(*, showroom_ids: Collection[Id] = ()) -> list[uuid.UUID]:
    """The active managers, oldest account first: who the CRM hands new leads to. Those who
    work in one of the showrooms `showroom_ids`; without any, the group's (`whole_group`);
    every active manager when there are none such (docs/showrooms.md)."""
    managers = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("created_at", "pk")
    if showroom_ids:
        working = managers.filter(showroom_ids__overlap=list(showroom_ids))
    else:
        working = managers.filter(whole_group=True)
    return list(working.values_list("pk", flat=True)) or list(managers.values_list("pk", flat=True))


@dataclass(frozen=True)
class IdentityCard:
    """A sign-in linked to a user, as staff of other apps may see it: no subject, no token."""

    provider: str
    email: str
    linked_at: datetime
    last_login_at: datetime | None


def identity_cards(*, user_id: UserId) -> list[IdentityCard]:
    return [
        IdentityCard(i.provider, i.email, i.created_at, i.last_login_at)
        for i in ExternalIdentity.objects.filter(user_id=user_id)
    ]


def consent_list(*, user: Actor) -> QuerySet[Consent]:
    """`user`'s consents, the newest first, withdrawn ones too."""
    return Consent.objects.filter(user_id=user.pk).order_by("-given_at")


def consent_list_of_phone(*, phone: str) -> QuerySet[Consent]:
    """The consents given with `phone` (E.164), with an account or without: what staff
    answers a caller who asks what they agreed to."""
    return Consent.objects.filter(phone=phone).order_by("-given_at")


def consent_text(*, purpose: str) -> ConsentText:
    """The current text of the consent to `purpose`, and its version."""
    return TEXTS[purpose]


def google_sign_in_offered() -> bool:
    """Whether Google sign-in is configured here (`GOOGLE_CLIENT_ID`)."""
    return oidc.provider_configured(oidc.GOOGLE)
