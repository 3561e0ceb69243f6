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
map does not name for it raises `actor_code` (403). Nothing else in the code base assigns a
status: a test reads the source to keep it so.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext as _

from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError

ANYONE = frozenset()  # an edge with no actors named: whoever the service acts for


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

    def __repr__(self):
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

    def check(self, source: str, target: str, *, actor: str | None = None) -> None:
        actors = self.edges.get((source, target))
        moved = {"name": self.name, "source": source, "target": target}
        vowel = self.name[0] in "aeiou"
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
        source = getattr(instance, self.field)
        self.check(source, target, actor=actor)
        setattr(instance, self.field, self.states(target))
        return source
