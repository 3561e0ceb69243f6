"""Filter building blocks shared by the domain apps."""

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time turned into UTC before it reaches the database, which refuses
    offsets beyond ±15:59; a moment that does not exist in UTC (year 1 at +01:00) is a
    validation error, not a server error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValidationError("The date and time are out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with the empty parameters of `?ordering=` (`,`, `price,,`) left out
    before it orders. With nothing left, the library still clears the queryset's ordering,
    which leaves pages in no stable order (a server error under the suite's warnings)."""

    @staticmethod
    def parameters(value) -> list[str]:
        return [param for param in value or () if param]

    def filter(self, qs, value):
        return super().filter(qs, self.parameters(value))
