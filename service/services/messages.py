"""What the service department tells its customers (docs/service.md, "Messages"): a booking
made, moved or cancelled, a reminder the day before, each with the showroom's address and the
signed link that moves or cancels it; a job found during the work that waits for the
customer's word, with its price and the work order's signed link; and a car's maintenance come
due. Sent through the notifications app: to the account of a customer signed in (`notify`,
within their preferences), to the phone and e-mail of one who was not (`notify_contact`). The
deliveries are claimed in the notifications database's own transaction, each keyed once (the
event's id, the booking's start, the maintenance's due date), so that a second run or a
redelivered event tells no one twice."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from common.types import Id
from notifications import selectors as notifications_selectors
from notifications import services as notifications_services
from notifications.services import Amount, OnClock, Value
from orders import selectors as orders_selectors
from service import maintenance, selectors
from service.choices import BookingStatus, LineState, PayType
from service.models import Booking, WorkOrder, WorkOrderLine
from service.services import links
from showroom.selectors.showrooms import ShowroomCard, showrooms_for_buyers

DB = "service"
NOTIFICATIONS = "notifications"
# The reminder goes once the booking is this near; none for one made or moved nearer.
REMINDER_HOURS = 24
# The storefront's booking pages: one booking by its signed link, and a new booking.
BOOKING_PAGE = "/service/booking/{token}/"
BOOK_PAGE = "/service/"  # the storefront's booking page
# The storefront's work order page by its signed link, where a job proposed is answered.
WORK_ORDER_PAGE = "/service/work-order/{token}/"
CANCELLED = "service_booking.cancelled"  # told with the page to book again, not the link
COMPLAINT_WORK = pgettext_lazy("service booking's work", "diagnostics and repair")


def booking_url(booking: Booking) -> str:
    """The page where the booker moves or cancels the booking, by its signed link: signed
    now, valid SERVICE_LINK_DAYS."""
    token = links.link_token(booking.pk, salt=links.BOOKING)
    return settings.SITE_URL + BOOKING_PAGE.format(token=token)


def book_url(*, vin: str, plate: str) -> str:
    """The page where a new booking starts, the car filled in."""
    query = urlencode([(name, value) for name, value in (("vin", vin), ("plate", plate)) if value])
    return settings.SITE_URL + BOOK_PAGE + (f"?{query}" if query else "")


def _card(showroom_id: Id) -> ShowroomCard | None:
    return next((card for card in showrooms_for_buyers() if str(card.id) == str(showroom_id)), None)


def _place(card: ShowroomCard | None) -> str:
    """Where to bring the car: the showroom, its city, address and the service's phone."""
    if card is None:
        return ""
    parts = (card.name, card.city, card.address, card.service_phone or card.phone)
    return ", ".join(part for part in parts if part)


def _variables(booking: Booking, card: ShowroomCard | None, start: datetime) -> dict[str, Value]:
    car = f"{booking.menu.make} {booking.menu.model}" if booking.menu else ""
    return {
        "car": ", ".join(part for part in (car, booking.plate or booking.vin) if part),
        "work": booking.menu.name if booking.menu else COMPLAINT_WORK,
        "starts_at": OnClock(start, card.time_zone if card else settings.TIME_ZONE),
        "place": _place(card),
    }


@dataclass(frozen=True)
class _Contact:
    """Whom a message goes to: a booker, or a work order's customer."""

    customer_id: UUID | None
    name: str
    email: str
    phone: str
    showroom_id: UUID
    language: str = ""  # the one they booked in; the dealership's when unknown


def _booker(booking: Booking) -> _Contact:
    return _Contact(
        booking.customer_id,
        booking.name,
        booking.email,
        booking.phone,
        booking.showroom_id,
        booking.language,
    )


def _tell(
    contact: _Contact,
    card: ShowroomCard | None,
    *,
    notice: str,
    key: str,
    variables: dict[str, Value],
) -> int:
    """The customer told `notice`: an account's owner within their preferences, anyone else
    at the phone and e-mail they gave. How many deliveries were claimed."""
    with transaction.atomic(using=NOTIFICATIONS):
        if contact.customer_id is not None:
            made = notifications_services.notify(
                notice=notice,
                key=key,
                user_id=contact.customer_id,
                variables=variables,
                showroom_id=contact.showroom_id,
            )
        else:
            made = notifications_services.notify_contact(
                notice=notice,
                key=key,
                name=contact.name,
                email=contact.email,
                phone=contact.phone,
                variables=variables,
                time_zone=card.time_zone if card else "",
                showroom_id=contact.showroom_id,
                language=contact.language,
            )
    return len(made)


