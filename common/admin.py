"""Admin building blocks shared by the domain apps."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Sum
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ExportMixin as ImportExportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from rangefilter.filters import DateRangeFilterBuilder

from common.exceptions import ApplicationError
from common.formatting import count_of, local_date, local_datetime, money
from common.spreadsheets import FORMULA_STARTS, XLSX_FORMULA_STARTS, cell_escape

# Formatting lives in common/formatting.py (docs/admin.md, "Languages"); `money` and
# `short_datetime` stay importable from here for the app modules that still do so.
short_datetime = local_datetime


class DatabaseAdminMixin:
    """A ModelAdmin for a model that lives in another database than `default`."""

    using: str

    def get_queryset(self, request):
        return super().get_queryset(request).using(self.using)


class ReadOnlyAdminMixin:
    """Shows records without letting the admin write them: their changes go through the
    app's services (with history rows and events), not through a form."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def service_action(apply, *, description: str, done: str, name: str = ""):
    """An admin action that calls `apply(request, obj)` (a service) for each selected row;
    an `ApplicationError` is that row's error message and the other rows still go on.
    `done` is the past participle the message starts with ("Archived: 6 clients.")."""

    def action(modeladmin, request, queryset):
        succeeded = 0
        for obj in queryset:
            try:
                apply(request, obj)
            except ApplicationError as exc:
                _row_error(modeladmin, request, obj, exc)
            else:
                succeeded += 1
        if succeeded:
            _done_message(modeladmin, request, queryset, done, succeeded)

    action.__name__ = name or _action_name(done)
    return admin.action(description=description, permissions=["view"])(action)


def _action_name(done) -> str:
    # The action's name is part of the form the list posts: the same in every language.
    with translation.override("en"):
        return str(done).lower().replace(" ", "_")


def _row_error(modeladmin, request, obj, exc: ApplicationError) -> None:
    message = gettext("%(record)s: %(error)s") % {"record": obj, "error": exc.message}
    modeladmin.message_user(request, message, messages.ERROR)


def _done_message(modeladmin, request, queryset, done, succeeded: int) -> None:
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
    apply, *, name: str, description: str, done: str, permission: str, form_class=ReasonForm
):
    """An admin action that first asks for a reason on an intermediate page, then calls
    `apply(request, obj, reason)` for each selected row (with another `form_class`, its
    fields' values in their order instead of the reason). `apply` calls a service, so history
    and events are written as through the API. An `ApplicationError` (an illegal
    transition, say) becomes an error message for its row; the other rows still go on.

    `permission` names the ModelAdmin's `has_<permission>_permission(request)`."""

    def action(modeladmin, request, queryset):
        form = form_class(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _reason_page(modeladmin, request, queryset, form, name, description)
        succeeded = 0
        for obj in queryset:
            try:
                apply(request, obj, *form.cleaned_data.values())
            except ApplicationError as exc:
                _row_error(modeladmin, request, obj, exc)
            else:
                succeeded += 1
        if succeeded:
            _done_message(modeladmin, request, queryset, done, succeeded)
        return None

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)


def _reason_page(modeladmin, request, queryset, form, name, description):
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
def short_id(value) -> str:
    """The first eight characters of a UUID: enough to tell records apart on a screen, and
    what the dashboard and the e-mails show; the whole id is in the title."""
    return format_html('<span class="short-id" title="{}">{}</span>', value, str(value)[:8])


def money_column(field: str, title, *, currency=lambda obj: obj.currency):
    """A column or read-only field showing the money in `field` (`money()`); `currency`
    reads the object's currency."""

    @admin.display(description=title, ordering=field)
    def column(self, obj):
        return money(getattr(obj, field), currency(obj))

    return column


