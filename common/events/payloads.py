"""Typed payloads (docs/events.md, "The contract"). Each event type's payload is a frozen
dataclass in its producer's `events.py`, named after the type (`OrderCreated` for
`order.created`). Its fields are the payload's keys, in order; a field's annotation gives its
JSON type, and `Annotated[..., Schema(...)]` the keywords that narrow it (a format, a
pattern); `described(...)` gives its description and the class's docstring the type's.

From the class come both sides of the contract:
- `payload_schema` generates the type's JSON Schema, which `tests/contracts/test_event_payloads.py`
  holds equal to the committed `<app>/event_schemas/<type>.v<N>.json`;
- `payload_from_json` builds the typed payload a consumer receives from the stored JSON.

The payload stays JSON on the wire and in the outbox: strings for ids, money and times, as
the contract says; typing it changes what a consumer reads, not what partners receive."""

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from common.events.types import JsonPayload

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://autosalon.example/schemas/events/{type}.v{version}.json"


class Schema:
    """JSON Schema keywords that narrow an annotation: `Annotated[str, Schema(format="uuid")]`.
    With `exactly=True` they are the whole schema of the field, its type's left out (a
    `const`)."""

    def __init__(self, *, exactly: bool = False, **keywords: Any) -> None:
        self.exactly = exactly
        self.keywords = keywords


# The contract's usual strings (docs/events.md, "The contract").
Uuid = Annotated[str, Schema(format="uuid")]
DateTime = Annotated[str, Schema(format="date-time")]
Date = Annotated[str, Schema(format="date")]
Email = Annotated[str, Schema(format="email")]
Money = Annotated[str, Schema(pattern=r"^-?\d+\.\d{2}$")]  # two decimals: "1500000.00"
DecimalString = Annotated[str, Schema(pattern=r"^-?\d+(\.\d+)?$")]  # "12.5", "3"
Currency = Annotated[str, Schema(pattern="^[A-Z]{3}$")]  # ISO 4217: "RUB"
TimeOfDay = Annotated[str, Schema(pattern=r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")]
NonEmpty = Annotated[str, Schema(minLength=1)]


def described(description: str, **options: Any) -> Any:
    """A payload field with its description (`default=` makes it one the payload may omit)."""
    return dataclasses.field(metadata={"description": description}, **options)


def _text(docstring: str | None) -> str:
    """A docstring as one line of text: the description of a type."""
    return " ".join((docstring or "").split())


_JSON_TYPES: dict[object, str] = {
    str: "string",
    int: "integer",
    bool: "boolean",
    float: "number",
    type(None): "null",
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _schema_of(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of a field's annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extras = get_args(annotation)
        schema = _schema_of(base)
        for extra in extras:
            if isinstance(extra, Schema):
                schema = dict(extra.keywords) if extra.exactly else {**schema, **extra.keywords}
        return schema
    if origin in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) != 1:
            raise TypeError(f"Only `X | None` unions are payload types: {annotation!r}")
        return _nullable(_schema_of(members[0]))
    if origin is Literal:
        values = get_args(annotation)
        return {"type": _JSON_TYPES[type(values[0])], "enum": list(values)}
    if origin is list:
        (item,) = get_args(annotation)
        return {"type": "array", "items": _schema_of(item)}
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _object_schema(annotation)
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    if annotation is None:
        return {"type": "null"}
    raise TypeError(f"Not a payload type: {annotation!r}")


def _object_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    properties = {}
    for field in dataclasses.fields(cls):
        schema = _schema_of(hints[field.name])
        if "description" in field.metadata:
            schema["description"] = field.metadata["description"]
        properties[field.name] = schema
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [field.name for field in dataclasses.fields(cls) if _required(field)],
        "properties": properties,
    }


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def payload_schema(cls: type, *, type: str, version: int) -> dict[str, Any]:
    """The JSON Schema of event type `type`'s payload at `version`, generated from `cls`.
    A class's `json_schema_extra` (a dict) adds keywords the fields cannot say (an
    `if`/`then`/`else` between them)."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": SCHEMA_ID.format(type=type, version=version),
        "title": type,
        "description": _text(cls.__doc__),
        **_object_schema(cls),
        **getattr(cls, "json_schema_extra", {}),
    }


P = TypeVar("P")


def payload_from_json(cls: type[P], data: JsonPayload) -> P:
    """The typed payload of `cls` from its JSON: every field from its key, nested payloads
    built in turn. A key the class does not know, or a required one missing, is an error: the
    payload does not match its type."""
    return typing.cast(P, _value(cls, data))


def _value(annotation: Any, value: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _value(get_args(annotation)[0], value)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (member,) = (m for m in get_args(annotation) if m is not type(None))
        return _value(member, value)
    if origin is list:
        (item,) = get_args(annotation)
        return [_value(item, element) for element in value]
    if (
        isinstance(annotation, type)
        and dataclasses.is_dataclass(annotation)
        and isinstance(value, Mapping)
    ):
        hints = typing.get_type_hints(annotation, include_extras=True)
        known = {field.name for field in dataclasses.fields(annotation)}
        if unknown := set(value) - known:
            raise TypeError(f"{annotation.__name__} has no field {', '.join(sorted(unknown))}")
        return annotation(**{name: _value(hints[name], element) for name, element in value.items()})
    return value
