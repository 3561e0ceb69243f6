"""Four eyes on decisions that move money (docs/deal.md, "Who decides"): nobody decides their
own record nor one they filed, and an approval that takes what a payment or policy moves
above a configured total takes two different staff members agreeing on its amount. The
first approval is recorded and the record waits; the second, by someone else and for the
same amount, decides. A rejection decides at once: saying no needs no second opinion.

A service calls `decision_take` under its record's row lock, with the decisions recorded so
far, and acts only when it answers True; it then stores the `DecisionBase` row it is given."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypedDict
from uuid import UUID

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.error_codes import CommonErrorCode
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
    total: Decimal | None = None,
    filed_by_id: UUID | None = None,
) -> Ruling:
    """Rule on `user`'s `decision` about a record of `owner_id` worth `amount`, filed by
    `filed_by_id`: refused (403) to the owner and to whoever filed it, and to the first
    approver approving again. An approval is a first one, which waits, when `total` (what
    the record's payment or policy moves with this decision: `amount` if not given) is
    above `threshold` and nobody else has approved this same amount yet (`earlier`: the
    record's decisions so far, oldest first). A second approver who names another amount
    starts the decision over: theirs is a first approval of that amount, so the final amount
    is always one that two people approved. Final otherwise."""
    if user.pk == owner_id or user.pk == filed_by_id:
        raise own_record_refused(what)
    fields: DecisionFields = {
        "decided_by_id": user.pk,
        "decision": decision,
        "reason": reason,
        "amount": amount,
        "final": True,
    }
    if not approve or (amount if total is None else total) <= threshold:
        return Ruling(final=True, fields=fields)
    approvers = {
        row.decided_by_id for row in earlier if row.decision == decision and row.amount == amount
    }
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
