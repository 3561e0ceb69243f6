"""Filter building blocks shared by the domain apps."""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext
from django_filters.fields import IsoDateTimeField
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin

from common.api.exceptions import error_body
from common.error_codes import CommonErrorCode

_ModelT = TypeVar("_ModelT", bound=Model)
_F = TypeVar("_F", bound=Callable[..., object])


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


# UNKNOWN QUERY PARAMETERS
# ------------------------------------------------------------------------------
# Read by DRF's renderers on any request (`?format=json`).
_ALWAYS_ALLOWED = frozenset({"format"})


def takes_query_parameters(*names: str) -> Callable[[_F], _F]:
    """Marks a ViewSet's GET action that is not its list (`facets`, `compare`) with the query
    parameters it takes: any other is refused as on a list."""

    def mark(action: _F) -> _F:
        action.query_parameters = frozenset(names) | _ALWAYS_ALLOWED  # type: ignore[attr-defined]
        return action

    return mark


def list_query_parameters(view_func: Callable[..., object]) -> frozenset[str] | None:
    """The query parameters an API list takes: its filters' (its filterset's form fields, so
    a range's `_after` and `_before` too) and its paginator's, or those an action declares
    (`takes_query_parameters`). None when `view_func` is not a DRF list: a ViewSet's `list`
    action, or a list view (ListModelMixin)."""
    view = getattr(view_func, "cls", None)
    if view is None or not issubclass(view, GenericAPIView):
        return None
    actions = getattr(view_func, "actions", None)
    declared = getattr(
        getattr(view, (actions or {}).get("get", ""), None), "query_parameters", None
    )
    if declared is not None:
        return frozenset(declared)
    if actions is not None and actions.get("get") != "list":
        return None
    if actions is None and not issubclass(view, ListModelMixin):
        return None
    allowed = set(_ALWAYS_ALLOWED)
    paginator = view.pagination_class
    if paginator is not None:
        for name in ("page_query_param", "page_size_query_param", "cursor_query_param"):
            if getattr(paginator, name, None):
                allowed.add(getattr(paginator, name))
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        allowed |= set(
            filterset(data={}, queryset=filterset._meta.model.objects.none()).form.fields
        )
    return frozenset(allowed)


class UnknownQueryParametersMiddleware:
    """A GET of an API list with a query parameter it does not know answers 400 naming it
    (docs/api.md, "Lists"), as a body field it does not know does: `?colour=red` would
    otherwise filter nothing and answer everything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., object],
        view_args: object,
        view_kwargs: object,
    ) -> HttpResponseBase | None:
        if request.method != "GET" or not request.GET:
            return None
        allowed = list_query_parameters(view_func)
        if allowed is None:
            return None
        unknown = sorted(set(request.GET) - allowed)
        if not unknown:
            return None
        message = gettext("Unknown query parameter: %(names)s. This list takes: %(known)s.") % {
            "names": ", ".join(unknown),
            "known": ", ".join(sorted(allowed - _ALWAYS_ALLOWED)),
        }
        details = {
            name: [gettext("Unknown query parameter: this list has no such filter.")]
            for name in unknown
        }
        return JsonResponse(
            error_body(CommonErrorCode.VALIDATION_ERROR, message, details), status=400
        )
