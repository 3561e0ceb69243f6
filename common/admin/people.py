"""The people behind other apps' records, in their admins: a row holds only a user's id (the
user lives in the accounts database), and managers want a name and a phone, linked to the
client's CRM record (docs/admin.md, "People").

A ModelAdmin declares `people_fields = {"customer_id": _("customer")}`: each field gets a
list column and a read-only field (`<field>_person`) showing the name and phone, loaded for the
whole page in one query; and `search_fields` may name `people_search_fields` to find rows by
the person's name, e-mail or phone.

The people come from the app that owns them, which hands its selectors over when it is ready
(`people_directory_provide`, called by accounts): common imports no app (docs/architecture.md)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

_ModelT = TypeVar("_ModelT", bound=models.Model)


class PersonCard(Protocol):
    """What the admins show of a person (accounts' UserCard)."""

    @property
    def id(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def full_name(self) -> str: ...

    @property
    def phone(self) -> str: ...


class PeopleDirectory(Protocol):
    def user_cards(self, *, user_ids: Iterable[UUID | str | None]) -> Mapping[str, PersonCard]:
        """The cards of these users, by id as a string; none for one since erased."""

    def user_ids_matching(self, *, term: str) -> Sequence[UUID]: ...


_directory: PeopleDirectory | None = None


def people_directory_provide(directory: PeopleDirectory) -> None:
    global _directory
    _directory = directory


def _people() -> PeopleDirectory:
    if _directory is None:
        raise ImproperlyConfigured("No app provides the people directory (accounts does).")
    return _directory


# The CRM's client list, filtered to one account: linked by its admin URL name, since common
# imports no app.
CRM_CLIENTS_URL_NAME = "admin:crm_client_changelist"


def _person(card: PersonCard | None, user_id: UUID | str) -> str:
    """The person's name linked to their CRM record, then their phone and e-mail."""
    if card is None:  # an account since erased
        return format_html('<span class="short-id" title="{}">{}</span>', user_id, str(user_id)[:8])
    crm = f"{reverse(CRM_CLIENTS_URL_NAME)}?{urlencode({'user_id': card.id})}"
    details = format_html_join(
        "",
        '<br><span class="person-detail">{}</span>',
        ((v,) for v in (card.phone, card.email) if v),
    )
    return format_html(
        '<a href="{}" title="{}">{}</a>{}',
        crm,
        _("CRM record"),
        card.full_name or card.email,
        details,
    )


def person_shown(user_id: UUID | str | None) -> str:
    """One person, as the admins show them: for a field outside a `PeopleMixin` list (an
    inline's row)."""
    if user_id is None:
        return "—"
    return _person(_people().user_cards(user_ids=[user_id]).get(str(user_id)), user_id)


# The attribute of a record on a list's page that holds the cards of the page's people.
_PAGE_PEOPLE = "_people"


class PeopleMixin(admin.ModelAdmin[_ModelT]):
    people_fields: dict[str, StrOrPromise] = {}
    people_search_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for field, title in cls.people_fields.items():
            setattr(cls, f"{field}_person", cls._person_column(field, title))

    @staticmethod
    def _person_column(field: str, title: StrOrPromise) -> Callable[[object, models.Model], str]:
        @admin.display(description=title, ordering=field)
        def column(self: object, obj: models.Model) -> str:
            cards: Mapping[str, PersonCard] | None = getattr(obj, _PAGE_PEOPLE, None)
            if cards is None:  # a record's own page: one lookup
                cards = _people().user_cards(user_ids=[getattr(obj, field)])
            value = getattr(obj, field)
            return "—" if value is None else _person(cards.get(str(value)), value)

        return column

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        """The list's page, with the cards of its people loaded in one query (after the
        page's own)."""
        changelist = super().get_changelist_instance(request)
        fields = list(self.people_fields)
        ids = [getattr(obj, field) for obj in changelist.result_list for field in fields]
        cards = _people().user_cards(user_ids=ids)
        for obj in changelist.result_list:
            setattr(obj, _PAGE_PEOPLE, cards)
        return changelist

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[_ModelT], search_term: str
    ) -> tuple[QuerySet[_ModelT], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.people_search_fields:
            user_ids = _people().user_ids_matching(term=search_term)
            if user_ids:
                by_person = Q()
                for field in self.people_search_fields:
                    by_person |= Q(**{f"{field}__in": user_ids})
                found |= queryset.filter(by_person)
        return found, may_have_duplicates
