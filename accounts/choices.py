from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    CLIENT = "client", pgettext_lazy("role", "Client")
    MANAGER = "manager", pgettext_lazy("role", "Manager")
    ADMIN = "admin", pgettext_lazy("role", "Admin")


# Staff status follows the role; nothing else sets it.
ROLE_FLAGS = {
    Role.CLIENT: {"is_staff": False, "is_superuser": False},
    Role.MANAGER: {"is_staff": True, "is_superuser": False},
    Role.ADMIN: {"is_staff": True, "is_superuser": True},
}

# Managers run the apps whose AppConfig says `managers_may_use` in the Django admin
# (docs/api.md, "Roles"; common.registry.manager_app_labels): their group holds every
# permission of these apps' models and nothing else. Admins are superusers.
MANAGERS_GROUP = "Managers"


class ActivityType(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("account activity", "Registered")
    REGISTRATION_ATTEMPTED = (
        "registration_attempted",
        pgettext_lazy("account activity", "Someone tried to register with this e-mail"),
    )
    LOGIN = "login", pgettext_lazy("account activity", "Logged in")
    LOGIN_FAILED = "login_failed", pgettext_lazy("account activity", "Failed login")
    REFRESH_TOKEN_REUSED = (
        "refresh_token_reused",
        pgettext_lazy("account activity", "Rotated refresh token reused; session revoked"),
    )
    LOGOUT = "logout", pgettext_lazy("account activity", "Logged out")
    PASSWORD_CHANGED = "password_changed", pgettext_lazy("account activity", "Password changed")
    PASSWORD_RESET_REQUESTED = (
        "password_reset_requested",
        pgettext_lazy("account activity", "Password reset requested"),
    )
    PASSWORD_RESET = "password_reset", pgettext_lazy("account activity", "Password reset")
    PROFILE_UPDATED = "profile_updated", pgettext_lazy("account activity", "Profile updated")
    ROLE_CHANGED = "role_changed", pgettext_lazy("account activity", "Role changed")
    DEACTIVATED = "deactivated", pgettext_lazy("account activity", "Deactivated")
    ACTIVATED = "activated", pgettext_lazy("account activity", "Activated")
    ORDER_PLACED = "order_placed", pgettext_lazy("account activity", "Order placed")
    IDENTITY_LINK_REQUESTED = (
        "identity_link_requested",
        pgettext_lazy("account activity", "External identity link e-mailed"),
    )
    IDENTITY_LINKED = (
        "identity_linked",
        pgettext_lazy("account activity", "External identity linked"),
    )
    IDENTITY_UNLINKED = (
        "identity_unlinked",
        pgettext_lazy("account activity", "External identity unlinked"),
    )
    EMAIL_VERIFIED = "email_verified", pgettext_lazy("account activity", "E-mail verified")
    EMAIL_CHANGE_REQUESTED = (
        "email_change_requested",
        pgettext_lazy("account activity", "E-mail change e-mailed for confirmation"),
    )
    EMAIL_CHANGED = "email_changed", pgettext_lazy("account activity", "E-mail changed")
    EMAIL_CHANGE_CANCELLED = (
        "email_change_cancelled",
        pgettext_lazy("account activity", "E-mail change cancelled from the old address"),
    )


class ConsentPurpose(models.TextChoices):
    """What a consent to the processing of personal data covers (152-FZ, art. 9): each form
    that takes personal data asks for its own (docs/storefront.md, "Personal data")."""

    ACCOUNT = "account", pgettext_lazy("consent purpose", "An account and the purchase of a car")
    CALLBACK = "callback", pgettext_lazy("consent purpose", "A call back about a car")
    TEST_DRIVE = "test_drive", pgettext_lazy("consent purpose", "A test drive")
    EVENTS = "events", pgettext_lazy("consent purpose", "Showroom events")
    TRADE_IN = "trade_in", pgettext_lazy("consent purpose", "The appraisal of a car to trade in")
    LOAN = "loan", pgettext_lazy("consent purpose", "A loan application to a named bank")
