"""Groups: the Managers group's permissions and members follow the managers' apps and the
users' roles."""

from django.contrib.auth.models import Group, Permission

from accounts.choices import MANAGERS_GROUP, Role
from accounts.models import User
from common.registry import manager_app_labels

DB = "default"


def managers_group_sync(*, using: str = DB) -> Group:
    """Bring the Managers group to exactly the permissions of the apps managers run (those of
    every model these apps have now, and no others) and exactly the users whose role is
    manager. Runs after each migration of `default`."""
    group, _ = Group.objects.db_manager(using).get_or_create(name=MANAGERS_GROUP)
    group.permissions.set(
        Permission.objects.db_manager(using).filter(
            content_type__app_label__in=manager_app_labels()
        )
    )
    group.user_set.set(User.objects.db_manager(using).filter(role=Role.MANAGER))
    return group


def user_groups_sync(*, user: User) -> None:
    """Group membership follows the role: managers are in the Managers group, nobody else."""
    group = Group.objects.filter(name=MANAGERS_GROUP).first() or managers_group_sync()
    if user.role == Role.MANAGER:
        user.groups.add(group)
    else:
        user.groups.remove(group)
