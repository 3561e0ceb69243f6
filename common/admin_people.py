"""The people behind other apps' records, in their admins: a row holds only a user's id (the
user lives in the accounts database), and managers want a name and a phone, linked to the
client's CRM record (docs/admin.md, "People").

A ModelAdmin declares `people_fields = {"customer_id": _("customer")}`: each field gets a
list column and a read-only field (`<field>_person`) showing the name and phone, loaded for the
whole page in one query; and `search_fields` may name `people_search_fields` to find rows by
the person's name, e-mail or phone.

The people come from the app that owns them, which hands its selectors over when it is ready
(`people_directory_provide`, called by accounts): common imports no app (docs/architecture.md)."""

from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class PeopleDirectory(Protocol):
    def user_cards(self, *, user_ids: Iterable) -> dict[str, Any]: ...

    def user_ids_matching(self, *, term: str) -> list: ...


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


def _person(card, user_id):
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


class PeopleMixin:
    people_fields: dict[str, str] = {}
    people_search_fields: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for field, title in cls.people_fields.items():
            setattr(cls, f"{field}_person", cls._person_column(field, title))

    @staticmethod
    def _person_column(field, title):
        @admin.display(description=title, ordering=field)
        def column(self, obj):
            cards = getattr(obj, "_people", None)
            if cards is None:  # a record's own page: one lookup
                cards = _people().user_cards(user_ids=[getattr(obj, field)])
            value = getattr(obj, field)
            return "—" if value is None else _person(cards.get(str(value)), value)

        return column

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        fields = list(self.people_fields)

        class PeopleChangeList(base):
            def get_results(self, request):
                super().get_results(request)
                ids = [getattr(obj, field) for obj in self.result_list for field in fields]
                cards = _people().user_cards(user_ids=ids)
                for obj in self.result_list:
                    obj._people = cards

        return PeopleChangeList

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.people_search_fields:
            user_ids = _people().user_ids_matching(term=search_term)
            if user_ids:
                by_person = Q()
                for field in self.people_search_fields:
                    by_person |= Q(**{f"{field}__in": user_ids})
                found |= queryset.filter(by_person)
        return found, may_have_duplicates
