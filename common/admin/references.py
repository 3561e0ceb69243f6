"""Another app's records in an admin that may not import it (docs/architecture.md, "The
map"): the owner hands over, when it is ready, a function listing them for a form's choice
(`reference_choices_provide`: a showroom's legal entity, documents') or naming them for a
list (`reference_labels_provide`: an order by its number, for payments', loans' and
policies' lists, `OrderLinksMixin`)."""

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.http import HttpRequest

from common.admin.display import admin_link, short_id

_providers: dict[str, Callable[[], list[tuple[str, str]]]] = {}
_labels: dict[str, Callable[..., dict[str, str]]] = {}


def reference_choices_provide(name: str, choices: Callable[[], list[tuple[str, str]]]) -> None:
    _providers[name] = choices


def reference_field(name: str, db_field: models.Field[Any, Any]) -> forms.Field | None:
    """A select of the records `name` lists (their id and label), for a UUID field that holds
    one; a plain UUID input while no app provides them."""
    provider = _providers.get(name)
    if provider is None:
        return db_field.formfield()
    return forms.TypedChoiceField(
        choices=[("", "—"), *provider()],
        coerce=uuid.UUID,
        empty_value=None,
        required=not db_field.blank,
        label=db_field.verbose_name,
        help_text=db_field.help_text,
    )


def reference_labels_provide(name: str, labels: Callable[..., dict[str, str]]) -> None:
    """`labels(ids=[...])` answers {id as a string: what a person reads}."""
    _labels[name] = labels


def _labels_of(name: str, ids: Iterable[Any]) -> dict[str, str]:
    provider = _labels.get(name)
    wanted = [value for value in ids if value]
    return provider(ids=wanted) if provider and wanted else {}


# The orders' admin page, by its URL name (common imports no app).
ORDER_PAGE = "admin:orders_order_change"
_PAGE_LABELS = "_order_labels"


class OrderLinksMixin(admin.ModelAdmin[Any]):
    """For an admin whose rows name an order (`order_of(row)`: `order_id` by default): the
    order by its number, linked to its page; a list reads its page's numbers in one query."""

    def order_of(self, row: models.Model) -> Any:
        return getattr(row, "order_id", None)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        labels = _labels_of("order", (self.order_of(row) for row in changelist.result_list))
        for row in changelist.result_list:
            setattr(row, _PAGE_LABELS, labels)
        return changelist

    def order_link(self, row: models.Model) -> str:
        """The row's order by its number, linked; the id's beginning for one gone."""
        order_id = self.order_of(row)
        if order_id is None:
            return "—"
        labels = getattr(row, _PAGE_LABELS, None)
        if labels is None:  # a record's own page
            labels = _labels_of("order", [order_id])
        return admin_link(ORDER_PAGE, order_id, labels.get(str(order_id)) or short_id(order_id))
