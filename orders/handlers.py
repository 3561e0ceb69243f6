"""The orders domain's reactions to other domains' events."""

from django.utils.dateparse import parse_datetime

from common.events import Event, consumer
from orders import services


@consumer("user.updated", name="orders.refresh_customer_snapshot", app_label="orders")
def refresh_customer_snapshot(event: Event) -> None:
    services.order_customer_refresh(
        customer_id=event.aggregate_id,
        email=event.payload["email"],
        full_name=event.payload["full_name"],
        as_of=parse_datetime(event.payload["updated_at"]),
    )


@consumer("user.deleted", name="orders.scrub_deleted_customer", app_label="orders")
def scrub_deleted_customer(event: Event) -> None:
    services.order_customer_scrub(customer_id=event.aggregate_id)
