"""The integrations domain's reactions to events: every published event becomes a webhook
delivery for each subscription that wants it."""

from typing import Any

from common.events import TypedEvent, consumer
from common.events.registry import ANY_EVENT
from integrations import services


@consumer(ANY_EVENT, name="integrations.webhook_fanout", app_label="integrations")
def webhook_fanout(event: TypedEvent[Any]) -> None:
    services.deliveries_record(event.event)  # forwarded as it travelled


@consumer(
    {
        "product.created": "integrations.feeds_on_product_created",
        "product.updated": "integrations.feeds_on_product_updated",
        "vehicle.transferred": "integrations.feeds_on_vehicle_transferred",
        "order.created": "integrations.feeds_on_order_created",
        "order.cancelled": "integrations.feeds_on_order_cancelled",
    },
    app_label="integrations",
    reads_json=True,
)
def feeds_on_stock_change(event: TypedEvent[Any]) -> None:
    """A car's price, photos, showroom or stock changed (an order reserves it, a cancelled
    one frees it): the classifieds' feeds are written afresh soon (docs/feeds.md)."""
    services.feeds_regenerate_soon()


@consumer(
    {
        "credit_discount.created": "integrations.feeds_on_credit_discount_created",
        "credit_discount.updated": "integrations.feeds_on_credit_discount_updated",
        "credit_discount.deleted": "integrations.feeds_on_credit_discount_deleted",
    },
    app_label="integrations",
    reads_json=True,
)
def feeds_on_credit_discount(event: TypedEvent[Any]) -> None:
    """The dealer's credit discounts, which the feeds state (docs/feeds.md, "Discounts")."""
    services.credit_discount_note(report=event.payload)  # a deleted one reports inactive
