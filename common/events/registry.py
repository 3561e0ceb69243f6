"""Who is who in the event backbone: the event types the apps declare (`DomainEvent` adds
itself here), the consumers registered for them (`@consumer`), and each app's outbox and inbox
tables (docs/events.md)."""

import builtins
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol, overload

from django.apps import apps
from django.db.models import QuerySet

from common.db.databases import database_for_app
from common.events.payloads import payload_from_json
from common.events.types import Event, JsonPayload, TypedEvent
from common.models import InboxEventBase, OutboxEventBase

# A consumer: applies one event, typed, inside its inbox transaction.
Handler = Callable[[TypedEvent[Any]], None]


def outbox_model(app_label: str) -> type[OutboxEventBase]:
    return apps.get_model(app_label, "OutboxEvent")


def inbox_model(app_label: str) -> type[InboxEventBase]:
    return apps.get_model(app_label, "InboxEvent")


def outbox_rows(app_label: str) -> QuerySet[OutboxEventBase]:
    """The app's outbox, on the app's database."""
    return outbox_model(app_label)._default_manager.using(database_for_app(app_label))


def inbox_rows(app_label: str) -> QuerySet[InboxEventBase]:
    """The app's inbox, on the app's database."""
    return inbox_model(app_label)._default_manager.using(database_for_app(app_label))


# DECLARED EVENT TYPES
# ------------------------------------------------------------------------------
class Declaration(Protocol):
    """What the registry reads of a `DomainEvent` (common.events.emitting)."""

    type: str
    app_label: str
    payload: builtins.type  # its payload class (common/events/payloads.py)
    schema_version: int
    internal: bool
    upcasters: dict[int, Callable[[JsonPayload], JsonPayload]]
    # The name it had up to `schema_version - 1`, published beside it for one more version
    # (docs/events.md, "Names"); None for a type never renamed.
    formerly: str | None


_declared: dict[str, Declaration] = {}  # DomainEvent by type: every one declared so far
_renamed: dict[str, Declaration] = {}  # the DomainEvent a former name became, by that name


def declare(domain_event: Declaration) -> None:
    """Called by every `DomainEvent` as it is made."""
    _declared[domain_event.type] = domain_event
    if domain_event.formerly is not None:
        _renamed[domain_event.formerly] = domain_event


def current_name(event_type: str) -> str:
    """The name `event_type` has now: itself, or what a former name became."""
    renamed = _renamed.get(event_type)
    return event_type if renamed is None else renamed.type


def former_version(declared: Declaration) -> int:
    """The last version of a renamed type's former name: the rename was the next one."""
    return declared.schema_version - 1


def published_as(event: Event) -> list[Event]:
    """`event` as partners receive it: itself and, for a renamed type, the same occurrence (the
    same id) under its former name and that name's last version, for one version more
    (docs/events.md, "Names"). Stored under one name, the new one; consumers in the project see
    only that one."""
    declared = _declared.get(event.type)
    if declared is None or declared.formerly is None:
        return [event]
    # A rename changes the name only: the payload is the former name's last version's.
    return [event, replace(event, type=declared.formerly, schema_version=former_version(declared))]


def is_declaration(value: object) -> bool:
    """Whether `value` is a declared `DomainEvent` (how the contract finds an app's event types
    without importing the module that emits them)."""
    type = getattr(value, "type", None)
    return isinstance(type, str) and _declared.get(type) is value


def upcasted(event: Event) -> Event:
    """The event as its consumers read it: a payload of an older schema version brought up to
    the version its type emits now; an event stored under a former name, under the new one."""
    if event.type in _renamed:
        event = replace(event, type=current_name(event.type))
    declared = _declared.get(event.type)
    if declared is None or event.schema_version >= declared.schema_version:
        return event
    payload = event.payload
    for version in range(event.schema_version, declared.schema_version):
        payload = declared.upcasters[version](payload)
    return replace(event, payload=payload, schema_version=declared.schema_version)


