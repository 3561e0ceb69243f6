"""OpenAPI additions: every operation documents the error envelope (docs/api.md, "Errors"),
and describes itself in its view's own words. The schema also passes the OWASP API ruleset
that `make lint` runs (docs/security.md, "The API schema"): every string, integer and array
says its bound, and every answer says its rate-limit headers."""

import inspect
from typing import Any

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import ComponentRegistry, force_instance
from phonenumber_field.serializerfields import PhoneNumberField
from phonenumbers.phonenumberutil import _MAX_INPUT_STRING_LENGTH as PHONE_INPUT_MAX_LENGTH
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from common.api.pagination import PageNumberPagination
from common.api.serializers import StrictInputSerializer
from common.api.throttling import RATE_LIMIT_HEADERS

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# The longest text any request body takes (a product's description): the API answers with no
# longer text than it was given. Response-only strings with no bound of their own say this one.
TEXT_MAX_LENGTH = 20_000
# Nested lists in answers (an order's items, a product's images) are written by bounded
# requests; this is their ceiling. Paginated lists say the page size instead.
LIST_MAX_ITEMS = 1_000
# What a value of each format can be at most: its parser refuses anything longer.
FORMAT_MAX_LENGTH = {
    "uuid": 36,
    "date": 10,
    "time": 21,  # hh:mm:ss and up to 12 fractional digits (django.utils.dateparse)
    "date-time": 40,
    "duration": 64,
    "email": 254,
    "uri": 2048,
    "ipv4": 15,
    "ipv6": 45,
    "binary": TEXT_MAX_LENGTH,
    "byte": TEXT_MAX_LENGTH,
}
# Views that authenticate nobody but answer 401 themselves: a wrong password, or a refresh
# token that is invalid, expired or used (accounts/services/tokens.py).
# tests/contracts/test_schema.py checks that each still exists.
CREDENTIAL_VIEWS = frozenset(
    {
        "accounts.api.auth.TokenObtainView",
        "accounts.api.auth.TokenRefreshView",
        "accounts.api.auth.TokenVerifyView",
        "accounts.api.auth.LogoutView",
    }
)
# Header parameters the code checks itself (common/api/idempotency.py).
HEADER_MAX_LENGTH = {"Idempotency-Key": 255}

ERROR_ENVELOPE = {
    "type": "object",
    "required": ["success", "error"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "description": "Stable snake_case error code."},
                "message": {"type": "string"},
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per-field messages for validation errors.",
                },
                "retry_after": {"type": "integer", "description": "Seconds, when throttled."},
            },
        },
    },
}


ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
SECONDS = {"type": "integer", "format": "int32", "minimum": 0, "maximum": INT32[1]}
RATE_LIMIT_HEADER_DESCRIPTIONS = (
    "Requests this client may make in the window (IETF draft RateLimit headers).",
    "Requests left in the window.",
    "Seconds until the window has room again.",
)
JWT_DESCRIPTION = (
    "An access token from `POST /api/v1/auth/token`: a JWS signed with {algorithm}, whose "
    "public keys `/.well-known/jwks.json` publishes. The API follows RFC8725 (JSON Web Token "
    "Best Current Practices): it accepts only {algorithm}, never `none`, checks the expiry "
    "and the token type, and refuses a refresh token where an access token is expected. "
    'Partners verify it as docs/security.md says ("Verifying a token elsewhere").'
)


# A piece of the OpenAPI document: JSON, as drf-spectacular builds it.
Schema = dict[str, Any]


def envelope_response(description: str, headers: Schema | None = None) -> Schema:
    response: Schema = {
        "description": description,
        "content": {"application/json": {"schema": ENVELOPE_REF}},
    }
    if headers:
        response["headers"] = headers
    return response


def response_headers(*, throttled: bool) -> Schema:
    """The headers an answer carries: CORS always (for listed origins), the rate limit where
    a throttle counted the call."""
    headers: Schema = {
        "Access-Control-Allow-Origin": {
            "description": "Sent back to an origin listed in CORS_ALLOWED_ORIGINS, and to no other.",
            "schema": {"type": "string", "format": "uri", "maxLength": FORMAT_MAX_LENGTH["uri"]},
        }
    }
    if throttled:
        headers |= {
            name: {"description": description, "schema": dict(SECONDS)}
            for name, description in zip(
                RATE_LIMIT_HEADERS, RATE_LIMIT_HEADER_DESCRIPTIONS, strict=True
            )
        }
    return headers


