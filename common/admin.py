"""Admin building blocks shared by the domain apps."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.exceptions import ApplicationError


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


def service_action(apply, *, description: str, done: str):
    """An admin action that calls `apply(request, obj)` (a service) for each selected row;
    an `ApplicationError` is that row's error message and the other rows still go on."""

    def action(modeladmin, request, queryset):
        succeeded = 0
        for obj in queryset:
            try:
                apply(request, obj)
            except ApplicationError as exc:
                modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)

    action.__name__ = done.lower().replace(" ", "_")
    return admin.action(description=description, permissions=["view"])(action)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with each change, in its history and its event.",
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
                modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            items = model_ngettext(queryset, succeeded)
            modeladmin.message_user(request, f"{done}: {succeeded} {items}.", messages.SUCCESS)
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


def money(amount, currency: str = "") -> str:
    """`1 250 000,00 ₽` in Russian, `1,250,000.00 RUB` in English: grouped, two decimals."""
    if amount is None:
        return "—"
    figure = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    if currency == "RUB" and get_language() == "ru":
        return f"{figure}\u00a0₽"
    return f"{figure}\u00a0{currency}".strip()


def short_datetime(moment) -> str:
    """A date and time in the user's language, as short as it reads."""
    moment = localtime(moment)
    return f"{date_format(moment, 'SHORT_DATE_FORMAT')} {date_format(moment, 'H:i')}"


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
        moment = localtime(obj.created_at)
        return format_html(
            '<span title="{}">{}</span>',
            short_datetime(moment),
            date_format(moment, "SHORT_DATE_FORMAT"),
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
