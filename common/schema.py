"""OpenAPI additions: every operation documents the error envelope (docs/api.md, "Errors")."""

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