def add_error_envelope(
    result: Schema, generator: SchemaGenerator, request: Request | None, public: bool
) -> Schema:
    """drf-spectacular post-processing hook: a `default` error response everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE
    error_response = envelope_response("Error in the envelope")
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            operation.setdefault("responses", {}).setdefault("default", error_response)
    return result


def bound_schema(
    result: Schema, generator: SchemaGenerator, request: Request | None, public: bool
) -> Schema:
    """drf-spectacular post-processing hook: the bounds and descriptions the OWASP API ruleset
    asks for (docs/security.md, "The API schema"). Request bodies carry their serializers' own
    bounds; this adds only what a format or the server itself guarantees, and the ceilings of
    response-only values."""
    components = result.setdefault("components", {})
    for scheme in components.get("securitySchemes", {}).values():
        if scheme.get("bearerFormat") == "JWT":
            scheme["description"] = JWT_DESCRIPTION.format(algorithm=settings.JWT_ALGORITHM)
    tags = {
        tag
        for item in result.get("paths", {}).values()
        for op in item.values()
        for tag in op.get("tags", [])
    }
    result["tags"] = [{"name": tag} for tag in sorted(tags)]
    for name, schema in components.get("schemas", {}).items():
        _bound(
            schema, response=not name.endswith("Request"), paginated=name.startswith("Paginated")
        )
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _bound_parameter(parameter)
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    _bound(media.get("schema", {}), response=True, paginated=False)
    return result


def _bound_parameter(parameter: Schema) -> None:
    schema = parameter.get("schema", {})
    name = parameter["name"]
    if schema.get("default") == "" and schema.get("minLength"):
        del schema["default"]  # an absent value, not one a client may send
    if name in HEADER_MAX_LENGTH:
        schema.setdefault("minLength", 1)
        schema.setdefault("maxLength", HEADER_MAX_LENGTH[name])
    if parameter["in"] == "query" and schema.get("type") == "integer":
        # PageNumberPagination: a page past the last is a 404; a larger page_size is cut to
        # the largest.
        if name == "page_size":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", PageNumberPagination.max_page_size)
        elif name == "page":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", INT32[1])
    if name == "cursor":
        # CursorPagination's own token: one the server did not write is a 404.
        schema.setdefault("maxLength", FORMAT_MAX_LENGTH["uri"])
    if schema.get("type") == "array" and "enum" in schema.get("items", {}):
        schema.setdefault("maxItems", len(schema["items"]["enum"]))  # each value once
    _bound(schema, response=False, paginated=False)


def _bound(schema: object, *, response: bool, paginated: bool) -> None:
    """Walk one schema: formats and integers everywhere; text and list ceilings in answers.
    What is neither an object nor a list of them (an example's value, say) is left alone."""
    if isinstance(schema, list):
        for item in schema:
            _bound(item, response=response, paginated=paginated)
        return
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind == "string":
        _bound_string(schema, response=response)
    elif kind == "integer":
        _bound_integer(schema, response=response)
    elif kind == "array" and response:
        schema.setdefault("maxItems", LIST_MAX_ITEMS)
    for key, value in schema.items():
        if key == "properties":
            for name, prop in value.items():
                if paginated and name == "results":
                    prop["maxItems"] = PageNumberPagination.max_page_size
                if paginated and name == "count":
                    prop.setdefault("minimum", 0)
                _bound(prop, response=response, paginated=False)
        elif isinstance(value, dict | list):
            _bound(value, response=response, paginated=False)


def _bound_string(schema: Schema, *, response: bool) -> None:
    if schema.get("default") == "" and (schema.get("minLength") or schema.get("format")):
        del schema["default"]  # the serializer's stand-in for an absent value
    example = schema.get("example")
    if schema.get("format") == "uri" and isinstance(example, str):
        # DRF's cursor example ends in a stray quote; a URI has none.
        schema["example"] = example.rstrip('"')
    if any(key in schema for key in ("maxLength", "enum", "const")):
        return
    if schema.get("format") in FORMAT_MAX_LENGTH:
        schema["maxLength"] = FORMAT_MAX_LENGTH[schema["format"]]
    elif response:
        schema["maxLength"] = TEXT_MAX_LENGTH


def _bound_integer(schema: Schema, *, response: bool) -> None:
    if response:
        schema.setdefault("minimum", INT64[0])
        schema.setdefault("maximum", INT64[1])
    if "format" not in schema:
        low, high = schema.get("minimum", INT64[0]), schema.get("maximum", INT64[1])
        schema["format"] = "int32" if INT32[0] <= low and high <= INT32[1] else "int64"


class AutoSchema(openapi.AutoSchema):
    """An operation's description is what its view says of itself: the docstring of its HTTP
    method or of its class, never one inherited from a base class, which describes the base
    for the code's readers (docs/api.md, "Schema"). A strict request body says it takes no
    other fields (docs/api.md, "Request bodies")."""

    def _map_serializer_field(
        self,
        field: serializers.Field[Any, Any, Any, Any],
        direction: str,
        bypass_extensions: bool = False,
    ) -> Schema:
        schema: Schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DecimalField)
            and schema.get("type") == "string"
            and field.max_digits
        ):
            schema.setdefault("maxLength", field.max_digits + 2)  # a sign and a point
        if isinstance(field, PhoneNumberField):
            # The raw input's bound: phonenumbers refuses a longer one, which is then a 400
            # `invalid`. A max_length would only measure the number once normalised.
            schema.setdefault("maxLength", PHONE_INPUT_MAX_LENGTH)
        if isinstance(field, serializers.TimeField) and schema.get("type") == "string":
            schema.setdefault("maxLength", FORMAT_MAX_LENGTH["time"])
        if isinstance(field, serializers.ListSerializer):
            # DRF refuses a longer list; its stubs leave the attribute out.
            max_length: int | None = getattr(field, "max_length", None)
            if max_length is not None:
                schema.setdefault("maxItems", max_length)
        return schema

    def _get_filter_parameters(self) -> list[Schema]:
        """A filter's `max_length` is checked by its form field: the schema says it too."""
        parameters: list[Schema] = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = filterset_class.base_filters if filterset_class else {}
        for parameter in parameters:
            declared = filters.get(parameter["name"])
            extra = declared.extra if declared else {}
            schema = parameter["schema"]
            if extra.get("max_length") and schema.get("type") == "string":
                schema["maxLength"] = extra["max_length"]
            if schema.get("type") == "integer":
                for bound, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                    if extra.get(bound) is not None:
                        schema[keyword] = extra[bound]
        return parameters

    def _map_serializer(
        self,
        serializer: serializers.Serializer[Any] | type[serializers.Serializer[Any]],
        direction: str,
        bypass_extensions: bool = False,
    ) -> Schema:
        schema: Schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(force_instance(serializer), StrictInputSerializer):
            schema["additionalProperties"] = False
        return schema

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> Schema | None:
        """Every answer says its rate-limit headers where a throttle counts the call, and the
        errors this view can give are documented with the envelope (docs/api.md, "Errors")."""
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        throttled = bool(self.view.get_throttles())
        limits = response_headers(throttled=throttled)
        if operation.get("requestBody") or any(
            parameter["in"] in ("query", "header") for parameter in operation.get("parameters", [])
        ):
            responses.setdefault("400", envelope_response("Invalid input", limits))
        view_name = f"{type(self.view).__module__}.{type(self.view).__qualname__}"
        if self.view.get_authenticators() or view_name in CREDENTIAL_VIEWS:
            responses.setdefault(
                "401", envelope_response("Missing, invalid or expired credentials", limits)
            )
        if not all(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            responses.setdefault("403", envelope_response("Not allowed to do this", limits))
        if throttled:
            too_many = {
                **limits,
                "Retry-After": {"description": "Seconds to wait.", "schema": dict(SECONDS)},
            }
            responses.setdefault("429", envelope_response("Too many requests", too_many))
        responses.setdefault("500", envelope_response("Unexpected server error"))
        for response in responses.values():
            if isinstance(response, dict):
                response["headers"] = {**limits, **response.get("headers", {})}
        return operation

    def get_description(self, *args: Any, **kwargs: Any) -> str:
        # drf-spectacular calls it with no arguments; DRF's ViewInspector declares two.
        view_class = type(self.view)
        method_name = getattr(self.view, "action", None) or self.method.lower()
        own = view_class.__dict__
        method_doc = own[method_name].__doc__ if method_name in own else None
        return inspect.cleandoc(method_doc or own.get("__doc__") or "")
