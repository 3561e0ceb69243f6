"""The activity log: one row per thing a user did or had done to their account, written
by every other module of the package."""

from accounts.choices import ActivityType
from accounts.models import ActivityLog, User


def activity_record(*, user: User, type: ActivityType, ip_address=None, **details) -> ActivityLog:
    return ActivityLog.objects.create(
        user=user, type=type, ip_address=ip_address or None, details=details
    )
