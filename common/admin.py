"""Admin building blocks shared by the domain apps."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any, TypedDict, TypeVar
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import FieldListFilter, helpers
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet, Sum
from django.db.models.options import Options
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from import_export import resources
from import_export.admin import ExportMixin as ImportExportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from rangefilter.filters import DateRangeFilterBuilder
from tablib import Dataset

from common.admin_people import person_shown
from common.exceptions import ApplicationError
from common.formatting import count_of, local_date, local_datetime, money
from common.models import TimestampedModel
from common.spreadsheets import FORMULA_STARTS, QUOTING, XLSX_FORMULA_STARTS, cell_escape

# Formatting lives in common/formatting.py (docs/admin.md, "Languages"); `money` and
# `short_datetime` stay importable from here for the app modules that still do so.
short_datetime = local_datetime

_ModelT = TypeVar("_ModelT", bound=models.Model)
_F = TypeVar("_F", bound=Callable[..., object])

# An admin action: called with the ModelAdmin, the request and the selected rows.
AdminAction = Callable[
    [admin.ModelAdmin[models.Model], HttpRequest, QuerySet[models.Model]],
    TemplateResponse | None,
]


# The mixins of a ModelAdmin below are ModelAdmins of a model themselves, for the methods they
# call on: put before the ModelAdmin they go into (`class A(DatabaseAdminMixin, ModelAdmin)`),
# they leave its method resolution order as it was.
class DatabaseAdminMixin(admin.ModelAdmin[_ModelT]):
    """A ModelAdmin for a model that lives in another database than `default`."""

    using: str

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        return super().get_queryset(request).using(self.using)


class ReadOnlyAdminMixin:
    """Shows records without letting the admin write them: their changes go through the
    app's services (with history rows and events), not through a form. For a ModelAdmin or
    an inline (whose permissions are asked with the parent record)."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@dataclass(frozen=True)
class AwaitingSecondApproval:
    """What an action's `apply` returns for a row whose approval was recorded as the first of
    two (four eyes, docs/deal.md "Who decides"): the row waits for another staff member, and
    the action says so, with the threshold, instead of counting it as done."""

    threshold: Decimal
    currency: str


def _apply_each(
    modeladmin: admin.ModelAdmin[_ModelT],
    request: HttpRequest,
    queryset: QuerySet[_ModelT],
    apply: Callable[[_ModelT], object],
    done: str | Promise,
) -> None:
    """Call `apply` on each selected row and say what came of it: the rows done, the rows
    awaiting a second approval, and each row's error (the other rows still go on)."""
    succeeded, waiting = 0, []
    for obj in queryset:
        try:
            outcome = apply(obj)
        except ApplicationError as exc:
            _row_error(modeladmin, request, obj, exc)
        else:
            if isinstance(outcome, AwaitingSecondApproval):
                waiting.append(outcome)
            else:
                succeeded += 1
    if succeeded:
        _done_message(modeladmin, request, queryset, done, succeeded)
    if waiting:
        label = queryset.model._meta.label_lower
        modeladmin.message_user(
            request,
            gettext(
                "First approval recorded; a second is needed (threshold %(threshold)s): %(items)s."
            )
            % {
                "threshold": money(waiting[0].threshold, waiting[0].currency, whole=True),
                "items": count_of(label, len(waiting)),
            },
            messages.WARNING,
        )


def service_action(
    apply: Callable[[HttpRequest, Any], object],
    *,
    description: StrOrPromise,
    done: str | Promise,
    name: str = "",
) -> AdminAction:
    """An admin action that calls `apply(request, obj)` (a service) for each selected row;
    an `ApplicationError` is that row's error message and the other rows still go on, and
    an `AwaitingSecondApproval` returned says the row waits for a second staff member.
    `done` is the past participle the message starts with ("Archived: 6 clients.").
    (`obj` is a row of the admin's own model: `apply`, often a lambda, uses what it has.)"""

    def action(
        modeladmin: admin.ModelAdmin[models.Model],
        request: HttpRequest,
        queryset: QuerySet[models.Model],
    ) -> None:
        _apply_each(modeladmin, request, queryset, lambda obj: apply(request, obj), done)

    action.__name__ = name or _action_name(done)
    return admin.action(description=description, permissions=["view"])(action)


def _action_name(done: str | Promise) -> str:
    # The action's name is part of the form the list posts: the same in every language.
    with translation.override("en"):
        return str(done).lower().replace(" ", "_")


def _row_error(
    modeladmin: admin.ModelAdmin[_ModelT], request: HttpRequest, obj: _ModelT, exc: ApplicationError
) -> None:
    message = gettext("%(record)s: %(error)s") % {"record": obj, "error": exc.message}
    modeladmin.message_user(request, message, messages.ERROR)


def _done_message(
    modeladmin: admin.ModelAdmin[_ModelT],
    request: HttpRequest,
    queryset: QuerySet[_ModelT],
    done: str | Promise,
    succeeded: int,
) -> None:
    """ "Paid: 6 orders." with the noun in the plural form the count takes (common.formatting,
    `count_of`); Django's `model_ngettext` knows only two forms, Russian has three."""
    message = gettext("%(done)s: %(items)s.") % {
        "done": done,
        "items": count_of(queryset.model._meta.label_lower, succeeded),
    }
    modeladmin.message_user(request, message, messages.SUCCESS)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Reason"),
        help_text=_("Kept with each change, in its history and its event."),
    )


