"""The published contract of the events (docs/events.md, "The contract"): a JSON Schema for
each event type's payload, versioned, and an AsyncAPI document generated from them.

Each app keeps its schemas beside its code, one file per type and version:
`<app>/event_schemas/<type>.v<version>.json`, a JSON Schema (draft 2020-12) of the payload.
`DomainEvent(..., schema_version=N)` says which version an event type emits now; every event
carries that number in `schema_version`. A change a subscriber could trip on (a field
removed, renamed or retyped) is a new version, and the old file stays for those who still
read it. With EVENTS_VALIDATE_PAYLOADS on (the test suite), `emit` refuses a payload that
does not match its schema, so that a test fails the moment code and contract part."""

import functools
import json
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings

from common.events import registry
from common.events.types import Event, JsonPayload

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_DIR = "event_schemas"
SCHEMA_BASE_URI = "https://autosalon.example/schemas/events/"


class PayloadMismatch(ValueError):
    """A payload that its event type's schema refuses."""


def schema_path(app_label: str, type: str, version: int) -> Path:
    return Path(apps.get_app_config(app_label).path) / SCHEMA_DIR / f"{type}.v{version}.json"


@functools.cache
def schema(app_label: str, type: str, version: int) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path(app_label, type, version).read_text())
    return loaded


@functools.cache
def _validator(app_label: str, type: str, version: int) -> "Draft202012Validator":
    # Imported at the first check: a process that validates nothing (production's, the relay,
    # beat) does not pay a tenth of a second at its start for it.
    from jsonschema import Draft202012Validator

    # Formats too (uuid, date, date-time, email): a string of the wrong kind is a mismatch.
    return Draft202012Validator(
        schema(app_label, type, version), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def payload_check(app_label: str, type: str, version: int, payload: JsonPayload) -> None:
    """Raise PayloadMismatch, naming every difference, when `payload` breaks the schema."""
    errors = sorted(
        _validator(app_label, type, version).iter_errors(payload), key=lambda e: list(e.path)
    )
    if errors:
        problems = "; ".join(
            f"{'/'.join(map(str, e.path)) or '(payload)'}: {e.message}" for e in errors
        )
        raise PayloadMismatch(f"{type} v{version} payload does not match its schema: {problems}")


def envelope(event: Event) -> dict[str, Any]:
    """An event as it goes over the wire: the body of a webhook, an AMQP message."""
    return {
        "id": event.id,
        "type": event.type,
        "schema_version": event.schema_version,
        "occurred_at": event.occurred_at,
        "aggregate_id": event.aggregate_id,
        "request_id": event.request_id,
        "payload": event.payload,
    }


def envelope_schema(type: str, version: int, payload_ref: str) -> dict[str, Any]:
    """What goes over the wire (a webhook body, an AMQP message): the event around its
    payload."""
    return {
        "type": "object",
        "required": ["id", "type", "schema_version", "occurred_at", "aggregate_id", "payload"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Unique per event."},
            "type": {"const": type},
            "schema_version": {"const": version},
            "occurred_at": {"type": "string", "format": "date-time"},
            "aggregate_id": {"type": "string"},
            "request_id": {"type": "string", "description": "Traces the request that caused it."},
            "payload": {"$ref": payload_ref},
        },
    }


def declared_events() -> list[registry.Declaration]:
    """Every event type the domain apps declare in their `events` modules (a test's own
    events are no part of the contract)."""
    declared: list[registry.Declaration] = []
    for app_label in settings.DOMAIN_APPS:
        try:
            module = import_module(f"{app_label}.events")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_label}.events":
                raise
            continue  # an app that emits nothing
        declared.extend(v for v in vars(module).values() if registry.is_declaration(v))
    return declared


def event_types() -> list[tuple[str, str, int]]:
    """(app label, type, version) of every published event type, as emitted now, and of every
    former name still published beside its new one (`renamed_types`)."""
    published = [e for e in declared_events() if not e.internal]
    types = [(e.app_label, e.type, e.schema_version) for e in published]
    types += [
        (e.app_label, e.formerly, registry.former_version(e))
        for e in published
        if e.formerly is not None
    ]
    return sorted(types, key=lambda t: t[1])


def renamed_types() -> dict[str, str]:
    """The new name of every former name still published, by the former name."""
    return {e.formerly: e.type for e in declared_events() if e.formerly is not None}


