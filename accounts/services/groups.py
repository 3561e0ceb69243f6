"""Groups: the Managers group's permissions and members follow the managers' apps and the
users' roles."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from accounts.choices import MANAGERS_GROUP, Role
from accounts.models import User
from common.registry import manager_app_labels

DB = "default"


def managers_group_sync(*, using: str = DB) -> Group:
    """Bring the Managers group to exactly the permissions of the apps managers run (those of
    every model these apps have now, and no others), but for the permissions a model declares
    of its own (`Meta.permissions`, such as `documents.change_requisites`: given to a staff
    member on purpose, never with the app), and exactly the users whose role is manager. Runs
    after each migration of `default`."""
    group, _ = Group.objects.db_manager(using).get_or_create(name=MANAGERS_GROUP)
    labels = manager_app_labels()
    own = {
        codename
        for label in labels
        for model in apps.get_app_config(label).get_models()
        for codename, _name in model._meta.permissions
    }
    group.permissions.set(
        Permission.objects.db_manager(using)
        .filter(content_type__app_label__in=labels)
        .exclude(codename__in=own)
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
