"""The accounts domain's reactions to other domains' events."""

from accounts import services
from accounts.choices import ActivityType
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
