"""The integrations domain's reactions to events: every published event becomes a webhook
delivery for each subscription that wants it."""

from common.events import Event, consumer
from common.events.registry import ANY_EVENT
from integrations import services


@consumer(ANY_EVENT, name="integrations.webhook_fanout", app_label="integrations")
def webhook_fanout(event: Event) -> None:
    services.deliveries_record(event)
