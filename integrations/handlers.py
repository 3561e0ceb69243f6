"""The integrations domain's reactions to events: every published event becomes a webhook
delivery for each subscription that wants it."""

from typing import Any

from common.events import TypedEvent, consumer
from common.events.registry import ANY_EVENT
from integrations import services


@consumer(ANY_EVENT, name="integrations.webhook_fanout", app_label="integrations")
def webhook_fanout(event: TypedEvent[Any]) -> None:
    services.deliveries_record(event.event)  # forwarded as it travelled