def booking_notice_send(
    *, booking_id: Id, notice: str, key: str, start_time: datetime | None = None
) -> int:
    """Tell the booker of their booking made, moved or cancelled (`notice` is the event's
    type), once per `key` (the event's id). `start_time` is the time the event names: a later
    move is told by its own event."""
    booking = Booking.objects.using(DB).select_related("menu").filter(pk=booking_id).first()
    if booking is None:
        return 0
    card = _card(booking.showroom_id)
    variables = _variables(booking, card, start_time or booking.start_time)
    if notice == CANCELLED:
        variables["book_url"] = book_url(vin=booking.vin, plate=booking.plate)
    else:
        variables["booking_url"] = booking_url(booking)
    return _tell(_booker(booking), card, notice=notice, key=key, variables=variables)


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """The reminder the day before: each booking that starts within REMINDER_HOURS, but for
    one made or moved within them (its confirmation has just told it), once per booking and
    start. One whose booker is in their quiet hours waits for the first run after them.
    How many deliveries were claimed."""
    now = now or timezone.now()
    ahead = timedelta(hours=REMINDER_HOURS)
    near = (
        Booking.objects.using(DB)
        .filter(status=BookingStatus.BOOKED, start_time__gt=now, start_time__lte=now + ahead)
        .filter(updated_at__lte=F("start_time") - ahead)
        .select_related("menu")
    )
    claimed = 0
    for booking in near:
        card = _card(booking.showroom_id)
        zone = notifications_selectors.quiet_hours_zone(
            user_id=booking.customer_id, time_zone=card.time_zone if card else ""
        )
        if notifications_selectors.in_quiet_hours(zone=zone, now=now):
            continue
        variables = _variables(booking, card, booking.start_time)
        variables["booking_url"] = booking_url(booking)
        claimed += _tell(
            _booker(booking),
            card,
            notice="service_booking.reminder",
            key=f"service_booking.reminder:{booking.pk}:{booking.start_time.isoformat()}",
            variables=variables,
        )
    return claimed


def work_order_url(work_order: WorkOrder) -> str:
    """The work order's page by its signed link, where its customer signs it and answers each
    job proposed without signing in: signed now, valid SERVICE_LINK_DAYS."""
    token = links.link_token(work_order.pk, salt=links.WORK_ORDER)
    return settings.SITE_URL + WORK_ORDER_PAGE.format(token=token)


def line_proposed_send(*, line_id: Id, key: str) -> int:
    """Tell the customer of a job found during the work that waits for their word: its name,
    its price (none for a warranty or internal one: it costs them nothing) and the link of the
    work order's page where they approve or decline it, once per `key` (the event's id).
    Nothing for one their advance instruction decided, or decided since. How many deliveries
    were claimed."""
    line = (
        WorkOrderLine.objects.using(DB)
        .select_related("work_order__booking")
        .filter(pk=line_id, state=LineState.PROPOSED)
        .first()
    )
    if line is None:
        return 0
    work_order = line.work_order
    booking = work_order.booking
    contact = _Contact(
        work_order.customer_id,
        work_order.customer_name,
        booking.email if booking is not None else "",
        work_order.customer_phone,
        work_order.showroom_id,
        booking.language if booking is not None else "",
    )
    car = f"{work_order.make} {work_order.model}"
    variables: dict[str, Value] = {
        "car": ", ".join(part for part in (car, work_order.plate or work_order.vin) if part),
        "work_order_number": work_order.number,
        "work": line.name,
        "price": Amount(line.amount, "RUB") if line.pay_type == PayType.CUSTOMER else None,
        "work_order_url": work_order_url(work_order),
    }
    card = _card(work_order.showroom_id)
    return _tell(contact, card, notice="work_order.line_proposed", key=key, variables=variables)


@dataclass(frozen=True)
class _Customer:
    """A customer as `my_cars` reads one (common.types.Actor): a buyer, not staff."""

    pk: UUID
    is_staff: bool = False
    is_superuser: bool = False
    showroom_ids: list[UUID] = field(default_factory=list)
    whole_group: bool = False


def _customers_with_cars() -> list[UUID]:
    """The accounts with a car the dealer knows: bought here, booked or brought in."""
    found = set(orders_selectors.buyer_ids_of_completed_orders())
    for rows in (WorkOrder.objects.using(DB), Booking.objects.using(DB)):
        ids = (
            rows.filter(customer_id__isnull=False).order_by().values_list("customer_id", flat=True)
        )
        found |= {customer_id for customer_id in ids.distinct() if customer_id is not None}
    return sorted(found, key=str)


def maintenance_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each customer of each car whose next maintenance ("Мои автомобили"'s) is due by
    its date or by the mileage estimated today, within their preferences, once per due
    maintenance (its car, date and km are the key: the next one, after a visit, is another).
    A customer in their quiet hours waits for the first run after them. How many deliveries
    were claimed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    claimed = 0
    for customer_id in _customers_with_cars():
        zone = notifications_selectors.quiet_hours_zone(user_id=customer_id)
        if notifications_selectors.in_quiet_hours(zone=zone, now=now):
            continue
        for car in selectors.my_cars(user=_Customer(customer_id)):
            due = maintenance.due_on(
                day=today,
                next_due_date=car.next_due_date,
                next_due_km=car.next_due_km,
                history=car.mileage_history,
            )
            if due is None:
                continue
            plate_or_vin = car.plate or car.vin
            key = (
                f"service.maintenance_due:{customer_id}:{plate_or_vin}:"
                f"{car.next_due_date}:{car.next_due_km}"
            )
            with transaction.atomic(using=NOTIFICATIONS):
                made = notifications_services.notify(
                    notice="service.maintenance_due",
                    key=key,
                    user_id=customer_id,
                    variables={
                        "car": f"{car.make} {car.model}, {plate_or_vin}",
                        "menu": car.next_menu,
                        "due_date": car.next_due_date,
                        "due_km": car.next_due_km,
                        "mileage_km": due.estimated_km if due.by_km else None,
                        "book_url": book_url(vin=car.vin, plate=car.plate),
                    },
                )
            claimed += len(made)
    return claimed
