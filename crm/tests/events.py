"""Other apps' events delivered to the CRM's consumers in the test's own process, with no
broker and no worker."""

from common.events import delivery, registry, types
from crm.handlers import consumer_name


def deliver(app_label: str, event_type: str) -> bool:
    """The event of `event_type` that `app_label`'s outbox holds, delivered to the CRM's
    consumer of it; False for a repeat delivery, as `delivery.deliver` answers."""
    row = registry.outbox_model(app_label)._default_manager.get(type=event_type)
    return delivery.deliver(
        consumer_name(event_type), types.event_from_outbox_row(row, app_label).as_dict()
    )
