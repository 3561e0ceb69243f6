"""What every request body's serializer shares (docs/api.md, "Request bodies")."""

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from django.http import QueryDict
from rest_framework import serializers

from common.models import DecisionBase

# What a serializer's `instance` is, if it is given one (an edit's record).
_InstanceT = TypeVar("_InstanceT")


class StrictInputSerializer(serializers.Serializer[_InstanceT]):
    """A request body: a field it does not know is a 400 naming it, never silently dropped
    (a misspelt `ful_name` would otherwise register a user with no name).

    `aliases` maps other names of a field, as another specification's clients send them, to
    the field (`{"parent_id": "parent"}`): the alias is validated as the field is, its errors
    name the alias, and the schema shows it as an optional property described as an alias
    (docs/api.md, "Aliases"). A body that gives both names is a 400 naming both."""

    aliases: ClassVar[dict[str, str]] = {}

    def fields_named_as_drf_attributes(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """Fields whose names DRF gives attributes of its own (`parent`, `source`): made here
        rather than declared on the class, where the type checker would read the name as
        DRF's attribute. They come after the declared fields."""
        return {}

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = {**super().get_fields(), **self.fields_named_as_drf_attributes()}
        for alias, name in self.aliases.items():
            field = fields[name]
            # The arguments DRF keeps of a field's making (Field.__new__), to copy it by.
            made_with = vars(field)
            kwargs = {key: value for key, value in made_with["_kwargs"].items() if key != "default"}
            kwargs.update(
                required=False,
                help_text=f"Alias of `{name}`; give one or the other, never both.",
            )
            fields[alias] = type(field)(*made_with["_args"], **kwargs)
        return fields

    def fields_refused(self, data: Mapping[str, Any]) -> set[str]:
        """The names this body may not carry: those with no field, and those a subclass
        refuses for this body (a field that only one kind of request takes)."""
        return set(data) - self.fields.keys()

    def to_internal_value(self, data: object) -> dict[str, Any]:
        given: dict[str, str] = {}  # field: the alias the body gave it by
        if isinstance(data, Mapping):
            unknown = sorted(self.fields_refused(data))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field: it is not part of this request."] for name in unknown}
                )
            given = {name: alias for alias, name in self.aliases.items() if alias in data}
            both = {name: alias for name, alias in given.items() if name in data}
            if both:
                raise serializers.ValidationError(
                    {
                        sent: [f"Give `{name}` or its alias `{alias}`, not both."]
                        for name, alias in both.items()
                        for sent in (alias, name)
                    }
                )
            data = _renamed(data, {alias: name for name, alias in given.items()})
        try:
            validated: dict[str, Any] = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if given and isinstance(exc.detail, dict):  # the errors name what was sent
                exc.detail = {given.get(key, key): value for key, value in exc.detail.items()}
            raise
        return validated


def _renamed(data: Mapping[str, Any], names: dict[str, str]) -> Mapping[str, Any]:
    """A copy of a body with keys renamed (a form's QueryDict keeps its lists)."""
    if not names:
        return data
    if isinstance(data, QueryDict):
        form = data.copy()
        for old, new in names.items():
            form.setlist(new, form.pop(old))
        return form
    body = dict(data)
    for old, new in names.items():
        body[new] = body.pop(old)
    return body


class DecisionOutputSerializer(serializers.Serializer[DecisionBase]):
    """A staff decision about a record (common/four_eyes.py): a first approval that waits for
    a second staff member has `final` false."""

    decided_by_id = serializers.UUIDField()
    decision = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    final = serializers.BooleanField()
    created_at = serializers.DateTimeField()
