"""Who sells: the legal entity behind a showroom's sales, as payments' fiscal receipts name
it (docs/showrooms.md, "Documents"). The documents app keeps the legal entities and decides
which one sells from a showroom; common imports no app (docs/architecture.md), so the
documents app provides the lookup when it is ready (`sellers_provide`) and payments asks
through `seller_of`."""

from collections.abc import Callable
from dataclasses import dataclass

from common.types import Id


@dataclass(frozen=True)
class Seller:
    """A legal entity as a fiscal receipt states it (54-FZ): its name, INN and address."""

    name: str
    inn: str
    address: str


SellerOf = Callable[[Id | None], Seller | None]
_seller_of: SellerOf | None = None


def sellers_provide(seller_of: SellerOf) -> None:
    global _seller_of
    _seller_of = seller_of


def seller_of(showroom_id: Id | None) -> Seller | None:
    """The legal entity that sells from the showroom (None: the group's default one); None
    when there is none, or before the documents app is ready."""
    return _seller_of(showroom_id) if _seller_of is not None else None
