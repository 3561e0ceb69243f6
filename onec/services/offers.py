"""`offers.xml`, and CommerceML 2.10's `prices.xml` and `rests.xml`, applied (docs/1c.md,
"Prices and stock"): the retail price type's price and each warehouse's stock, a warehouse
standing for its showroom. A good's characteristics are one product: their stock is summed per
warehouse and the lowest of their prices taken. The whole file is checked before anything is
applied: a warehouse the site does not know, a negative stock or a price that is not a number
refuses it whole."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db import transaction

from catalog.services import exchange as catalog_exchange
from common.db.transactions import update_rows
from onec.choices import GoodKind, Outcome
from onec.commerceml import Offer, PriceType, Warehouse
from onec.models import ExchangeAccount, Good, PriceTypeMapping, WarehouseMapping
from onec.services.goods import Counts
from onec.xml import FileRefused
from service.services import parts_exchange

DB = "onec"


@dataclass
class OffersMap:
    """Warehouse Ид → showroom, and the Ид of the retail price type, as declared so far."""

    warehouses: dict[str, UUID]
    retail: set[str]
    # A warehouse the file declared that no mapping names: its name, for the refusal.
    unmapped: dict[str, str]


def offers_map() -> OffersMap:
    return OffersMap(
        warehouses={
            row.onec_id: row.showroom_id
            for row in WarehouseMapping.objects.using(DB).exclude(onec_id="")
        },
        retail={row.onec_id for row in PriceTypeMapping.objects.using(DB).exclude(onec_id="")},
        unmapped={},
    )


def declared(item: Warehouse | PriceType, mapping: OffersMap, *, save: bool) -> None:
    """A warehouse or price type the file declares, matched to its mapping by 1C's id or, the
    first time, by name; with `save`, the mapping learns the id."""
    model = WarehouseMapping if isinstance(item, Warehouse) else PriceTypeMapping
    row = (
        model.objects.using(DB).filter(onec_id=item.onec_id).first()
        or model.objects.using(DB).filter(name__iexact=item.name, onec_id="").first()
    )
    if row is None:
        if isinstance(item, Warehouse):
            mapping.unmapped[item.onec_id] = item.name
        return
    if save and row.onec_id != item.onec_id:
        row.onec_id = item.onec_id
        row.save(using=DB, update_fields=["onec_id", "updated_at"])
    if isinstance(row, WarehouseMapping):
        mapping.warehouses[item.onec_id] = row.showroom_id
    else:
        mapping.retail.add(item.onec_id)


def offer_check(offer: Offer, mapping: OffersMap) -> None:
    """Refuse the whole file for an offer that could not be applied as it says."""
    for warehouse_id, units in (offer.stock or {}).items():
        if units < 0:
            raise FileRefused(f"Предложение {offer.good_id}: отрицательный остаток {units}.")
        if warehouse_id and warehouse_id not in mapping.warehouses:
            name = mapping.unmapped.get(warehouse_id)
            raise FileRefused(
                f"Склад «{name}» ({warehouse_id}) не сопоставлен с салоном: сопоставьте его в "
                "админке (Склады 1С)."
                if name
                else f"Предложение {offer.good_id}: неизвестный склад {warehouse_id}."
            )
    if offer.quantity is not None and offer.quantity < 0 and offer.stock is None:
        raise FileRefused(f"Предложение {offer.good_id}: отрицательное количество.")
    if any(price < 0 for price in offer.prices.values()):
        raise FileRefused(f"Предложение {offer.good_id}: цена меньше нуля.")
    if offer.prices and not mapping.retail:
        raise FileRefused(
            "Ни один тип цен файла не сопоставлен с розничной ценой сайта: сопоставьте его в "
            "админке (Розничные типы цен 1С)."
        )


@dataclass(frozen=True)
class _Summary:
    """A good's offers taken together."""

    price: Decimal | None
    stock: dict[UUID, Decimal] | None


def _summary(offers: list[Offer], mapping: OffersMap) -> _Summary:
    prices = [
        price
        for offer in offers
        for type_id, price in offer.prices.items()
        if type_id in mapping.retail
    ]
    stock: dict[UUID, Decimal] | None = None
    only_one = (
        next(iter(set(mapping.warehouses.values())))
        if len(set(mapping.warehouses.values())) == 1
        else None
    )
    for offer in offers:
        said = offer.stock
        if said is None and offer.quantity is not None and only_one is not None:
            said = {"": offer.quantity}
        for warehouse_id, units in (said or {}).items():
            showroom = mapping.warehouses.get(warehouse_id) if warehouse_id else only_one
            if showroom is None:
                continue
            stock = stock if stock is not None else {}
            stock[showroom] = stock.get(showroom, Decimal("0")) + units
    return _Summary(min(prices) if prices else None, stock)


def _digest(summary: _Summary) -> str:
    value = [
        summary.price,
        sorted((str(k), v) for k, v in (summary.stock or {}).items()),
        summary.stock is None,
    ]
    return hashlib.md5(json.dumps(value, default=str).encode()).hexdigest()


def offers_apply(
    offers: Iterable[Offer], mapping: OffersMap, account: ExchangeAccount, counts: Counts
) -> None:
    """One batch of offers, the offers of each good together."""
    by_good: dict[str, list[Offer]] = {}
    for offer in offers:
        by_good.setdefault(offer.good_id, []).append(offer)
    goods = Good.objects.using(DB).in_bulk(list(by_good))
    products, parts, applied = [], [], []
    for good_id, its_offers in by_good.items():
        good = goods.get(good_id)
        if good is None:
            counts.refuse(good_id, its_offers[0].name, "Товара нет на сайте: сначала import.xml.")
            continue
        summary = _summary(its_offers, mapping)
        digest = _digest(summary)
        if digest == good.offer_digest:
            counts.add(Outcome.UNCHANGED)
            continue
        good.offer_digest, good.priced = digest, good.priced or summary.price is not None
        applied.append(good)
        if good.kind == GoodKind.PART and good.part_id:
            parts.append(parts_exchange.PartOfferRow(good.part_id, summary.price, summary.stock))
        elif good.product_id:
            units = None
            if summary.stock is not None:
                units = {showroom: int(value) for showroom, value in summary.stock.items()}
            products.append(
                catalog_exchange.OfferRow(
                    good.product_id, summary.price, units, activate=summary.price is not None
                )
            )
    done = catalog_exchange.offers_apply(rows=products, actor_id=account.pk) if products else None
    parts_done = parts_exchange.parts_offers_apply(parts) if parts else None
    saved = []
    for good in applied:
        outcomes = parts_done if good.kind == GoodKind.PART else done
        record = good.part_id if good.kind == GoodKind.PART else good.product_id
        assert outcomes is not None and record is not None
        if record in outcomes.refused:
            counts.refuse(good.onec_id, good.name, outcomes.refused[record])
            continue
        counts.add(outcomes.done[record])
        saved.append(good)
    with transaction.atomic(using=DB):
        update_rows(saved, ["offer_digest", "priced"], using=DB)
