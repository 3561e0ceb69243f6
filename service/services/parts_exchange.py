"""What the exchange with 1C writes in the parts catalogue, a batch at a time (docs/1c.md):
parts created or renamed from 1C's goods, their prices and each showroom's stock. 1C's
quantity is what stands in the warehouse; what work orders have reserved of it stays reserved,
so a warehouse never holds less than its reservations (docs/service.md, "Parts")."""

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db import transaction

from common.db.transactions import update_rows
from service.models import Part, PartStock

DB = "service"
CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"


@dataclass(frozen=True)
class PartRow:
    id: UUID
    manufacturer: str
    number: str
    name: str


@dataclass(frozen=True)
class PartOfferRow:
    id: UUID
    price: Decimal | None
    stock: dict[UUID, Decimal] | None  # showroom → on hand


@dataclass
class PartOutcomes:
    done: dict[UUID, str] = field(default_factory=dict)
    refused: dict[UUID, str] = field(default_factory=dict)
    # A part already in the catalogue under its maker and number is that part: 1C's good's
    # id → the part's id.
    matched: dict[UUID, UUID] = field(default_factory=dict)


def parts_apply(rows: list[PartRow]) -> PartOutcomes:
    """Create or rename one batch of parts in one transaction: by id, or by maker and number
    for a part the catalogue had before 1C sent it."""
    outcomes = PartOutcomes()
    with transaction.atomic(using=DB):
        by_id = Part.objects.using(DB).select_for_update().in_bulk([row.id for row in rows])
        wanted = {(row.manufacturer, row.number) for row in rows}
        by_number = {
            (part.manufacturer, part.number): part
            for part in Part.objects.using(DB)
            .select_for_update()
            .filter(number__in={number for _maker, number in wanted})
            if (part.manufacturer, part.number) in wanted
        }
        new, changed = [], []
        for row in rows:
            if not row.number or not row.manufacturer:
                outcomes.refused[row.id] = "У запчасти нет артикула или производителя."
                continue
            part = by_id.get(row.id) or by_number.get((row.manufacturer, row.number))
            if part is None:
                part = Part(id=row.id, price=Decimal("0"))
                new.append(part)
                outcomes.done[row.id] = CREATED
            elif (part.manufacturer, part.number, part.name) == (
                row.manufacturer,
                row.number,
                row.name[:200],
            ):
                outcomes.done[part.pk] = UNCHANGED
            else:
                changed.append(part)
                outcomes.done[part.pk] = CHANGED
            if part.pk != row.id:
                outcomes.matched[row.id] = part.pk
            part.manufacturer, part.number, part.name = row.manufacturer, row.number, row.name[:200]
            by_number[(row.manufacturer, row.number)] = part
        Part.objects.using(DB).bulk_create(new)
        update_rows(changed, ["manufacturer", "number", "name"], using=DB)
    return outcomes


def parts_offers_apply(rows: list[PartOfferRow]) -> PartOutcomes:
    """Prices and each showroom's stock of one batch of parts, in one transaction."""
    outcomes = PartOutcomes()
    with transaction.atomic(using=DB):
        parts = Part.objects.using(DB).select_for_update().in_bulk([row.id for row in rows])
        stocks = {
            (stock.part_id, stock.showroom_id): stock
            for stock in PartStock.objects.using(DB)
            .select_for_update()
            .filter(part_id__in=list(parts))
        }
        priced, new_stock, counted = [], [], []
        for row in rows:
            part = parts.get(row.id)
            if part is None:
                outcomes.refused[row.id] = "Запчасти нет в каталоге: сначала import.xml."
                continue
            outcome = UNCHANGED
            if row.price is not None and row.price != part.price:
                part.price = row.price
                priced.append(part)
                outcome = CHANGED
            for showroom_id, units in (row.stock or {}).items():
                stock = stocks.get((part.pk, showroom_id))
                if stock is None:
                    if units:
                        new_stock.append(
                            PartStock(part=part, showroom_id=showroom_id, on_hand=units)
                        )
                        outcome = CHANGED
                    continue
                on_hand = max(units, stock.reserved)
                if on_hand != stock.on_hand:
                    stock.on_hand = on_hand
                    counted.append(stock)
                    outcome = CHANGED
            outcomes.done[row.id] = outcome
        update_rows(priced, ["price"], using=DB)
        PartStock.objects.using(DB).bulk_create(new_stock)
        update_rows(counted, ["on_hand"], using=DB)
    return outcomes
