"""What every request body's serializer shares (docs/api.md, "Request bodies")."""

from collections.abc import Mapping

from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """A request body: a field it does not know is a 400 naming it, never silently dropped
    (a misspelt `ful_name` would otherwise register a user with no name)."""

    def fields_refused(self, data: Mapping) -> set[str]:
        """The names this body may not carry: those with no field, and those a subclass
        refuses for this body (a field that only one kind of request takes)."""
        return set(data) - set(self.fields)

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(self.fields_refused(data))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: it is not part of this request."] for name in unknown}
                )
        return super().to_internal_value(data)


class DecisionOutputSerializer(serializers.Serializer):
    """A staff decision about a record (common/four_eyes.py): a first approval that waits for
    a second staff member has `final` false."""

    decided_by_id = serializers.UUIDField()
    decision = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    final = serializers.BooleanField()
    created_at = serializers.DateTimeField()
