"""The work order (docs/service.md, "The work order"): opened by an advisor from a booking or
for a car driven in, signed by the customer on the site or on paper, its jobs found during
the work proposed to the customer and done only with their word (or within their advance
instruction), done, handed over with nothing owed unless a second person allowed it, closed.

Each change locks the order's row, moves its status only by WORK_ORDER_TRANSITIONS and emits
its event in the same transaction. Staff act only in their showrooms (`scope_check`); the
customer acts on their own orders, and a customer who is not signed in through the signed link
(`user` None, `channel` LINK)."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict, Unpack

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.api.exceptions import ApplicationError
from common.db.numbers import number_take
from common.showrooms import scope_check
from common.types import Actor, Id
from documents import selectors as documents_selectors
from service import events
from service.choices import (
    Channel,
    Instruction,
    LineState,
    StockState,
    WorkOrderStatus,
)
from service.error_codes import ServiceErrorCode
from service.models import (
    Advisor,
    Booking,
    WorkOrder,
)
from service.models.work_orders import COUNTED
from service.services import links
from service.services.stock import stock_settle
from service.services.warranty import warranty_claim_open
from service.services.work_order_lines import (
    DB,
    customers_word,
    line_finish,
    locked,
    menu_lines,
    move,
    refused,
    staff_locked,
    staff_name,
)


class Terms(TypedDict, total=False):
    """What the advisor writes on the order (ПП РФ № 780): the customer, the payer, the car,
    the deadline, the warranty and the customer's instruction for faults found."""

    customer_name: str
    customer_phone: str
    customer_address: str
    payer: str
    make: str
    model: str
    vin: str
    plate: str
    year: int | None
    engine_number: str
    body_number: str
    mileage_in: int
    vehicle_value: Decimal | None
    completeness: str
    damage: str
    fuel_level: str
    belongings: str
    deadline: datetime
    works_warranty_months: int
    parts_warranty_months: int
    instruction: str
    instruction_limit: Decimal


# OPENING
# ------------------------------------------------------------------------------
def _advisor_of(user: Actor, showroom_id: Id) -> Advisor:
    advisor = (
        Advisor.objects.using(DB)
        .filter(showroom_id=showroom_id, user_id=user.pk, is_active=True)
        .first()
        or Advisor.objects.using(DB)
        .filter(showroom_id=showroom_id, is_active=True)
        .order_by("name")
        .first()
    )
    if advisor is None:
        raise refused(_("The showroom has no service advisor."), ServiceErrorCode.NO_ADVISOR)
    return advisor


def _executor(showroom_id: Id) -> dict[str, str]:
    """The legal entity that serves in the showroom, its requisites as they stand now."""
    entity = documents_selectors.legal_entity_of(showroom_id=showroom_id)
    return {
        "executor_name": entity.name,
        "executor_inn": entity.inn,
        "executor_ogrn": entity.ogrn,
        "executor_address": entity.address,
    }