def typed(event: Event, *, for_consumer: "Consumer") -> TypedEvent[Any]:
    """The event, brought up to its type's version (`upcasted`), as `for_consumer` receives
    it: its payload typed by the type's payload class; for a consumer that reads the JSON
    (`reads_json`; the webhooks' fan-out forwards events as they travelled, an erased
    client's `{id, erased}` among them), the JSON (docs/events.md)."""
    if for_consumer.reads_json:
        return TypedEvent(event, event.payload)
    declared = _declared.get(event.type)
    if declared is None:
        raise LookupError(f"No event type {event.type!r} is declared")
    return TypedEvent(event, payload_from_json(declared.payload, event.payload))


def is_internal(event_type: str) -> bool:
    declared = _declared.get(event_type)
    return declared is not None and declared.internal


# CONSUMERS
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Consumer:
    name: str
    event_type: str
    app_label: str
    handler: Handler
    # It handles many types alike and reads the payload's JSON (`TypedEvent.payload` is the
    # dict): the webhooks' fan-out, the orders' links, the CRM's timeline.
    reads_json: bool = False

    @property
    def using(self) -> str:
        return database_for_app(self.app_label)


ANY_EVENT = "*"
_consumers: dict[str, Consumer] = {}
_by_type: dict[str, list[Consumer]] = defaultdict(list)


@overload
def consumer(
    event_type: str, /, *, name: str, app_label: str, reads_json: bool = False
) -> Callable[[Handler], Handler]: ...


@overload
def consumer(
    names: Mapping[str, str], /, *, app_label: str, reads_json: bool = False
) -> Callable[[Handler], Handler]: ...


def consumer(
    types: str | Mapping[str, str],
    /,
    *,
    name: str | None = None,
    app_label: str,
    reads_json: bool = False,
) -> Callable[[Handler], Handler]:
    """Register `handler(event)` for an event type (or `*`: every event but the internal ones)
    under `name`; it runs inside `atomic(using=<app's db>)` and receives a `TypedEvent`, its
    payload typed by the type's class, or, with `reads_json` (and for `*`), the payload's JSON.

    A handler of several types takes them with their consumers' names,
    `{"payment.completed": "orders.paid_amount_on_payment_completed", ...}`: a consumer is one
    type under one name, which its inbox rows and dead letters keep (docs/events.md)."""
    if isinstance(types, str):
        if name is None:
            raise TypeError(f"The consumer of {types!r} has no name")
        names = {types: name}
    elif name is not None:
        raise TypeError("Consumers of several types are named by type, not by `name`")
    else:
        names = dict(types)

    def register(handler: Handler) -> Handler:
        for event_type, consumer_name in names.items():
            if consumer_name in _consumers:
                if _consumers[consumer_name].handler.__qualname__ == handler.__qualname__:
                    continue  # the module was imported twice
                raise ValueError(f"Two consumers are named {consumer_name!r}")
            registered = Consumer(
                consumer_name, event_type, app_label, handler, reads_json or event_type == ANY_EVENT
            )
            _consumers[consumer_name] = registered
            _by_type[event_type].append(registered)
        return handler

    return register


def consumer_named(name: str) -> Consumer | None:
    return _consumers.get(name)


def consumers_for(event_type: str) -> list[Consumer]:
    """The consumers of `event_type`, and those of every published one (registered for
    `*`, such as the webhooks' fan-out)."""
    event_type = current_name(event_type)  # stored before a rename: the new name's
    every = () if is_internal(event_type) else _by_type.get(ANY_EVENT, ())
    return [*_by_type.get(event_type, ()), *every]


def outbox_apps() -> list[str]:
    labels = []
    for app_config in apps.get_app_configs():
        try:
            outbox_model(app_config.label)
        except LookupError:
            continue
        labels.append(app_config.label)
    return labels
