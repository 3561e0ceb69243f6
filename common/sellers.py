"""Who sells: the legal entity behind a showroom's sales, as every surface of a sale names it
(docs/showrooms.md, "One seller"): the car's page and the checkout with their footers, the
e-mails, the papers, the fiscal receipts, and the city the insurance is priced in. The
documents app keeps the legal entities and decides which one sells from a showroom
(`documents.selectors.seller_of`); common imports no app (docs/architecture.md), so the
documents app provides the lookup when it is ready (`sellers_provide`) and payments, below
it, asks through `seller_of`."""

from collections.abc import Callable
from dataclasses import dataclass

from common.types import Id


@dataclass(frozen=True)
class Seller:
    """A legal entity as a sale states it: its name, INN and address (what a fiscal receipt
    states, 54-FZ), its OGRN, phone and e-mail (what a distance sale's pages state, the
    Consumer Protection Law, art. 26.1), and the city of the showroom it sells from there
    (empty for a sale of the group's own, of no showroom)."""

    name: str
    inn: str
    address: str
    ogrn: str = ""
    phone: str = ""
    email: str = ""
    city: str = ""


SellerOf = Callable[[Id | None], Seller | None]
_seller_of: SellerOf | None = None


def sellers_provide(seller_of: SellerOf) -> None:
    global _seller_of
    _seller_of = seller_of


def seller_of(showroom_id: Id | None) -> Seller | None:
    """The legal entity that sells from the showroom (None: the group's default one); None
    when there is none, or before the documents app is ready."""
    return _seller_of(showroom_id) if _seller_of is not None else None
