"""Filter building blocks shared by the domain apps."""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django_filters.fields import IsoDateTimeField

_ModelT = TypeVar("_ModelT", bound=Model)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time turned into UTC before it reaches the database, which refuses
    offsets beyond ±15:59; a moment that does not exist in UTC (year 1 at +01:00) is a
    validation error, not a server error."""

    def to_python(self, value: str | datetime | date | None) -> datetime | None:
        moment: datetime | None = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("The date and time are out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with the empty parameters of `?ordering=` (`,`, `price,,`) left out
    before it orders. With nothing left, the library still clears the queryset's ordering,
    which leaves pages in no stable order (a server error under the suite's warnings)."""

    @staticmethod
    def parameters(value: Iterable[str] | None) -> list[str]:
        return [param for param in value or () if param]

    def filter(self, qs: QuerySet[_ModelT], value: list[str] | None) -> QuerySet[_ModelT]:
        ordered: QuerySet[_ModelT] = super().filter(qs, self.parameters(value))
        return ordered
