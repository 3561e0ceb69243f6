"""What every request body's serializer shares (docs/api.md, "Request bodies")."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """A request body: a field it does not know is a 400 naming it, never silently dropped
    (a misspelt `ful_name` would otherwise register a user with no name)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: it is not part of this request."] for name in unknown}
                )
        return super().to_internal_value(data)
