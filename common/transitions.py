"""One declarative transition map per stateful model, and the one place that moves a status
(docs/state-machines.md).

Each app declares its maps in its `choices.py` as data:

    ORDER_TRANSITIONS = TransitionMap(
        "order",
        OrderStatus,
        {(OrderStatus.PENDING, OrderStatus.PAID): {Actor.SYSTEM}, ...},
        code=OrderErrorCode.INVALID_TRANSITION,
    )

and its services change a status only with `ORDER_TRANSITIONS.apply(order, target, ...)`,
inside the transaction that holds the row's lock and writes the history and the event. A
move the map does not list raises the map's error code (409); a listed move by an actor the
map does not name for it raises `actor_code` (403).

The model declares its status as a `StatusField` naming the map:

    status = StatusField(_("status"), transitions=ORDER_TRANSITIONS, max_length=16, ...)

Its value is set when the row is made or loaded; after that, assigning it anywhere but in
`apply` raises `StatusAssignmentRefused`. (`QuerySet.update()` writes no instance: a test
reads the source to keep status out of it.)
"""

import sys
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.expressions import Combinable
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode

ANYONE: frozenset[str] = frozenset()  # an edge with no actors named: whoever the service acts for


class TransitionMap:
    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        edges: Mapping[tuple[str, str], Iterable[str]],
        *,
        code: StrEnum = CommonErrorCode.INVALID_TRANSITION,
        actor_code: StrEnum | None = None,
        field: str = "status",
    ):
        unknown = {state for edge in edges for state in edge} - set(states.values)
        if unknown:
            raise ValueError(f"The {name} map names states that do not exist: {unknown}")
        self.name = name
        self.states = states
        self.edges = {edge: frozenset(actors) for edge, actors in edges.items()}
        self.code = code
        self.actor_code = actor_code
        self.field = field

    def __repr__(self) -> str:
        return f"TransitionMap({self.name!r}, {len(self.edges)} edges)"

    def allows(self, source: str, target: str, actor: str | None = None) -> bool:
        actors = self.edges.get((source, target))
        if actors is None:
            return False
        return not actors or actor in actors

    def sources(self, target: str) -> frozenset[str]:
        """The states from which `target` can be reached."""
        return frozenset(source for source, to in self.edges if to == target)

    def targets(self, source: str) -> frozenset[str]:
        return frozenset(to for origin, to in self.edges if origin == source)

    def label(self, state: str) -> str:
        """A state as a reader reads it in a sentence: its label in the active language."""
        return str(dict(self.states.choices).get(state, state)).lower()

    def check(self, source: str, target: str, *, actor: str | None = None) -> None:
        actors = self.edges.get((source, target))
        moved = {
            "name": _(self.name),  # the record's noun, as its app's catalogue says it
            "source": self.label(source),
            "target": self.label(target),
        }
        vowel = self.name[0] in "aeiou"
        if actors is None and source == target:
            raise ApplicationError(
                _("Nothing to change: it is %(state)s already.") % {"state": moved["target"]},
                code=self.code,
                status=409,
                details={"from": source, "to": target},
            )
        if actors is None:
            raise ApplicationError(
                (
                    _("An %(name)s cannot go from %(source)s to %(target)s.")
                    if vowel
                    else _("A %(name)s cannot go from %(source)s to %(target)s.")
                )
                % moved,
                code=self.code,
                status=409,
                details={"from": source, "to": target},
            )
        if actors and actor not in actors:
            raise ApplicationError(
                (
                    _("You may not move an %(name)s from %(source)s to %(target)s.")
                    if vowel
                    else _("You may not move a %(name)s from %(source)s to %(target)s.")
                )
                % moved,
                code=self.actor_code or self.code,
                status=403,
                details={"from": source, "to": target},
            )

    def apply(self, instance: models.Model, target: str, *, actor: str | None = None) -> str:
        """Move `instance` to `target` in memory, if the map allows it; the caller saves it
        in the same transaction as its history and event. Returns the state it left."""
        source: str = getattr(instance, self.field)
        self.check(source, target, actor=actor)
        moving = _moving.set(instance)
        try:
            setattr(instance, self.field, self.states(target))
        finally:
            _moving.reset(moving)
        return source


# The instance whose status `TransitionMap.apply` is moving, in this thread or task.
_moving: ContextVar[models.Model | None] = ContextVar("status_moving", default=None)
# Django's own reload sets every field through its descriptor.
_REFRESH = models.Model.refresh_from_db.__code__


class StatusAssignmentRefused(AttributeError):
    """A status assigned outside its transition map: a programming error, never a client's."""


class _StatusDescriptor(DeferredAttribute):
    """A status's value on the instance: set freely while the row is made (until its first
    save) or loaded (or reloaded by `refresh_from_db`), and afterwards only by the map's
    `apply`."""

    field: "StatusField"

    def __set__(self, instance: models.Model, value: str) -> None:
        name = self.field.attname
        if (
            name in instance.__dict__
            and not instance._state.adding  # a row being made takes any status
            and instance.__dict__[name] != value
            and _moving.get() is not instance
            and sys._getframe(1).f_code is not _REFRESH
        ):
            model = type(instance).__name__
            raise StatusAssignmentRefused(
                f"{model}.{name} changes only through {self.field.transitions!r}.apply"
            )
        instance.__dict__[name] = value


# Django's fields are generic only to the type checker (django-stubs): set as a CharField,
# read as a str.
if TYPE_CHECKING:
    _CharField = models.CharField[str | int | Combinable, str]
else:
    _CharField = models.CharField


class StatusField(_CharField):
    """A model's status, moved only by its transition map (`transitions`), whose states are
    its choices. In migrations it is the plain CharField it stores as."""

    descriptor_class = _StatusDescriptor

    def __init__(self, *args: Any, transitions: TransitionMap, **kwargs: Any) -> None:
        self.transitions = transitions
        kwargs.setdefault("choices", transitions.states.choices)
        super().__init__(*args, **kwargs)

    def save_form_data(self, instance: models.Model, data: str) -> None:
        """A form (the admin's) moves a saved row's status through the map too; the service
        that saves the form applies it again, to the row it has locked."""
        if instance._state.adding or getattr(instance, self.attname) == data:
            super().save_form_data(instance, data)
        else:
            self.transitions.apply(instance, data)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def clone(self) -> "StatusField":
        _name, _path, args, kwargs = self.deconstruct()
        field: type[StatusField] = type(self)  # not type[Self]: django-stubs' plugin fails on it
        return field(*args, transitions=self.transitions, **kwargs)
