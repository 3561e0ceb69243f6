"""Four eyes on decisions that move money (docs/deal.md, "Who decides"): nobody decides their
own record, and an approval above a configured amount takes two different staff members.
The first approval is recorded and the record waits; the second, by someone else, decides.
A rejection decides at once: saying no needs no second opinion.

A service calls `decision_take` under its record's row lock, with the decisions recorded so
far, and acts only when it answers True; it then stores the `DecisionBase` row it is given."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypedDict
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError
from common.models import DecisionBase


class DecisionMaker(Protocol):
    """A staff member deciding: a user (accounts' own model), known here by id alone."""

    @property
    def pk(self) -> UUID: ...


class DecisionFields(TypedDict):
    """The `DecisionBase` row's own fields."""

    decided_by_id: UUID
    decision: str
    reason: str
    amount: Decimal
    final: bool


@dataclass(frozen=True)
class Ruling:
    """What a decision does: `final` decides the record; otherwise it is a first approval."""

    final: bool
    fields: DecisionFields


def own_record_refused(what: str | Promise) -> ApplicationError:
    return ApplicationError(
        _("Nobody decides their own %(what)s: another staff member must.") % {"what": what},
        code=CommonErrorCode.OWN_RECORD,
        status=403,
    )


def decision_take(
    *,
    what: str | Promise,
    owner_id: UUID,
    user: DecisionMaker,
    decision: str,
    approve: bool,
    reason: str,
    amount: Decimal,
    threshold: Decimal,
    earlier: Iterable[DecisionBase],
) -> Ruling:
    """Rule on `user`'s `decision` about a record of `owner_id` worth `amount`: refused (403)
    if it is their own record, or a second approval by the first approver; a first approval
    when it approves above `threshold` and nobody else has yet (`earlier`: the record's
    decisions so far, oldest first); final otherwise."""
    if user.pk == owner_id:
        raise own_record_refused(what)
    fields: DecisionFields = {
        "decided_by_id": user.pk,
        "decision": decision,
        "reason": reason,
        "amount": amount,
        "final": True,
    }
    if not approve or amount <= threshold:
        return Ruling(final=True, fields=fields)
    approvers = {row.decided_by_id for row in earlier if row.decision == decision}
    if user.pk in approvers:
        raise ApplicationError(
            _(
                "An approval of more than %(threshold)s needs a second staff member; you "
                "approved this already."
            )
            % {"threshold": threshold},
            code=CommonErrorCode.SECOND_APPROVER_REQUIRED,
            status=403,
        )
    final = bool(approvers)
    return Ruling(final=final, fields={**fields, "final": final})
