"""The activity log: one row per thing a user did or had done to their account, written
by every other module of the package."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import Token

from accounts.choices import ActivityType
from accounts.models import ActivityLog, User


def activity_record(
    *, user: User, type: ActivityType, ip_address: str | None = None, **details: Any
) -> ActivityLog:
    """`details` are the row's free-form JSON: what tells this act from another of its type."""
    return ActivityLog.objects.create(
        user=user, type=type, ip_address=ip_address or None, details=details
    )


def password_sign_in_recent(*, user: User, access_token: Token | None) -> bool:
    """Whether the session that presented `access_token` began with a password sign-in at
    most IDENTITY_LINK_REAUTH_SECONDS ago: a stolen access token from an older session, or
    from a sign-in through a provider, is not. The session's sign-in is the LOGIN row that
    names its token family (`tokens._signed_in`); a sign-in through a provider notes `via`."""
    family = access_token.get("family") if access_token is not None else None
    if family is None:
        return False
    since = timezone.now() - timedelta(seconds=settings.IDENTITY_LINK_REAUTH_SECONDS)
    return (
        ActivityLog.objects.filter(
            user=user, type=ActivityType.LOGIN, created_at__gte=since, details__family=str(family)
        )
        .exclude(details__has_key="via")
        .exists()
    )
