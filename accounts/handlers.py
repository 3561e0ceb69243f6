"""The accounts domain's reactions to other domains' events, and to migrations."""

from django.contrib.auth.models import Group
from django.db import router

from accounts import services
from accounts.choices import MANAGER_APPS, ActivityType
from accounts.models import User
from common.events import Event, consumer


@consumer("order.created", name="accounts.log_order_placed", app_label="accounts")
def log_order_placed(event: Event) -> None:
    user = User.objects.filter(pk=event.payload["customer_id"]).first()
    if user is not None:
        services.activity_record(
            user=user,
            type=ActivityType.ORDER_PLACED,
            order_id=event.aggregate_id,
            total_amount=event.payload["total_amount"],
        )


def managers_group_sync_after_migrate(sender, using, **kwargs) -> None:
    """`post_migrate` receiver: once the permissions of an app managers run exist in the auth
    database (Django's own receiver, connected before this one, creates them), the Managers
    group is brought up to date. A model added later gets into the group this way."""
    if sender.label in MANAGER_APPS and router.allow_migrate_model(using, Group):
        services.managers_group_sync(using=using)
