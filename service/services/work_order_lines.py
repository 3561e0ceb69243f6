"""A work order's lines (docs/service.md, "The work order"): works and parts, priced at the
showroom's rate and the catalogue's prices; terms of the contract on a draft, proposals once
signed, each done only with the customer's word (on the site, by the signed link, on the phone
recorded by staff) or within their advance instruction. Also the steps every change of a work
order takes: its row locked, the caller's scope checked, its status moved by
WORK_ORDER_TRANSITIONS with its event."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError, NotFound
from common.showrooms import scope_check
from common.types import Actor, Id
from service import events
from service.choices import (
    WORK_ORDER_TRANSITIONS,
    Channel,
    Instruction,
    LineKind,
    LineState,
    PayType,
    StockState,
    SuppliedBy,
    WorkOrderStatus,
)
from service.error_codes import ServiceErrorCode
from service.models import (
    LabourRate,
    MaintenanceMenu,
    Operation,
    Part,
    WorkOrder,
    WorkOrderLine,
)
from service.services.stock import stock_reserve, stock_settle

DB = "service"
CENT = Decimal("0.01")
# Beyond what the amount's column holds (12 digits, 2 of them after the point).
LINE_AMOUNT_LIMIT = Decimal("1e10")
# Lines are added while the order is open: as its terms before signing, as proposals after.
OPEN = (
    WorkOrderStatus.DRAFT,
    WorkOrderStatus.AGREED,
    WorkOrderStatus.IN_WORK,
    WorkOrderStatus.WAITING,
)


class LineInput(TypedDict, total=False):
    operation_id: Id | None
    part_id: Id | None
    name: str
    code: str
    manufacturer: str
    norm_hours: Decimal | None
    quantity: Decimal | None
    unit_price: Decimal | None
    supplied_by: str
    pay_type: str


def refused(
    message: str, code: ServiceErrorCode, status: int = 409, field: str = ""
) -> ApplicationError:
    details = {field: [message]} if field else {}
    return ApplicationError(message, code=code, status=status, details=details)


def locked(work_order_id: Id) -> WorkOrder:
    work_order = (
        WorkOrder.objects.using(DB).select_for_update(of=("self",)).filter(pk=work_order_id).first()
    )
    if work_order is None:
        raise NotFound
    return work_order


def staff_locked(user: Actor, work_order_id: Id) -> WorkOrder:
    work_order = locked(work_order_id)
    scope_check(user, work_order.showroom_id)
    return work_order


def move(
    work_order: WorkOrder, target: WorkOrderStatus, *, user: Actor | None, **fields: Any
) -> None:
    """Move the locked order to `target`, save it with `fields`, and say so."""
    source = work_order.status
    WORK_ORDER_TRANSITIONS.apply(work_order, target)
    for name, value in fields.items():
        setattr(work_order, name, value)
    work_order.save(using=DB, update_fields=["status", "updated_at", *fields])
    events.WORK_ORDER_STATUS_CHANGED.emit(
        aggregate_id=work_order.pk,
        payload=events.work_order_payload(work_order, from_status=source, user=user),
    )


# LINES
# ------------------------------------------------------------------------------
def _rate(showroom_id: Id, kind: str = "") -> Decimal:
    """The showroom's rate of a norm hour for the kind of work, where it has one; its general
    rate otherwise (docs/service.md, "Resources")."""
    rates = {
        rate.kind: rate
        for rate in LabourRate.objects.using(DB).filter(
            showroom_id=showroom_id, kind__in={"", kind}
        )
    }
    rate = rates.get(kind) or rates.get("")
    if rate is None:
        raise refused(_("The showroom has no labour rate."), ServiceErrorCode.LINE_INVALID, 400)
    return rate.rate


def _line_of(work_order: WorkOrder, kind: str, data: LineInput) -> WorkOrderLine:
    """The line `data` describes, priced: an operation's norm hours at the showroom's rate, a
    part's quantity at its price (nothing for a part the customer brought)."""
    line = WorkOrderLine(
        work_order=work_order,
        kind=kind,
        name=data.get("name", ""),
        code=data.get("code", ""),
        manufacturer=data.get("manufacturer", ""),
        supplied_by=data.get("supplied_by", SuppliedBy.DEALER),
        pay_type=data.get("pay_type", PayType.CUSTOMER),
    )
    if kind == LineKind.LABOUR:
        if operation_id := data.get("operation_id"):
            operation = Operation.objects.using(DB).filter(pk=operation_id).first()
            if operation is None:
                raise refused(
                    _("No such operation."),
                    ServiceErrorCode.OPERATION_NOT_FOUND,
                    400,
                    "operation_id",
                )
            line.operation, line.code = operation, operation.code
            line.name = line.name or operation.name
            line.norm_hours = data.get("norm_hours") or operation.norm_hours
        else:
            line.norm_hours = data.get("norm_hours")
        line.rate = _rate(
            work_order.showroom_id, line.operation.rate_kind if line.operation else ""
        )
        if not line.norm_hours or line.norm_hours <= 0:
            raise refused(
                _("Give the norm hours."), ServiceErrorCode.LINE_INVALID, 400, "norm_hours"
            )
        line.amount = line.norm_hours * line.rate
    else:
        if part_id := data.get("part_id"):
            part = Part.objects.using(DB).filter(pk=part_id).first()
            if part is None:
                raise refused(_("No such part."), ServiceErrorCode.PART_NOT_FOUND, 400, "part_id")
            line.part, line.code, line.manufacturer = part, part.number, part.manufacturer
            line.name = line.name or part.name
            line.unit_price = part.price
        else:
            line.unit_price = data.get("unit_price")
        line.quantity = data.get("quantity") or Decimal("1")
        if line.supplied_by == SuppliedBy.CUSTOMER:
            line.unit_price = Decimal("0")
        if line.unit_price is None:
            raise refused(
                _("Give the part's price."), ServiceErrorCode.LINE_INVALID, 400, "unit_price"
            )
        line.amount = line.quantity * line.unit_price
    if not line.name:
        raise refused(_("Name the work or the part."), ServiceErrorCode.LINE_INVALID, 400, "name")
    if line.amount >= LINE_AMOUNT_LIMIT:
        raise refused(
            _("A line of this amount is not taken: check the quantity and the price."),
            ServiceErrorCode.LINE_INVALID,
            400,
            "quantity" if kind == LineKind.PART else "norm_hours",
        )
    line.amount = line.amount.quantize(CENT, ROUND_HALF_UP)
    return line


