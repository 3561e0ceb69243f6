"""JSON bodies with a bounded depth (docs/security.md, "Request limits").

Deeply nested JSON is an attack on the parser (Python's gives up with a RecursionError
somewhere past a thousand levels, or the code that walks the result does) and never a real
request: anything nested deeper than REQUEST_MAX_JSON_DEPTH is a 400 in the envelope."""

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _depth(value: object) -> int:
    """How deeply lists and objects nest in `value`, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        limit = settings.REQUEST_MAX_JSON_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {limit} levels.") from None
        if _depth(data) > limit:
            raise ParseError(f"JSON nested deeper than {limit} levels.")
        return data
