"""The activity log: one row per thing a user did or had done to their account, written
by every other module of the package."""

from typing import Any

from accounts.choices import ActivityType
from accounts.models import ActivityLog, User


def activity_record(
    *, user: User, type: ActivityType, ip_address: str | None = None, **details: Any
) -> ActivityLog:
    """`details` are the row's free-form JSON: what tells this act from another of its type."""
    return ActivityLog.objects.create(
        user=user, type=type, ip_address=ip_address or None, details=details
    )
