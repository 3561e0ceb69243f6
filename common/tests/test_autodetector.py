"""Migrations without labels (common/autodetector.py, docs/conventions.md "Migrations")."""

from django.db import models
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ModelState, ProjectState

from common.autodetector import LabelFreeAutodetector


def state(*, max_length=20, model_options=None, **labels) -> ProjectState:
    """A project of one model, `shop.Car`, whose `name` has `labels`."""
    project = ProjectState()
    project.add_model(
        ModelState(
            "shop",
            "Car",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=max_length, **labels)),
            ],
            model_options or {},
        )
    )
    return project


def operations(detector, before: ProjectState, after: ProjectState) -> list:
    # The questioner takes `shop`, which has no migrations folder, for a new app.
    questioner = MigrationQuestioner(specified_apps={"shop"})
    changes = detector(before, after, questioner).changes(graph=MigrationGraph())
    return [op for migration in changes.get("shop", []) for op in migration.operations]


def test_a_change_of_labels_alone_makes_no_migration():
    before = state(model_options={"verbose_name": "car"}, verbose_name="name")
    after = state(
        model_options={"verbose_name": "автомобиль", "verbose_name_plural": "автомобили"},
        verbose_name="название",
        help_text="Как в ПТС",
        choices=[("a", "A")],
    )

    assert operations(LabelFreeAutodetector, before, after) == []
    # Django's own would write two operations that change no column.
    stock = operations(MigrationAutodetector, before, after)
    assert {type(op).__name__ for op in stock} == {"AlterField", "AlterModelOptions"}


def test_a_change_of_a_column_still_makes_its_migration_without_labels():
    before = state(verbose_name="name")
    after = state(max_length=40, verbose_name="название")

    (altered,) = operations(LabelFreeAutodetector, before, after)

    assert type(altered).__name__ == "AlterField"
    assert altered.field.max_length == 40
    assert altered.field.verbose_name is None


def test_a_new_model_is_created_without_its_labels():
    after = state(model_options={"verbose_name": "автомобиль"}, help_text="Как в ПТС")

    (created,) = operations(LabelFreeAutodetector, ProjectState(), after)

    assert type(created).__name__ == "CreateModel"
    assert "verbose_name" not in created.options
    assert dict(created.fields)["name"].help_text == ""