def id_column(field: str, title, *, page: str | None = None):
    """A column showing the id in `field` short (`short_id()`), linked to `page` if given."""

    @admin.display(description=title, ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        if value is None:
            return "—"
        return admin_link(page, value, short_id(value)) if page else short_id(value)

    return column


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, never added, changed or removed there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionTrailInline(ReadOnlyInline):
    """Who decided what about a record, and why, first approvals included (four eyes,
    docs/deal.md "Who decides"); an app's inline names its `DecisionBase` model."""

    fields = readonly_fields = [
        "created_at",
        "decided_by_id",
        "decision",
        "amount",
        "final",
        "reason",
    ]
    verbose_name = _("decision")
    verbose_name_plural = _("decisions (who, what, why)")


class CreatedColumnMixin:
    """A short "created" column for lists that must fit a 1280 px screen: the day (the time is
    in its title and on the record's page)."""

    @admin.display(description=_("Created"), ordering="created_at")
    def created(self, obj):
        return format_html(
            '<span title="{}">{}</span>',
            local_datetime(obj.created_at),
            local_date(obj.created_at),
        )


def admin_link(url_name: str, pk, text) -> str:
    """A link to another admin page, across databases: by id, never by a foreign key."""
    if pk is None:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def changelist_link(url_name: str, text, **filters) -> str:
    """A link to another admin list, filtered; the text is also its title (a long name may be
    cut short on screen)."""
    return format_html(
        '<a href="{}?{}" title="{}">{}</a>', reverse(url_name), urlencode(filters), text, text
    )


def display(description, *, ordering=None):
    """`admin.display` with a translatable column title."""
    return admin.display(description=description, ordering=ordering)


# LISTS: exports, totals and date ranges (docs/admin.md, "Lists")
# ------------------------------------------------------------------------------
class _EscapedText:
    """Only text can be a formula: a text cell that starts like one is escaped
    (`common.spreadsheets.cell_escape`); numbers and dates stay what they are, so that a
    spreadsheet sums the money. django-import-export's own escaping drops a leading `=` only,
    and turns every cell into text."""

    formula_starts = FORMULA_STARTS

    def _escape_formulae(self, dataset):
        rows = [dataset.lpop() for _ in range(len(dataset))]
        for row in rows:
            dataset.append(
                [cell_escape(c, self.formula_starts) if isinstance(c, str) else c for c in row]
            )


class ExportCSV(_EscapedText, CSV):
    pass


class ExportXLSX(_EscapedText, XLSX):
    formula_starts = XLSX_FORMULA_STARTS  # a phone's "+7…" stays as it is


class ExportResource(resources.ModelResource):
    """An export whose headers are the fields' names as the admin shows them, in the user's
    language; the values stay raw: money as numbers, ids whole."""

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.DecimalField):
            kwargs["coerce_to_string"] = False  # a number in XLSX, "1250000.00" in CSV
        return kwargs

    def get_export_headers(self, selected_fields=None):
        opts = self._meta.model._meta
        headers = []
        for field in self.get_export_fields(selected_fields):
            try:
                headers.append(str(capfirst(opts.get_field(field.attribute).verbose_name)))
            except FieldDoesNotExist:
                headers.append(str(field.column_name))
        return headers


class ExportForm(SelectableFieldsExportForm):
    """The export page's choice of columns, labelled as the file's headers are: the fields'
    names in the user's language (the package labels them with the attribute's name)."""

    def _get_field_label(self, resource, field_name: str) -> str:
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


class TotalsMixin:
    """The sums of `totals` (money fields) over the whole filtered list, not only its page,
    under the table: one aggregate query per page, per currency."""

    totals: list[str] = []
    totals_currency_field = "currency"
    change_list_template = "admin/change_list_totals.html"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["totals"] = self.totals_of(changelist.queryset)
        return response

    def totals_of(self, queryset) -> list[dict]:
        """[{"currency": "RUB", "sums": [(title, "1 250 000,00 ₽"), ...]}, ...]"""
        currency = self.totals_currency_field
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
                    (opts.get_field(field).verbose_name, money(row[f"sum_{field}"], row[currency]))
                    for field in self.totals
                ],
            }
            for row in rows
        ]


def date_range_filter(field: str, title=None):
    """A `list_filter` entry: from and to dates on `field`, read in the dealership's zone
    (django-admin-rangefilter; its query parameters are `<field>__range__gte` and
    `<field>__range__lte`, which the dashboard's links use)."""
    return (field, DateRangeFilterBuilder(title=title))