def menu_lines(work_order: WorkOrder, menu: MaintenanceMenu) -> None:
    for operation in menu.operations.all():
        _line_save(
            work_order, _line_of(work_order, LineKind.LABOUR, {"operation_id": operation.pk})
        )
    for menu_part in menu.parts.select_related("part"):
        data: LineInput = {"part_id": menu_part.part_id, "quantity": menu_part.quantity}
        _line_save(work_order, _line_of(work_order, LineKind.PART, data))


def _line_save(work_order: WorkOrder, line: WorkOrderLine) -> None:
    line.state = (
        LineState.AGREED if work_order.status == WorkOrderStatus.DRAFT else LineState.PROPOSED
    )
    stock_reserve(line, work_order.showroom_id)
    line.save(using=DB)


def _customer_cost(line: WorkOrderLine) -> Decimal:
    return line.amount if line.pay_type == PayType.CUSTOMER else Decimal("0")


def _by_instruction(work_order: WorkOrder, line: WorkOrderLine) -> None:
    """Decide a proposed line by the customer's advance instruction where it covers it: extra
    work within the amount they allowed goes ahead; "do no extra work" declines it."""
    if work_order.instruction == Instruction.NOTHING:
        _decision_record(line, LineState.DECLINED, Channel.INSTRUCTION, work_order.customer_name)
    elif work_order.instruction == Instruction.UP_TO:
        spent = sum(
            (
                _customer_cost(other)
                for other in work_order.lines.filter(
                    decided_how=Channel.INSTRUCTION, state=LineState.APPROVED
                )
            ),
            Decimal("0"),
        )
        if spent + _customer_cost(line) <= work_order.instruction_limit:
            _decision_record(
                line, LineState.APPROVED, Channel.INSTRUCTION, work_order.customer_name
            )


