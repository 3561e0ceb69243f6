"""A choice of another app's records in an admin form, where the app that shows the form sits
below the app that owns them (docs/architecture.md, "The map"): the owner hands over a function
listing them when it is ready (`reference_choices_provide`), and the form asks for them by
name. A showroom's legal entity (documents') is chosen so in the showroom's admin."""

import uuid
from collections.abc import Callable

from django import forms
from django.db import models

_providers: dict[str, Callable[[], list[tuple[str, str]]]] = {}


def reference_choices_provide(name: str, choices: Callable[[], list[tuple[str, str]]]) -> None:
    _providers[name] = choices


def reference_field(name: str, db_field: models.Field) -> forms.Field:
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
