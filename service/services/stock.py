"""Parts in a showroom's warehouse (docs/service.md, "Parts"): received, reserved by a work
order's line, issued to the car when the line is done, released when it is declined or the
order cancelled.

A reservation is one conditional UPDATE: it adds to `reserved` only where what is free covers
the quantity, so that of two work orders racing for the last unit one gets it and the other is
told 409 `part_out_of_stock`; PostgreSQL's check (reserved within on hand) stands behind it."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.showrooms import scope_check
from common.types import Actor, Id
from service.choices import StockState, SuppliedBy
from service.error_codes import ServiceErrorCode
from service.models import Part, PartStock, WorkOrderLine

DB = "service"


def stock_receive(
    *,
    showroom_id: Id,
    part_id: Id,
    quantity: Decimal,
    min_quantity: Decimal | None = None,
    user: Actor | None = None,
) -> PartStock:
    """Parts arrive in the showroom's warehouse (`quantity` may be negative: a write-off, never
    below what is reserved)."""
    if user is not None:
        scope_check(user, showroom_id)
    part = Part.objects.using(DB).get(pk=part_id)
    with transaction.atomic(using=DB):
        stock, _created = PartStock.objects.using(DB).get_or_create(
            part=part, showroom_id=showroom_id
        )
        stock = PartStock.objects.using(DB).select_for_update().get(pk=stock.pk)
        if stock.on_hand + quantity < stock.reserved:
            raise ApplicationError(
                _("Not below what work orders have reserved (%(reserved)s).")
                % {"reserved": stock.reserved},
                code=ServiceErrorCode.PART_OUT_OF_STOCK,
                status=409,
                details={"quantity": [_("Not below what work orders have reserved.")]},
            )
        stock.on_hand += quantity
        if min_quantity is not None:
            stock.min_quantity = min_quantity
        stock.save(using=DB, update_fields=["on_hand", "min_quantity", "updated_at"])
    return stock


def stock_reserve(line: WorkOrderLine, showroom_id: Id) -> None:
    """Reserve the line's part in the showroom, in the caller's transaction; 409 when what is
    free does not cover it."""
    if line.part_id is None or line.supplied_by != SuppliedBy.DEALER:
        return  # a work, a part the customer brought, or one not from the catalogue
    taken = (
        PartStock.objects.using(DB)
        .filter(
            part_id=line.part_id,
            showroom_id=showroom_id,
            on_hand__gte=F("reserved") + line.quantity,
        )
        .update(reserved=F("reserved") + line.quantity, updated_at=timezone.now())
    )
    if not taken:
        message = _("%(part)s: not enough in this showroom's warehouse.") % {"part": line.name}
        raise ApplicationError(
            message,
            code=ServiceErrorCode.PART_OUT_OF_STOCK,
            status=409,
            details={"part_id": [message]},
        )
    line.stock = StockState.RESERVED


def stock_settle(line: WorkOrderLine, showroom_id: Id, outcome: StockState) -> None:
    """A reserved part issued to the car (leaves the warehouse) or released (free again)."""
    if line.stock != StockState.RESERVED or line.part_id is None:
        return
    change = {"reserved": F("reserved") - line.quantity, "updated_at": timezone.now()}
    if outcome == StockState.ISSUED:
        change["on_hand"] = F("on_hand") - line.quantity
    PartStock.objects.using(DB).filter(part_id=line.part_id, showroom_id=showroom_id).update(
        **change
    )
    line.stock = outcome
