from django.db import models


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


# Staff status follows the role; nothing else sets it.
ROLE_FLAGS = {
    Role.CLIENT: {"is_staff": False, "is_superuser": False},
    Role.MANAGER: {"is_staff": True, "is_superuser": False},
    Role.ADMIN: {"is_staff": True, "is_superuser": True},
}

# Managers run these apps in the Django admin (docs/api.md, "Roles"): their group holds every
# permission of these apps' models and nothing else. Admins are superusers.
MANAGERS_GROUP = "Managers"
MANAGER_APPS = ("catalog", "orders", "payments", "financing", "insurance", "showroom", "crm")


class ActivityType(models.TextChoices):
    REGISTERED = "registered", "Registered"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed login"
    REFRESH_TOKEN_REUSED = "refresh_token_reused", "Rotated refresh token reused; session revoked"
    LOGOUT = "logout", "Logged out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    PROFILE_UPDATED = "profile_updated", "Profile updated"
    ROLE_CHANGED = "role_changed", "Role changed"
    DEACTIVATED = "deactivated", "Deactivated"
    ACTIVATED = "activated", "Activated"
    ORDER_PLACED = "order_placed", "Order placed"
    IDENTITY_LINK_REQUESTED = "identity_link_requested", "External identity link e-mailed"
    IDENTITY_LINKED = "identity_linked", "External identity linked"
    IDENTITY_UNLINKED = "identity_unlinked", "External identity unlinked"
    EMAIL_VERIFIED = "email_verified", "E-mail verified"
    EMAIL_CHANGE_REQUESTED = "email_change_requested", "E-mail change e-mailed for confirmation"
    EMAIL_CHANGED = "email_changed", "E-mail changed"
