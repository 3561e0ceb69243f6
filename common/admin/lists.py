"""The admin's lists: exports to CSV and XLSX, totals by currency and date ranges
(docs/admin.md, "Lists")."""

from collections.abc import Callable, Sequence
from typing import Any, TypedDict, TypeVar

from django.contrib import admin
from django.contrib.admin import FieldListFilter
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet, Sum
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.text import capfirst
from django_stubs_ext import StrOrPromise
from import_export import resources
from import_export.admin import ExportMixin as ImportExportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from rangefilter.filters import DateRangeFilterBuilder
from tablib import Dataset

from common.formatting import money
from common.middleware import download_language
from common.spreadsheets import FORMULA_STARTS, QUOTING, XLSX_FORMULA_STARTS, cell_escape

_ModelT = TypeVar("_ModelT", bound=models.Model)
_F = TypeVar("_F", bound=Callable[..., object])


class _EscapedText:
    """Only text can be a formula: a text cell that starts like one is escaped
    (`common.spreadsheets.cell_escape`); numbers and dates stay what they are, so that a
    spreadsheet sums the money. django-import-export's own escaping drops a leading `=` only,
    and turns every cell into text."""

    formula_starts: tuple[str, ...] = FORMULA_STARTS

    def _escape_formulae(self, dataset: Dataset) -> None:
        rows = [dataset.lpop() for _ in range(len(dataset))]
        for row in rows:
            dataset.append(
                [cell_escape(c, self.formula_starts) if isinstance(c, str) else c for c in row]
            )


class ExportCSV(_EscapedText, CSV):
    def export_data(self, dataset: Dataset, **kwargs: Any) -> str:
        exported: str = super().export_data(dataset, quoting=QUOTING, **kwargs)
        return exported


class ExportXLSX(_EscapedText, XLSX):
    formula_starts = XLSX_FORMULA_STARTS  # a phone's "+7…" stays as it is


class ExportResource(resources.ModelResource):
    """An export whose headers are the fields' names as the admin shows them, in the user's
    language; the values stay raw: money as numbers, ids whole."""

    @classmethod
    def widget_kwargs_for_field(
        cls, field_name: str, django_field: models.Field[Any, Any]
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.DecimalField):
            kwargs["coerce_to_string"] = False  # a number in XLSX, "1250000.00" in CSV
        return kwargs

    def get_export_headers(self, selected_fields: Sequence[str] | None = None) -> list[str]:
        opts = self._meta.model._meta
        headers: list[str] = []
        for field in self.get_export_fields(selected_fields):
            try:
                headers.append(str(capfirst(opts.get_field(field.attribute).verbose_name)))
            except FieldDoesNotExist:
                headers.append(str(field.column_name))
        return headers


class ExportForm(SelectableFieldsExportForm):
    """The export page's choice of columns, labelled as the file's headers are: the fields'
    names in the user's language (the package labels them with the attribute's name)."""

    def _get_field_label(self, resource: resources.ModelResource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        try:
            return str(capfirst(resource._meta.model._meta.get_field(field.attribute).verbose_name))
        except (AttributeError, FieldDoesNotExist):
            return str(capfirst(field.column_name if field else field_name))


class ExportMixin(ImportExportExportMixin):
    """An "Export" button on the list: the rows it shows, with its filters and its search, as
    CSV or XLSX (django-import-export). The ModelAdmin names a `resource_classes` whose fields
    are the list's columns. Cells that a spreadsheet would run as formulas are escaped
    (`IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`)."""

    formats = [ExportCSV, ExportXLSX]
    export_form_class = ExportForm

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: QuerySet[Any], **kwargs: Any
    ) -> Any:
        """The file in the language files are kept in (`download_language`)."""
        with translation.override(download_language(request)):
            return super().get_export_data(file_format, request, queryset, **kwargs)


class CurrencyTotals(TypedDict):
    currency: str
    sums: list[tuple[StrOrPromise, str]]  # (the field's name, the sum as `money()` shows it)


class TotalsMixin(admin.ModelAdmin[_ModelT]):
    """The sums of `totals` (money fields) over the whole filtered list, not only its page,
    under the table: one aggregate query per page, per currency."""

    totals: list[str] = []
    totals_currency_field = "currency"
    # Rows the sums leave out (cancelled orders: no money), said under them.
    totals_exclude: Q | None = None
    totals_exclude_note: StrOrPromise = ""
    change_list_template = "admin/change_list_totals.html"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        # The list's page (a TemplateResponse), not a redirect or an action's own answer.
        context = getattr(response, "context_data", {})
        changelist = context.get("cl")
        if changelist is not None:
            context["totals"] = self.totals_of(changelist.queryset)
            context["totals_note"] = self.totals_exclude_note
        return response

    def totals_of(self, queryset: QuerySet[_ModelT]) -> list[CurrencyTotals]:
        """[{"currency": "RUB", "sums": [(title, "1 250 000,00 ₽"), ...]}, ...]"""
        currency = self.totals_currency_field
        if self.totals_exclude is not None:
            queryset = queryset.exclude(self.totals_exclude)
        rows = (
            queryset.order_by()
            .values(currency)
            .annotate(**{f"sum_{field}": Sum(field) for field in self.totals})
            .order_by(currency)
        )
        opts = self.model._meta
        return [
            {
                "currency": row[currency],
                "sums": [
                    (_verbose_name(opts, field), money(row[f"sum_{field}"], row[currency]))
                    for field in self.totals
                ],
            }
            for row in rows
        ]


def _verbose_name(opts: Options[_ModelT], name: str) -> StrOrPromise:
    """The name the admin shows for the model's own field `name` (a money field)."""
    field = opts.get_field(name)
    assert isinstance(field, models.Field), f"{name} is a relation's other side, not a field"
    return field.verbose_name


def date_range_filter(
    field: str, title: StrOrPromise | None = None
) -> tuple[str, type[FieldListFilter]]:
    """A `list_filter` entry: from and to dates on `field`, read in the dealership's zone
    (django-admin-rangefilter; its query parameters are `<field>__range__gte` and
    `<field>__range__lte`, which the dashboard's links use)."""
    return (field, DateRangeFilterBuilder(title=title))