def line_add(
    *, user: Actor, work_order_id: Id, kind: str, **data: Unpack[LineInput]
) -> WorkOrderLine:
    """Add a work or a part. On a draft it is a term the customer signs; on a signed order it
    is proposed, and waits for the customer's word unless their instruction decides it (an
    order in work then waits for the customer)."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if work_order.status not in OPEN:
            raise refused(
                _("This work order takes no more lines."),
                ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE,
            )
        line = _line_of(work_order, kind, data)
        _line_save(work_order, line)
        if line.state == LineState.PROPOSED:
            _by_instruction(work_order, line)
            events.WORK_ORDER_LINE_PROPOSED.emit(
                aggregate_id=work_order.pk, payload=events.line_payload(line)
            )
            if line.state == LineState.PROPOSED and work_order.status == WorkOrderStatus.IN_WORK:
                move(work_order, WorkOrderStatus.WAITING, user=user)
    return line


def _decision_record(line: WorkOrderLine, state: str, how: str, by: str) -> None:
    """The customer's word on `line`; a declined line's part goes back to the shelf."""
    line.state, line.decided_how, line.decided_by = state, how, by[:200]
    line.decided_at = timezone.now()
    if state == LineState.DECLINED:
        stock_settle(line, line.work_order.showroom_id, StockState.RELEASED)
    line.save(
        using=DB,
        update_fields=["state", "decided_how", "decided_by", "decided_at", "stock", "updated_at"],
    )


def line_finish(line: WorkOrderLine, when: datetime, by: str) -> None:
    """A job that counts is done (by whom, for the completion act), and its part issued to
    the car."""
    line.done_at = when
    line.done_by = by[:200]
    stock_settle(line, line.work_order.showroom_id, StockState.ISSUED)
    line.save(using=DB, update_fields=["done_at", "done_by", "stock", "updated_at"])


def staff_name(user: Actor) -> str:
    return getattr(user, "full_name", "") or str(user.pk)


def customers_word(work_order: WorkOrder, user: Actor | None, channel: str) -> str:
    """Who gives the customer's word by `channel`, checked: the customer signed in (SITE), the
    holder of the signed link (LINK), or the showroom's staff recording a call or paper
    (PHONE, PAPER), named beside the customer."""
    if channel in (Channel.PHONE, Channel.PAPER):
        if user is None:
            raise NotFound
        scope_check(user, work_order.showroom_id)
        staff = staff_name(user)
        return _("%(customer)s (recorded by %(staff)s)") % {
            "customer": work_order.customer_name,
            "staff": staff,
        }
    if channel == Channel.SITE and (user is None or str(user.pk) != str(work_order.customer_id)):
        raise NotFound
    return work_order.customer_name


def line_decide(
    *, user: Actor | None, work_order_id: Id, line_id: Id, approve: bool, channel: str
) -> WorkOrderLine:
    """The customer's word on a proposed line: on the site (`user` the customer), by the signed
    link (`user` None), or on the phone, recorded by the showroom's staff (`user` staff).
    Given once: a second word on the same line is refused."""
    with transaction.atomic(using=DB):
        work_order = locked(work_order_id)
        by = customers_word(work_order, user, channel)
        line = work_order.lines.select_for_update().filter(pk=line_id).first()
        if line is None:
            raise NotFound
        if line.state != LineState.PROPOSED or work_order.status not in OPEN[1:]:
            raise refused(_("This line has been decided already."), ServiceErrorCode.LINE_DECIDED)
        _decision_record(line, LineState.APPROVED if approve else LineState.DECLINED, channel, by)
        events.WORK_ORDER_LINE_DECIDED.emit(
            aggregate_id=work_order.pk, payload=events.line_payload(line)
        )
        pending = work_order.lines.filter(state=LineState.PROPOSED).exists()
        if work_order.status == WorkOrderStatus.WAITING and not pending:
            move(work_order, WorkOrderStatus.IN_WORK, user=user)
    return line


def line_done(*, user: Actor, work_order_id: Id, line_id: Id, mechanic: str = "") -> WorkOrderLine:
    """A job done, by `mechanic` (the technician's name; the one recording it by default)."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        line = work_order.lines.select_for_update().filter(pk=line_id).first()
        if line is None:
            raise NotFound
        if work_order.status not in (WorkOrderStatus.IN_WORK, WorkOrderStatus.WAITING):
            raise refused(
                _("The work order is not in work."), ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE
            )
        if line.state not in (LineState.AGREED, LineState.APPROVED):
            raise refused(
                _("A job the customer has not approved is not done."),
                ServiceErrorCode.LINE_NOT_APPROVED,
            )
        if line.done_at is None:
            line_finish(line, timezone.now(), mechanic.strip() or staff_name(user))
    return line
