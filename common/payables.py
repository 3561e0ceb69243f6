"""The payables other apps own (a policy's premium, a seat at a paid event), as payments may
ask their owners of them (docs/deal.md, "Payables").

Payments learns of each from its owner's event. A buyer who pays as soon as the purchase
answers may get there before the event: payments then asks the owner what it would have
reported, and notes it as the event would have, so that nothing that exists is a 404. The
answer is the owner's event payload of the record as it stands now (or None: no such
record); payments reads it as it reads the event's.

Common imports no app: each owner hands its lookup over when it is ready
(`payable_owner_provide`, in its AppConfig.ready), as accounts hands over the people
directory (common/admin/people.py)."""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

PayableReport = Mapping[str, Any]  # what the owner's event says of the payable
_owners: dict[str, Callable[[str], PayableReport | None]] = {}


def payable_owner_provide(kind: str, report: Callable[[str], PayableReport | None]) -> None:
    """`kind` is payments' payable kind (`policy`, `registration`)."""
    _owners[kind] = report


def payable_report(kind: str, payable_id: object) -> PayableReport | None:
    """What the owner of a payable of `kind` would report of it now; None when there is no
    such record, or no owner of that kind."""
    lookup = _owners.get(kind)
    return None if lookup is None else lookup(str(payable_id))


# What an order has received, as payments' ledger says now (docs/deal.md, "Never paid past
# the total"): financing checks a loan against it before the loan may pay the order. Payments
# hands its selector over when it is ready, as the owners above hand theirs.
_received: list[Callable[[str], Decimal]] = []


def order_received_provide(lookup: Callable[[str], Decimal]) -> None:
    _received[:] = [lookup]


def order_received(order_id: object) -> Decimal:
    """What the order has received of verified money; a process without payments (none in
    this project) knows of nothing received."""
    if not _received:
        raise LookupError("payments has not handed over what orders received")
    return _received[0](str(order_id))
