"""Events between domains: signal → outbox → Celery → idempotent consumers
(docs/architecture.md §3.4).

A service emits an event with `SOME_EVENT.emit(...)` inside its own transaction. The event is
written to the emitting app's outbox table in that transaction and sent as a Django signal.
After commit it is handed to Celery once (one message naming its consumers), and a worker
delivers it to each consumer in turn; `events_relay` (also run by beat) sends whatever is
still unpublished. A consumer is a function registered with
`@consumer(...)`; each delivery is applied at most once, recorded in the consumer's inbox in
the same transaction as its effect.

The rooms, each importing only those above it in this list: `types` (Event), `registry`
(declared types, consumers, outbox and inbox tables), `contract` (schemas, envelope),
`amqp` and `kafka` (the outlets), `publishing` (claims, hand-over, redelivery, the relay's
pass), `delivery` (a consumer's inbox and handler), `dead_letters`, `emitting` (DomainEvent)
and `relay` (the relay's loop). `tests/contracts/test_import_graph.py` finds an import circle.
"""

from common.events.emitting import DomainEvent
from common.events.registry import consumer
from common.events.types import Event, TypedEvent

__all__ = ["DomainEvent", "Event", "TypedEvent", "consumer"]
