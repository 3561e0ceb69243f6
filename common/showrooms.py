"""Whose records a member of staff sees: a showroom's managers those of their showrooms, the
group's managers and the admins every showroom's (docs/showrooms.md, "Staff per showroom").

A record that belongs to a showroom carries its id (`showroom_id`: the showroom lives in the
showroom database, the record in its own); a selector that lists records for a user narrows
them with `visible_to`, the one place the rule is written. The showrooms' names, which the
accounts admin offers a manager, come from the showroom app when it is ready
(`showroom_names_provide`): common imports no app (docs/architecture.md)."""

from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
from common.types import Actor

_ModelT = TypeVar("_ModelT", bound=Model)


def showroom_scope(user: Actor) -> list[UUID] | None:
    """The showrooms whose records `user`, a member of staff, sees and acts on; None for every
    showroom's: an admin's, and the group's manager's, who holds the explicit grant
    (`whole_group`). A manager with neither sees no showroom's: forgetting a tick grants
    nothing."""
    if user.is_superuser or user.whole_group:
        return None
    return list(user.showroom_ids)


def in_scope(user: Actor, showroom_id: object) -> bool:
    """Whether `user`, a member of staff, acts on the records of `showroom_id` (None: the
    group's own, which only the group's staff act on)."""
    scope = showroom_scope(user)
    return scope is None or (showroom_id is not None and str(showroom_id) in map(str, scope))


def scope_check(user: Actor, showroom_id: object) -> None:
    """The rule where records change (a service's first step): staff of another showroom
    are refused, and nothing is written."""
    if not in_scope(user, showroom_id):
        raise ApplicationError(
            _("This belongs to another showroom: its own staff or the group's manager act on it."),
            code=CommonErrorCode.OUTSIDE_YOUR_SHOWROOMS,
            status=403,
        )


def visible_to(
    user: Actor,
    records: QuerySet[_ModelT],
    *,
    owner: str | None = "customer_id",
    showroom: str = "showroom_id",
) -> QuerySet[_ModelT]:
    """`records` as `user` may see them: their own (`owner` names the field that holds the
    client's id; None for records nobody owns, a showroom's resources), and for staff those
    of their showrooms too. A record of no showroom (an order of accessories alone) is the
    group's: a showroom's manager does not see it."""
    own = Q(**{owner: user.pk}) if owner else Q(pk__in=[])
    if not user.is_staff:
        return records.filter(own)
    scope = showroom_scope(user)
    if scope is None:
        return records
    return records.filter(own | Q(**{f"{showroom}__in": scope}))


def may_see(user: Actor, *, owner_id: object, showroom_id: object) -> bool:
    """`visible_to`'s rule for one record already read (a cached rendering): its owner, or
    staff of its showroom."""
    if str(owner_id) == str(user.pk):
        return True
    if not user.is_staff:
        return False
    return in_scope(user, showroom_id)


ShowroomNames = Callable[[], Sequence[tuple[UUID, str]]]
_names: ShowroomNames | None = None


def showroom_names_provide(names: ShowroomNames) -> None:
    global _names
    _names = names


def showroom_names() -> Sequence[tuple[UUID, str]]:
    """Every showroom's id and name, in the group's order; none before the showroom app is
    ready (a management command's early import)."""
    return _names() if _names is not None else ()
