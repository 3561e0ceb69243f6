"""Migrations that hold only what the database holds (docs/conventions.md, "Migrations").

A field's `verbose_name`, `help_text` and `choices`, and a model's `verbose_name` and
`verbose_name_plural`, change no column: they are the admin's and the API's words, read from
the models at run time. Django's autodetector writes them into migrations all the same, so
that every relabelling became a migration replayed for every new database. As NetBox does,
this project leaves them out: `makemigrations` and `migrate` (common/management/commands/)
compare the migrations' state with the models' without them, and write new migrations
without them.
"""

from typing import Any

from django.db import models
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.state import ModelState, ProjectState
from django.utils.module_loading import import_string

FIELD_LABELS = frozenset({"verbose_name", "help_text", "choices"})
MODEL_LABELS = frozenset({"verbose_name", "verbose_name_plural"})


def field_without_labels(field: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """An unbound copy of `field`, as a migration would make it, without its labels."""
    _name, path, args, kwargs = field.deconstruct()
    kept = {key: value for key, value in kwargs.items() if key not in FIELD_LABELS}
    field_class: type[models.Field[Any, Any]] = import_string(path)
    return field_class(*args, **kept)


def state_without_labels(state: ProjectState) -> ProjectState:
    """`state` with no label on any model or field."""
    bare = ProjectState(real_apps=state.real_apps)
    for model in state.models.values():
        bare.add_model(
            ModelState(
                model.app_label,
                model.name,
                [(name, field_without_labels(field)) for name, field in model.fields.items()],
                {key: value for key, value in model.options.items() if key not in MODEL_LABELS},
                model.bases,
                model.managers,
            )
        )
    return bare


class LabelFreeAutodetector(MigrationAutodetector):
    """Django's autodetector on both states without their labels: a label changed alone
    makes no migration, and a new model's or field's operation carries none."""

    def __init__(self, from_state: ProjectState, to_state: ProjectState, questioner: Any = None):
        super().__init__(
            state_without_labels(from_state), state_without_labels(to_state), questioner
        )