def work_order_open(
    *,
    user: Actor,
    showroom_id: Id | None = None,
    booking_id: Id | None = None,
    **terms: Unpack[Terms],
) -> WorkOrder:
    """Open a draft work order: from a booking (its showroom, advisor, customer, car and
    maintenance menu's works and parts), or for a car driven in (`showroom_id`)."""
    with transaction.atomic(using=DB):
        booking = None
        if booking_id is not None:
            booking = (
                Booking.objects.using(DB)
                .select_for_update(of=("self",))
                .select_related("menu", "advisor")
                .filter(pk=booking_id)
                .first()
            )
            if booking is None:
                raise refused(
                    _("No such booking."), ServiceErrorCode.BOOKING_NOT_FOUND, 400, "booking_id"
                )
            if WorkOrder.objects.using(DB).filter(booking=booking).exists():
                raise refused(
                    _("This booking already has its work order."),
                    ServiceErrorCode.BOOKING_HAS_WORK_ORDER,
                )
            showroom_id = booking.showroom_id
        if showroom_id is None:
            raise refused(
                _("Name the showroom."), ServiceErrorCode.SHOWROOM_NOT_FOUND, 400, "showroom_id"
            )
        scope_check(user, showroom_id)
        work_order = WorkOrder(
            showroom_id=showroom_id,
            booking=booking,
            advisor=booking.advisor if booking else _advisor_of(user, showroom_id),
            customer_id=booking.customer_id if booking else None,
            customer_name=booking.name if booking else "",
            customer_phone=booking.phone if booking else "",
            vin=booking.vin if booking else "",
            plate=booking.plate if booking else "",
            mileage_in=booking.mileage_km if booking else 0,
            deadline=booking.end_time if booking else timezone.now() + timedelta(days=1),
            works_warranty_months=settings.SERVICE_WORKS_WARRANTY_MONTHS,
            parts_warranty_months=settings.SERVICE_PARTS_WARRANTY_MONTHS,
        )
        if booking and booking.menu:
            work_order.make, work_order.model = booking.menu.make, booking.menu.model
        for name, value in terms.items():
            setattr(work_order, name, value)
        _terms_check(work_order)
        for name, value in _executor(showroom_id).items():
            setattr(work_order, name, value)
        work_order.number = number_take(WorkOrder._meta.get_field("number"), using=DB)
        work_order.save(using=DB)
        if booking and booking.menu:
            menu_lines(work_order, booking.menu)
        events.WORK_ORDER_OPENED.emit(
            aggregate_id=work_order.pk, payload=events.work_order_payload(work_order, user=user)
        )
    return work_order


def _terms_check(work_order: WorkOrder) -> None:
    required = {
        "customer_name": _("Name the customer."),
        "customer_phone": _("Give the customer's phone."),
        "make": _("Give the car's make."),
        "model": _("Give the car's model."),
    }
    missing = {
        field: [message] for field, message in required.items() if not getattr(work_order, field)
    }
    if not work_order.vin and not work_order.plate:
        missing["vin"] = [_("Give the car's VIN or its plate.")]
    if work_order.instruction == Instruction.UP_TO and work_order.instruction_limit <= 0:
        missing["instruction_limit"] = [_("Say up to what amount extra work may go ahead.")]
    if missing:
        raise ApplicationError(
            _("The work order lacks what the contract must state."),
            code=ServiceErrorCode.LINE_INVALID,
            status=400,
            details=missing,
        )


def work_order_update(*, user: Actor, work_order_id: Id, **terms: Unpack[Terms]) -> WorkOrder:
    """Change the terms of a draft; signed, the contract is changed only by proposed lines."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if work_order.status != WorkOrderStatus.DRAFT:
            raise refused(
                _("A signed work order's terms are not changed."),
                ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE,
            )
        for name, value in terms.items():
            setattr(work_order, name, value)
        _terms_check(work_order)
        work_order.save(using=DB)
    return work_order


# THE ORDER'S COURSE
# ------------------------------------------------------------------------------
def work_order_sign(
    *,
    user: Actor | None,
    work_order_id: Id,
    channel: str,
    instruction: str | None = None,
    instruction_limit: Decimal | None = None,
) -> WorkOrder:
    """The customer signs: on the site with their account (`channel` SITE), by the signed link
    (LINK), or on paper, recorded by staff (PAPER). They may give their instruction for faults
    found as they sign."""
    with transaction.atomic(using=DB):
        work_order = locked(work_order_id)
        customers_word(work_order, user, channel)
        if not work_order.lines.exists():
            raise refused(
                _("A work order without works is not signed."), ServiceErrorCode.LINE_INVALID, 400
            )
        if instruction is not None:
            work_order.instruction = instruction
            work_order.instruction_limit = instruction_limit or Decimal("0")
            _terms_check(work_order)
        move(
            work_order,
            WorkOrderStatus.AGREED,
            user=user,
            signed_at=timezone.now(),
            signed_how=channel,
            signed_recorded_by=user.pk if user is not None and channel == Channel.PAPER else None,
            instruction=work_order.instruction,
            instruction_limit=work_order.instruction_limit,
        )
    return work_order


def work_order_start(*, user: Actor, work_order_id: Id) -> WorkOrder:
    """The car goes into work; a job proposed before and not yet answered makes it wait."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        move(work_order, WorkOrderStatus.IN_WORK, user=user)
        if work_order.lines.filter(state=LineState.PROPOSED).exists():
            move(work_order, WorkOrderStatus.WAITING, user=user)
    return work_order


