"""What the managers read of the service department (docs/service.md, "Managers"): the
dashboard's figures, aggregated in SQL on the service database, one query per figure, narrowed
to the showroom picked (`common.figures.scoped`; the service keeps no record of the group's
own); the sales report's service sheet, read a chunk at a time; and the advisor's day, today on
each showroom's own clock. Other apps read them through `service.selectors`."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.figures import (
    EVERY_SHOWROOM,
    Period,
    ShowroomPick,
    day_bounds,
    dealership_zone,
    scoped,
    windowed,
    windows,
)
from common.showrooms import showroom_scope, visible_to
from common.types import Actor
from service.choices import BookingStatus, LineState, PayType, WorkOrderStatus
from service.models import Advisor, Bay, Booking, PartStock, WorkOrder, WorkOrderLine
from service.models.work_orders import COUNTED
from showroom.selectors.showrooms import showrooms_for_buyers

DB = "service"


# THE MANAGERS' FIGURES (docs/dashboard.md; docs/service.md, "Managers")
# ------------------------------------------------------------------------------
# Each aggregates in SQL on the service database, one query per figure, narrowed to the
# showroom picked (common.figures.scoped): the service has no records of the group's own.
def bay_load(
    *, periods: list[Period], showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, dict[str, Any]]:
    """The bays' load in each window: `booked`, the minutes of the bookings that start in it
    (cancelled ones left out), `bookings`, how many, and `open`, the minutes its active bays
    stand open: each showroom's hours of each day of the window (its own calendar, a
    holiday's hours first: `ShowroomCard.hours_on`) times its active bays. Two queries (the
    bookings, the bays), and the showrooms' hours, which the showroom app caches, read only
    where there are bays."""
    booked = scoped(
        Booking.objects.using(DB).filter(status=BookingStatus.BOOKED), None, showroom=showroom
    )
    length = ExpressionWrapper(F("end_time") - F("start_time"), output_field=DurationField())
    load = windowed(
        booked,
        periods,
        booked=("start_time", lambda q: Sum(length, filter=q)),
        bookings=("start_time", lambda q: Count("pk", filter=q)),
    )
    bays = dict(
        scoped(Bay.objects.using(DB).filter(is_active=True), None, showroom=showroom)
        .values("showroom_id")
        .annotate(bays=Count("pk"))
        .values_list("showroom_id", "bays")
    )
    cards = [card for card in showrooms_for_buyers() if card.id in bays] if bays else []
    for window, start, end in windows(periods):
        minutes = load[window]["booked"]
        load[window]["booked"] = 0 if minutes is None else int(minutes.total_seconds()) // 60
        days = [start.date() + timedelta(days=n) for n in range((end.date() - start.date()).days)]
        load[window]["open"] = sum(
            bays[card.id] * _minutes_open(card.hours_on(day)) for card in cards for day in days
        )
    return load


def _minutes_open(hours: tuple[time, time] | None) -> int:
    if hours is None:
        return 0
    opens, closes = hours
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)


def service_revenue(
    *, periods: list[Period], showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, dict[str, Any]]:
    """The customer's totals of the work orders handed over in each window (closed since or
    not): `revenue` (None for none), and `orders`, those with something for the customer to
    pay. Summed from the lines that count, as `WorkOrder.totals` does. One query."""
    lines = WorkOrderLine.objects.using(DB).filter(
        state__in=COUNTED,
        pay_type=PayType.CUSTOMER,
        amount__gt=0,
        work_order__status__in=(WorkOrderStatus.HANDED_OVER, WorkOrderStatus.CLOSED),
    )
    return windowed(
        scoped(lines, None, showroom=showroom, showroom_field="work_order__showroom_id"),
        periods,
        revenue=("work_order__handed_over_at", lambda q: Sum("amount", filter=q)),
        orders=(
            "work_order__handed_over_at",
            lambda q: Count("work_order_id", distinct=True, filter=q),
        ),
    )


def extra_work_decisions(
    *, periods: list[Period], showroom: ShowroomPick = EVERY_SHOWROOM
) -> dict[str, dict[str, Any]]:
    """The proposed lines decided in each window (by `decided_at`), whoever decided them (the
    customer, or their advance instruction): `approved` and `declined`. One query."""
    decided = WorkOrderLine.objects.using(DB).filter(
        state__in=(LineState.APPROVED, LineState.DECLINED)
    )
    approved, declined = Q(state=LineState.APPROVED), Q(state=LineState.DECLINED)
    return windowed(
        scoped(decided, None, showroom=showroom, showroom_field="work_order__showroom_id"),
        periods,
        approved=("decided_at", lambda q: Count("pk", filter=q & approved)),
        declined=("decided_at", lambda q: Count("pk", filter=q & declined)),
    )


class PartLow(TypedDict):
    id: UUID  # the shelf (PartStock)
    showroom_id: UUID
    number: str
    manufacturer: str
    name: str
    on_hand: Decimal
    reserved: Decimal
    free: Decimal
    min_quantity: Decimal


def parts_low(*, showroom: ShowroomPick = EVERY_SHOWROOM, limit: int = 20) -> list[PartLow]:
    """The shelves whose free quantity (on hand less reserved) is at or below their low-stock
    mark, the admin's "stock: low" filter, the scarcest first. One query."""
    free = ExpressionWrapper(F("on_hand") - F("reserved"), output_field=DecimalField())
    shelves = (
        scoped(PartStock.objects.using(DB), None, showroom=showroom)
        .annotate(left=free)
        .filter(left__lte=F("min_quantity"))
        .order_by("left", "part__number", "showroom_id")
        .values_list(
            "id",
            "showroom_id",
            "part__number",
            "part__manufacturer",
            "part__name",
            "on_hand",
            "reserved",
            "left",
            "min_quantity",
        )[:limit]
    )
    keys = PartLow.__annotations__
    return [cast(PartLow, dict(zip(keys, row, strict=True))) for row in shelves]