def reason_action(
    apply: Callable[..., object],
    *,
    name: str,
    description: StrOrPromise,
    done: str | Promise,
    permission: str,
    form_class: type[forms.Form] = ReasonForm,
) -> AdminAction:
    """An admin action that first asks for a reason on an intermediate page, then calls
    `apply(request, obj, reason)` for each selected row (with another `form_class`, its
    fields' values in their order instead of the reason). `apply` calls a service, so history
    and events are written as through the API. An `ApplicationError` (an illegal
    transition, say) becomes an error message for its row; the other rows still go on.

    `permission` names the ModelAdmin's `has_<permission>_permission(request)`."""

    def action(
        modeladmin: admin.ModelAdmin[models.Model],
        request: HttpRequest,
        queryset: QuerySet[models.Model],
    ) -> TemplateResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _reason_page(modeladmin, request, queryset, form, name, description)
        values = form.cleaned_data.values()
        _apply_each(modeladmin, request, queryset, lambda obj: apply(request, obj, *values), done)
        return None

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


def _reason_page(
    modeladmin: admin.ModelAdmin[_ModelT],
    request: HttpRequest,
    queryset: QuerySet[_ModelT],
    form: forms.Form,
    name: str,
    description: StrOrPromise,
) -> TemplateResponse:
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": description,
        "opts": opts,
        "objects": list(queryset),
        "form": form,
        "action_name": name,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/action_with_reason.html", context)


# DISPLAY: what managers read in lists and on pages (docs/admin.md)
# ------------------------------------------------------------------------------
def short_id(value: UUID | str) -> str:
    """The first eight characters of a UUID: enough to tell records apart on a screen, and
    what the dashboard and the e-mails show; the whole id is in the title."""
    return format_html('<span class="short-id" title="{}">{}</span>', value, str(value)[:8])


def money_column(
    field: str,
    title: StrOrPromise,
    *,
    currency: Callable[[Any], str] = attrgetter("currency"),
) -> Callable[[object, models.Model], str]:
    """A column or read-only field showing the money in `field` (`money()`); `currency`
    reads the object's currency (of the admin's own model, often with a lambda)."""

    @admin.display(description=title, ordering=field)
    def column(self: object, obj: models.Model) -> str:
        return money(getattr(obj, field), currency(obj))

    return column


def id_column(
    field: str, title: StrOrPromise, *, page: str | None = None
) -> Callable[[object, models.Model], str]:
    """A column showing the id in `field` short (`short_id()`), linked to `page` if given."""

    @admin.display(description=title, ordering=field)
    def column(self: object, obj: models.Model) -> str:
        value = getattr(obj, field)
        if value is None:
            return "—"
        return admin_link(page, value, short_id(value)) if page else short_id(value)

    return column


class ReadOnlyInline(admin.TabularInline[models.Model, models.Model]):
    """Rows shown on their parent's page, never added, changed or removed there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def awaiting_second_approval_filter(
    *, waiting: Q, not_by: tuple[str, ...], decisions: str = "decisions"
) -> type[admin.SimpleListFilter]:
    """A list filter of the records whose first approval is recorded (`waiting`) and whose
    second this viewer may give (four eyes, docs/deal.md "Who decides"): none that is theirs
    or that they asked for (`not_by`, the fields holding those user ids), and none they
    decided on already."""

    class AwaitingSecondApproval(admin.SimpleListFilter):
        title = _("four eyes")
        parameter_name = "second_approval"

        def lookups(
            self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
        ) -> list[tuple[str, StrOrPromise]]:
            return [("mine", _("Awaiting my second approval"))]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value() != "mine":
                return queryset
            viewer = request.user.pk
            mine = Q(**{f"{decisions}__decided_by_id": viewer})
            for field in not_by:
                mine |= Q(**{field: viewer})
            return queryset.filter(pk__in=queryset.filter(waiting).values("pk")).exclude(mine)

    return AwaitingSecondApproval


class DecisionTrailInline(ReadOnlyInline):
    """Who decided what about a record, and why, first approvals included (four eyes,
    docs/deal.md "Who decides"); an app's inline names its `DecisionBase` model."""

    fields = readonly_fields = (
        "decided_at",
        "decided_by",
        "decision_shown",
        "amount",
        "final",
        "reason",
    )
    verbose_name = _("decision")
    verbose_name_plural = _("decisions (who, what, why)")

    @admin.display(description=_("When"))
    def decided_at(self, decision: models.Model) -> str:
        return local_datetime(decision.created_at)  # type: ignore[attr-defined]

    @admin.display(description=_("Decision"))
    def decision_shown(self, decision: models.Model) -> str:
        return str(decision)

    @admin.display(description=_("Who"))
    def decided_by(self, decision: models.Model) -> str:
        return person_shown(decision.decided_by_id)  # type: ignore[attr-defined]


class CreatedColumnMixin:
    """A short "created" column for lists that must fit a 1280 px screen: the day (the time is
    in its title and on the record's page)."""

    @admin.display(description=_("Created"), ordering="created_at")
    def created(self, obj: TimestampedModel) -> str:
        return format_html(
            '<span title="{}">{}</span>',
            local_datetime(obj.created_at),
            local_date(obj.created_at),
        )


def admin_link(url_name: str, pk: UUID | str | int | None, text: str | Promise) -> str:
    """A link to another admin page, across databases: by id, never by a foreign key."""
    if pk is None:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def changelist_link(url_name: str, text: str | Promise, **filters: UUID | str | int) -> str:
    """A link to another admin list, filtered; the text is also its title (a long name may be
    cut short on screen)."""
    query = urlencode({name: str(value) for name, value in filters.items()})
    return format_html('<a href="{}?{}" title="{}">{}</a>', reverse(url_name), query, text, text)


def display(description: StrOrPromise, *, ordering: str | None = None) -> Callable[[_F], _F]:
    """`admin.display` with a translatable column title."""
    return admin.display(description=description, ordering=ordering)


# LISTS: exports, totals and date ranges (docs/admin.md, "Lists")
# ------------------------------------------------------------------------------
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