def work_order_complete(*, user: Actor, work_order_id: Id) -> WorkOrder:
    """Done: every job that counts is done, none waits for the customer's word, and what the
    warranty pays for is claimed from the manufacturer."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if work_order.lines.filter(state=LineState.PROPOSED).exists():
            raise refused(
                _("A proposed job waits for the customer's word."),
                ServiceErrorCode.APPROVAL_PENDING,
            )
        now = timezone.now()
        move(work_order, WorkOrderStatus.DONE, user=user, completed_at=now)
        for line in work_order.lines.filter(state__in=COUNTED, done_at__isnull=True):
            line_finish(line, now, staff_name(user))
        warranty_claim_open(work_order, user=user)
    return work_order


def work_order_balance_allow(*, user: Actor, work_order_id: Id) -> WorkOrder:
    """Let the car go with a balance owed: the first of four eyes; another hands it over."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if work_order.status != WorkOrderStatus.DONE:
            raise refused(
                _("Only a done work order's car is handed over."),
                ServiceErrorCode.WORK_ORDER_NOT_CHANGEABLE,
            )
        work_order.balance_allowed_by = user.pk
        work_order.save(using=DB, update_fields=["balance_allowed_by", "updated_at"])
    return work_order


def work_order_hand_over(*, user: Actor, work_order_id: Id, mileage_out: int) -> WorkOrder:
    """The car goes back to its owner with its mileage out: with nothing owed, or with the
    balance another member of staff allowed."""
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        if mileage_out < work_order.mileage_in:
            raise refused(
                _("The mileage out is less than the mileage in (%(km)d km).")
                % {"km": work_order.mileage_in},
                ServiceErrorCode.LINE_INVALID,
                400,
                "mileage_out",
            )
        if work_order.status == WorkOrderStatus.DONE and work_order.balance > 0:
            if work_order.balance_allowed_by is None:
                raise refused(
                    _("%(balance)s ₽ is owed: take the payment, or have a second person allow it.")
                    % {"balance": work_order.balance},
                    ServiceErrorCode.BALANCE_OWED,
                )
            if str(work_order.balance_allowed_by) == str(user.pk):
                raise refused(
                    _("The one who allowed the balance does not hand the car over too."),
                    ServiceErrorCode.FOUR_EYES,
                    403,
                )
        move(
            work_order,
            WorkOrderStatus.HANDED_OVER,
            user=user,
            mileage_out=mileage_out,
            handed_over_at=timezone.now(),
        )
    return work_order


def work_order_paid(*, work_order_id: Id, paid_amount: Decimal, version: int) -> None:
    """Payments reported what the order has received (`version` orders the reports; an
    older one arriving late changes nothing): docs/service.md, "Payment"."""
    with transaction.atomic(using=DB):
        WorkOrder.objects.using(DB).filter(pk=work_order_id, paid_version__lt=version).update(
            amount_paid=paid_amount, paid_version=version, updated_at=timezone.now()
        )


def work_order_close(*, user: Actor, work_order_id: Id) -> WorkOrder:
    with transaction.atomic(using=DB):
        work_order = staff_locked(user, work_order_id)
        move(work_order, WorkOrderStatus.CLOSED, user=user)
    return work_order


def work_order_cancel(*, user: Actor, work_order_id: Id) -> WorkOrder:
    """Cancelled before the car goes into work: by its showroom's staff or its customer."""
    with transaction.atomic(using=DB):
        work_order = locked(work_order_id)
        if str(user.pk) != str(work_order.customer_id):
            scope_check(user, work_order.showroom_id)
        move(work_order, WorkOrderStatus.CANCELLED, user=user)
        for line in work_order.lines.filter(stock=StockState.RESERVED):
            stock_settle(line, work_order.showroom_id, StockState.RELEASED)
            line.save(using=DB, update_fields=["stock", "updated_at"])
    return work_order


def work_order_link_token(work_order: WorkOrder) -> str:
    return links.link_token(work_order.pk, salt=links.WORK_ORDER)


def work_order_id_of_link(token: str) -> str:
    return links.id_of_link(token, salt=links.WORK_ORDER)
