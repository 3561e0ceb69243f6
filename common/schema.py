"""OpenAPI additions: every operation documents the error envelope (docs/api.md, "Errors"),
and describes itself in its view's own words."""

import inspect

from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance

from common.serializers import StrictInputSerializer

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


def add_error_envelope(result, generator, request, public):
    """drf-spectacular post-processing hook: a `default` error response everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE
    error_response = {
        "description": "Error in the envelope",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            operation.setdefault("responses", {}).setdefault("default", error_response)
    return result


class AutoSchema(openapi.AutoSchema):
    """An operation's description is what its view says of itself: the docstring of its HTTP
    method or of its class, never one inherited from a base class, which describes the base
    for the code's readers (docs/api.md, "Schema"). A strict request body says it takes no
    other fields (docs/api.md, "Request bodies")."""

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(force_instance(serializer), StrictInputSerializer):
            schema["additionalProperties"] = False
        return schema

    def get_description(self) -> str:
        view_class = type(self.view)
        method_name = getattr(self.view, "action", None) or self.method.lower()
        own = view_class.__dict__
        method_doc = own[method_name].__doc__ if method_name in own else None
        return inspect.cleandoc(method_doc or own.get("__doc__") or "")