# THE SALES REPORT'S SERVICE SHEET (docs/admin.md, "Reports")
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceSheetRow:
    """A work order as the report lists it, its totals summed in SQL."""

    id: UUID
    number: str
    created_at: datetime
    handed_over_at: datetime | None
    showroom_id: UUID
    advisor: str
    status: str
    customer_total: Decimal
    warranty_total: Decimal
    internal_total: Decimal


def _total_of(pay_type: str) -> Coalesce:
    counted = Q(lines__state__in=COUNTED, lines__pay_type=pay_type)
    return Coalesce(
        Sum("lines__amount", filter=counted), Value(Decimal("0.00")), output_field=DecimalField()
    )


def work_order_report_chunks(
    *,
    date_from: date,
    date_to: date,
    showroom: ShowroomPick = EVERY_SHOWROOM,
    size: int = 1000,
) -> Iterator[list[ServiceSheetRow]]:
    """The work orders opened on the dealership's days `date_from`..`date_to`, whatever became
    of them, oldest first, `size` at a time (keyset pagination on (created_at, id)): one query
    a chunk."""
    start, end = day_bounds(date_from, date_to)
    opened = scoped(
        WorkOrder.objects.using(DB).filter(created_at__gte=start, created_at__lt=end),
        None,
        showroom=showroom,
    )
    rows = (
        opened.annotate(
            advisor_name=F("advisor__name"),
            customer_sum=_total_of(PayType.CUSTOMER),
            warranty_sum=_total_of(PayType.WARRANTY),
            internal_sum=_total_of(PayType.INTERNAL),
        )
        .order_by("created_at", "id")
        .values_list(
            "id",
            "number",
            "created_at",
            "handed_over_at",
            "showroom_id",
            "advisor_name",
            "status",
            "customer_sum",
            "warranty_sum",
            "internal_sum",
        )
    )
    after: tuple[datetime, UUID] | None = None
    while True:
        page = rows
        if after is not None:
            page = page.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
        chunk = [ServiceSheetRow(*row) for row in page[:size]]
        if not chunk:
            return
        yield chunk
        after = (chunk[-1].created_at, chunk[-1].id)
        if len(chunk) < size:
            return


# THE ADVISOR'S DAY (docs/service.md, "The advisor's day")
# ------------------------------------------------------------------------------
# The work orders the day shows, by what waits on whom.
DAY_STATUSES = (WorkOrderStatus.IN_WORK, WorkOrderStatus.WAITING, WorkOrderStatus.DONE)


@dataclass
class AdvisorDay:
    """One showroom's day on its own clock: the bookings of its date, and its work orders in
    work, waiting for the customer's word, and done (to hand over)."""

    showroom_id: UUID
    day: date
    zone: str
    bookings: list[Booking] = field(default_factory=list)
    in_work: list[WorkOrder] = field(default_factory=list)
    waiting: list[WorkOrder] = field(default_factory=list)
    done: list[WorkOrder] = field(default_factory=list)


def advisor_day(*, user: Actor, now: datetime | None = None) -> list[AdvisorDay]:
    """The day of each showroom `user` sees (their showrooms; the group's staff every one
    with a bay or an advisor), today on each showroom's own clock: its bookings of the day, and
    its work orders in work, waiting and done, whatever day they were opened."""
    now = now or timezone.now()
    scope = showroom_scope(user)
    if scope is None:
        showroom_ids = set(Bay.objects.using(DB).values_list("showroom_id", flat=True))
        showroom_ids |= set(Advisor.objects.using(DB).values_list("showroom_id", flat=True))
    else:
        showroom_ids = set(scope)
    zones = {card.id: card.time_zone for card in showrooms_for_buyers()}
    days: dict[UUID, AdvisorDay] = {}
    today = Q(pk__in=[])
    for showroom_id in sorted(showroom_ids, key=str):
        zone = zones.get(showroom_id) or dealership_zone().key
        local = now.astimezone(ZoneInfo(zone)).date()
        days[showroom_id] = AdvisorDay(showroom_id, local, zone)
        start = datetime.combine(local, time.min, tzinfo=ZoneInfo(zone))
        end = datetime.combine(local + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
        today |= Q(showroom_id=showroom_id, start_time__gte=start, start_time__lt=end)
    bookings = visible_to(
        user,
        Booking.objects.using(DB).filter(today, status=BookingStatus.BOOKED),
        owner=None,
    ).select_related("bay", "advisor", "menu", "work_order")
    for booking in bookings.order_by("start_time"):
        days[booking.showroom_id].bookings.append(booking)
    orders = (
        visible_to(
            user,
            WorkOrder.objects.using(DB).filter(status__in=DAY_STATUSES, showroom_id__in=days),
            owner=None,
        )
        .select_related("advisor")
        .prefetch_related("lines")
    )
    for work_order in orders.order_by("deadline", "number"):
        section = {
            WorkOrderStatus.IN_WORK: days[work_order.showroom_id].in_work,
            WorkOrderStatus.WAITING: days[work_order.showroom_id].waiting,
        }.get(WorkOrderStatus(work_order.status), days[work_order.showroom_id].done)
        section.append(work_order)
    return list(days.values())
