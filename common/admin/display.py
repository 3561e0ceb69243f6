"""What managers read in the admin's lists and pages: short ids, money, links and read-only
inlines (docs/admin.md)."""

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar
from uuid import UUID

from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from common.admin.people import person_shown
from common.formatting import local_date, local_datetime, money
from common.models import TimestampedModel

_ModelT = TypeVar("_ModelT", bound=models.Model)
_F = TypeVar("_F", bound=Callable[..., object])


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
