"""Demo users for `manage.py seed_demo`. The passwords are documented in the README."""

from typing import Any

from django.utils import timezone

from accounts import services
from accounts.choices import Role
from accounts.models import User

DEMO_USERS: list[dict[str, Any]] = [
    {
        "email": "admin@autosalon.local",
        "password": "Admin-demo-2026",
        "full_name": "Анна Администраторова",
        "role": Role.ADMIN,
    },
    {
        "email": "manager@autosalon.local",
        "password": "Manager-demo-2026",
        "full_name": "Максим Громов",
        "role": Role.MANAGER,
        "whole_group": True,  # the group's manager (docs/showrooms.md)
    },
    {
        "email": "client@autosalon.local",
        "password": "Client-demo-2026",
        "full_name": "Иван Клиентов",
        "role": Role.CLIENT,
        "phone": "+79161234567",
    },
    {
        "email": "client2@autosalon.local",
        "password": "Client2-demo-2026",
        "full_name": "Ольга Покупателева",
        "role": Role.CLIENT,
    },
]


def seed(stdout) -> None:
    for spec in DEMO_USERS:
        user_seed(spec, stdout)


def user_seed(spec: dict[str, Any], stdout) -> User:
    """A demo login as `spec` says (its e-mail, password and fields), made or reset."""
    fields = {key: value for key, value in spec.items() if key not in {"email", "password"}}
    user, created = User.objects.update_or_create(email=spec["email"], defaults=fields)
    if user.email_verified_at is None:  # the demo's people have verified their e-mail
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    user.set_password(spec["password"])
    user.save(update_fields=["password"])
    services.user_groups_sync(user=user)
    stdout.write(f"  {user.role:<8} {user.email} / {spec['password']}{' (new)' if created else ''}")
    return user
