"""JSON responses rendered by orjson (docs/api.md, "Responses"), byte for byte what DRF's
own renderer writes, in a fraction of its time: a product page of 20 rows is a third of the
request's CPU through `json.dumps` with DRF's encoder.

What orjson does not write the way DRF does goes to DRF's encoder: dates and times (DRF
writes UTC as `Z` and cuts microseconds to milliseconds), decimals, lazy translations. A
response asked for with an indent (`Accept: application/json; indent=2`) is DRF's."""

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_drf_encoder = JSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
# JavaScript's line separators, which DRF escapes so that a body can sit in a <script>.
_SEPARATORS = ((b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        # DRF reads the indent from the media type only when there is one.
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        body = orjson.dumps(data, default=_drf_encoder.default, option=_OPTIONS)
        for raw, escaped in _SEPARATORS:
            if raw in body:
                body = body.replace(raw, escaped)
        return body
