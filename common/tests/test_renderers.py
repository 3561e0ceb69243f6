"""orjson renders what DRF's own renderer renders, byte for byte (common/api/renderers.py)."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.serializers import Serializer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from common.api.renderers import JSONRenderer

UTC = datetime.UTC
SAMPLES = [
    {"a": 1, "b": [True, False, None], "c": {"nested": "ü ñ ✓ 🚗"}},
    {"when": datetime.datetime(2026, 11, 23, 19, 8, 51, 837756, tzinfo=UTC)},
    {"when": datetime.datetime(2026, 11, 23, 19, 8, 51, tzinfo=UTC)},
    {"naive": datetime.datetime(2026, 11, 23, 19, 8, 51, 5)},
    {"day": datetime.date(2026, 11, 23), "time": datetime.time(9, 30, 15, 250000)},
    {"money": Decimal("1234567.80"), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"lazy": gettext_lazy("Orders"), 3: "a non-string key"},
    {"separators": "line\u2028paragraph\u2029end", "quote": '"\\</script>'},
    ReturnDict(
        {"results": ReturnList([{"x": 1.5}, {"y": -0.0}], serializer=Serializer())},
        serializer=Serializer(),
    ),
    [],
    "",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_same_bytes_as_drfs_renderer(data):
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_an_indent_asked_for_is_honoured_as_drf_does():
    data = {"a": [1, 2]}
    media_type = "application/json; indent=2"

    assert JSONRenderer().render(data, media_type) == DRFJSONRenderer().render(data, media_type)
    assert b"\n  " in JSONRenderer().render(data, media_type)