def first_name(event_type: str) -> str:
    """The name `event_type` had before its rename, or its own. A consumer whose name derives
    from its type's derives it from this one: renaming a type leaves its consumers' names, which
    their inbox rows and dead letters carry, as they were (docs/events.md, "Names")."""
    formerly = {new: old for old, new in renamed_types().items()}
    return formerly.get(event_type, event_type)


KAFKA_BINDING_VERSION = "0.5.0"


def kafka_topic(type: str) -> str:
    """The Kafka topic of an event type: the prefix and the aggregate, `autosalon.order`."""
    return f"{settings.EVENTS_KAFKA_TOPIC_PREFIX}{type.split('.')[0]}"


def _kafka_channels(by_topic: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One channel per Kafka topic, carrying the messages of its aggregate's event types."""
    channels, operations = {}, {}
    for topic, names in sorted(by_topic.items()):
        channel = f"kafka_{topic.removeprefix(settings.EVENTS_KAFKA_TOPIC_PREFIX)}"
        channels[channel] = {
            "address": topic,
            "servers": [{"$ref": "#/servers/kafka"}],
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in names},
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "partitions": settings.EVENTS_KAFKA_TOPIC_PARTITIONS,
                    "replicas": settings.EVENTS_KAFKA_TOPIC_REPLICATION_FACTOR,
                    "topicConfiguration": {
                        "retention.ms": settings.EVENTS_KAFKA_TOPIC_RETENTION_HOURS * 3600 * 1000
                    },
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        operations[f"receive_{channel}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names],
            "summary": "Keyed by the aggregate id: one aggregate's events in order.",
        }
    return channels, operations


def _kafka_headers(type: str, version: int) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Kafka record headers (UTF-8 strings). RabbitMQ carries the type and "
        "id as message properties, and schema_version as a header.",
        "properties": {
            "event_type": {"const": type},
            "event_id": {"type": "string", "format": "uuid"},
            "schema_version": {"const": str(version)},
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """An AsyncAPI 3.0 document: one channel per event type on the `autosalon.events` topic
    exchange (routing key = type), one per Kafka topic (an aggregate's event types), and the
    same messages as webhooks deliver."""
    channels, operations, schemas, messages = {}, {}, {}, {}
    by_topic: dict[str, list[str]] = {}
    renamed = renamed_types()
    for app_label, type, version in event_types():
        name = f"{type.replace('.', '_')}_v{version}"
        schemas[f"{name}_payload"] = schema(app_label, type, version)
        summary = schema(app_label, type, version).get("description", "")
        if type in renamed:
            summary = (
                f"Deprecated: renamed {renamed[type]} at version {version + 1}, and published "
                f"beside it under this name for that version only. {summary}"
            )
        messages[name] = {
            "name": type,
            "title": type,
            "summary": summary,
            "contentType": "application/json",
            "payload": envelope_schema(type, version, f"#/components/schemas/{name}_payload"),
            "headers": _kafka_headers(type, version),
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": "The aggregate id."},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        by_topic.setdefault(kafka_topic(type), []).append(name)
        channels[name] = {
            "address": type,
            "servers": [{"$ref": "#/servers/rabbitmq"}],
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {
                        "name": settings.EVENTS_AMQP_EXCHANGE,
                        "type": "topic",
                        "durable": True,
                    },
                }
            },
        }
        operations[f"receive_{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"Emitted by {app_label}.",
        }
    kafka_channels, kafka_operations = _kafka_channels(by_topic)
    channels.update(kafka_channels)
    operations.update(kafka_operations)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Autosalon events",
            "version": settings.SPECTACULAR_SETTINGS["VERSION"],
            "description": "Every domain event, as published to RabbitMQ and delivered to "
            "webhooks. A subscriber binds a queue to the topic exchange `autosalon.events` "
            "with a routing key pattern such as `order.#`. On Kafka, a consumer group "
            "subscribes to the aggregates' topics, such as `autosalon.order`.",
        },
        "servers": {
            "rabbitmq": {
                "host": "rabbitmq:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
            },
            "kafka": {
                "host": "kafka:9092",
                "protocol": "kafka",
                "description": "One topic per aggregate, keyed by the aggregate id.",
            },
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
