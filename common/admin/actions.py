"""The admin's actions and the mixins of a ModelAdmin: rows changed through the app's services,
a reason asked for where one is due, four eyes shown (docs/admin.md)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from common.api.exceptions import ApplicationError
from common.formatting import count_of, money
from common.showrooms import in_scope, visible_to
from common.types import Actor

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


class ShowroomScopedAdminMixin(admin.ModelAdmin[_ModelT]):
    """A ModelAdmin of records that belong to a showroom: a showroom's manager lists, opens
    and acts on those of their showrooms only, as the API lets them (common.showrooms;
    docs/showrooms.md, "Staff per showroom"). `showroom_field` names the record's showroom,
    `owner_field` its client."""

    showroom_field = "showroom_id"
    owner_field: str | None = "customer_id"  # None: records nobody owns

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        records = self.with_showroom(super().get_queryset(request))
        user = cast(Actor, request.user)
        return visible_to(user, records, owner=self.owner_field, showroom=self.showroom_field)

    def with_showroom(self, records: QuerySet[_ModelT]) -> QuerySet[_ModelT]:
        """`records` with what `showroom_field` names: a field of the model's by default, an
        annotation where the showroom is another row's."""
        return records


class GroupChangesAdminMixin(admin.ModelAdmin[_ModelT]):
    """Records of the whole group (a showroom's details, a legal entity): a showroom's staff
    read them, the group's staff (its manager, the admins) alone add, change and delete them
    (docs/showrooms.md, "Staff per showroom")."""

    def _group_staff(self, request: HttpRequest) -> bool:
        return in_scope(cast(Actor, request.user), None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._group_staff(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return self._group_staff(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return self._group_staff(request) and super().has_delete_permission(request, obj)


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
