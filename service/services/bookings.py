"""Online booking: a car into a free bay of a showroom for a maintenance menu's norm hours (an
hour for a complaint), within the showroom's hours on its own clock, with the showroom's least
loaded advisor of the day. PostgreSQL's exclusion constraint keeps a bay's bookings apart:
of two racing for one slot, one wins and the other gets 409 `slot_taken`."""

import math
from datetime import date, datetime, timedelta
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError
from common.showrooms import scope_check
from common.types import Actor, Id
from service import events
from service.choices import BOOKING_TRANSITIONS, BookingStatus
from service.error_codes import ServiceErrorCode
from service.models import Advisor, Bay, Booking, MaintenanceMenu
from service.services import links
from service.services.codes import phone_code_check, phone_code_spend
from showroom.selectors.showrooms import ShowroomCard, showrooms_for_buyers

DB = "service"
DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE


class Vehicle(TypedDict, total=False):
    vin: str
    plate: str
    mileage_km: int
    name: str
    phone: str
    email: str


def showroom_card(showroom_id: Id) -> ShowroomCard:
    """The showroom, open to buyers, with its hours and clock (the showroom app's)."""
    for card in showrooms_for_buyers():
        if str(card.id) == str(showroom_id):
            return card
    raise ApplicationError(
        _("No such showroom."),
        code=ServiceErrorCode.SHOWROOM_NOT_FOUND,
        status=400,
        details={"showroom_id": [_("No such showroom.")]},
    )


def menu_active(menu_id: Id) -> MaintenanceMenu:
    menu = MaintenanceMenu.objects.using(DB).filter(pk=menu_id, is_active=True).first()
    if menu is None:
        raise ApplicationError(
            _("No such maintenance menu."),
            code=ServiceErrorCode.MENU_NOT_FOUND,
            status=400,
            details={"menu_id": [_("No such maintenance menu.")]},
        )
    return menu


def work_minutes(*, menu_id: Id | None) -> int:
    """How long the work books a bay: a menu's (`booking_length`), or a complaint's."""
    length = booking_length(None if menu_id is None else menu_active(menu_id))
    return int(length.total_seconds() // 60)


def booking_length(menu: MaintenanceMenu | None) -> timedelta:
    """A menu's norm hours rounded up to whole slots; an hour for a complaint."""
    if menu is None:
        return timedelta(hours=1)
    hours = menu.operations.aggregate(total=Sum("norm_hours"))["total"] or 0
    step = settings.SERVICE_SLOT_MINUTES
    slots = max(1, math.ceil(float(hours) * 60 / step))
    return timedelta(minutes=slots * step)


def _slot_problem(card: ShowroomCard, start: datetime, end: datetime) -> str:
    """Why a bay cannot be booked from `start` to `end` in the showroom ("" when it can)."""
    now = timezone.now()
    if start < now:
        return _("That time has passed.")
    if start > now + timedelta(days=settings.SERVICE_BOOKING_HORIZON_DAYS):
        return _("Bookings are taken %(days)d days ahead at most.") % {
            "days": settings.SERVICE_BOOKING_HORIZON_DAYS
        }
    zone = ZoneInfo(card.time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    hours = card.hours_on(local_start.date())
    if hours is None:
        return _("The showroom's service is closed that day.")
    opens = datetime.combine(local_start.date(), hours[0], zone)
    closes = datetime.combine(local_start.date(), hours[1], zone)
    if local_start < opens or local_end > closes:
        return _("The service works from %(opens)s to %(closes)s (%(zone)s).") % {
            "opens": f"{hours[0]:%H:%M}",
            "closes": f"{hours[1]:%H:%M}",
            "zone": card.time_zone,
        }
    return ""


def _slot_check(card: ShowroomCard, start: datetime, end: datetime) -> None:
    if problem := _slot_problem(card, start, end):
        raise ApplicationError(
            problem,
            code=ServiceErrorCode.SLOT_INVALID,
            status=400,
            details={"start_time": [problem]},
        )


def _busy_bays(showroom_id: Id, start: datetime, end: datetime, *, but: Id | None) -> set[Id]:
    bookings = Booking.objects.using(DB).filter(
        showroom_id=showroom_id,
        status=BookingStatus.BOOKED,
        start_time__lt=end,
        end_time__gt=start,
    )
    if but is not None:
        bookings = bookings.exclude(pk=but)
    return set(bookings.values_list("bay_id", flat=True))


def _free_bays(showroom_id: Id, start: datetime, end: datetime, *, but: Id | None) -> list[Bay]:
    busy = _busy_bays(showroom_id, start, end, but=but)
    bays = Bay.objects.using(DB).filter(showroom_id=showroom_id, is_active=True)
    return [bay for bay in bays if bay.pk not in busy]


def slots_free(
    *, showroom_id: Id, day: date, menu_id: Id | None = None
) -> list[tuple[datetime, datetime]]:
    """The starts on `day` (the showroom's calendar) at which some bay is free for the
    menu's norm hours (an hour for a complaint), every SERVICE_SLOT_MINUTES from opening."""
    card = showroom_card(showroom_id)
    length = booking_length(None if menu_id is None else menu_active(menu_id))
    hours = card.hours_on(day)
    if hours is None:
        return []
    zone = ZoneInfo(card.time_zone)
    step = timedelta(minutes=settings.SERVICE_SLOT_MINUTES)
    start, closes = datetime.combine(day, hours[0], zone), datetime.combine(day, hours[1], zone)
    bays = list(Bay.objects.using(DB).filter(showroom_id=showroom_id, is_active=True))
    booked = list(
        Booking.objects.using(DB)
        .filter(
            showroom_id=showroom_id,
            status=BookingStatus.BOOKED,
            start_time__lt=closes,
            end_time__gt=start,
        )
        .values_list("bay_id", "start_time", "end_time")
    )
    free = []
    while start + length <= closes:
        end = start + length
        busy = {bay for bay, taken, until in booked if taken < end and until > start}
        if not _slot_problem(card, start, end) and any(bay.pk not in busy for bay in bays):
            free.append((start, end))
        start += step
    return free


def _advisor_least_loaded(card: ShowroomCard, start: datetime) -> Advisor:
    """The showroom's advisor with the fewest bookings that day (its own calendar)."""
    zone = ZoneInfo(card.time_zone)
    day = start.astimezone(zone).date()
    opens = datetime.combine(day, datetime.min.time(), zone)
    that_day = Q(
        bookings__status=BookingStatus.BOOKED,
        bookings__start_time__gte=opens,
        bookings__start_time__lt=opens + timedelta(days=1),
    )
    advisor = (
        Advisor.objects.using(DB)
        .filter(showroom_id=card.id, is_active=True)
        .annotate(load=Count("bookings", filter=that_day))
        .order_by("load", "name", "pk")
        .first()
    )
    if advisor is None:
        raise ApplicationError(
            _("The showroom takes no service bookings yet."),
            code=ServiceErrorCode.NO_ADVISOR,
            status=409,
        )
    return advisor


def _slot_taken() -> ApplicationError:
    return ApplicationError(
        _("That time has just been booked: choose another."),
        code=ServiceErrorCode.SLOT_TAKEN,
        status=409,
    )


def _into_a_free_bay(booking: Booking, *, but: Id | None = None) -> None:
    """Save `booking` into the first bay free for its time; the exclusion constraint decides
    between racing bookings, each try in a savepoint of its own. Two inserted into one bay at
    once may each wait on the other's row in the constraint's check: PostgreSQL then ends one
    of them (`deadlock_detected`), and that one lost the bay as surely as by a conflict."""
    for bay in _free_bays(booking.showroom_id, booking.start_time, booking.end_time, but=but):
        booking.bay = bay
        try:
            with transaction.atomic(using=DB):
                booking.save(using=DB)
        except IntegrityError:
            continue
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            continue
        return
    raise _slot_taken()


def _vehicle_check(vin: str, plate: str) -> None:
    if not vin and not plate:
        message = _("Give the car's VIN or its plate.")
        raise ApplicationError(
            message, code=ServiceErrorCode.VEHICLE_REQUIRED, details={"vin": [message]}
        )


def _work(menu_id: Id | None, complaint: str) -> MaintenanceMenu | None:
    if menu_id is not None:
        return menu_active(menu_id)
    if not complaint.strip():
        message = _("Choose a maintenance or say what is wrong with the car.")
        raise ApplicationError(
            message, code=ServiceErrorCode.WORK_REQUIRED, details={"complaint": [message]}
        )
    return None


def _menu_fits(menu: MaintenanceMenu | None, vin: str) -> None:
    """A maintenance of one make is not booked for a car whose VIN names another (the
    catalog's decoding of its manufacturer, docs/service.md "Booking"); a VIN the decoding
    does not know, or a plate alone, is taken at its word."""
    if menu is None or not vin:
        return
    if catalog_selectors.vin_made_by(vin=vin, make=menu.make) is False:
        message = _("%(menu)s is for a %(make)s: this VIN is of another make.") % {
            "menu": menu.name,
            "make": menu.make,
        }
        raise ApplicationError(
            message, code=ServiceErrorCode.MENU_NOT_FOR_CAR, details={"menu_id": [message]}
        )


def _phone_confirm(user: Actor | None, phone: str, phone_code_id: Id | None, code: str) -> None:
    """A booker who is not signed in proves the phone is theirs with the code sent to it."""
    if user is not None:
        return
    if not phone or phone_code_id is None or not code:
        message = _("Confirm your phone with the code we send to it.")
        raise ApplicationError(
            message, code=ServiceErrorCode.PHONE_CODE_REQUIRED, details={"code": [message]}
        )
    phone_code_check(phone_code_id=phone_code_id, phone=phone, code=code)


def booking_create(
    *,
    user: Actor | None,
    showroom_id: Id,
    start_time: datetime,
    menu_id: Id | None = None,
    complaint: str = "",
    phone_code_id: Id | None = None,
    code: str = "",
    **vehicle: Unpack[Vehicle],
) -> Booking:
    """Book a car: by `user`, or by a phone confirmed with its code (`phone_code_id`,
    `code`) for someone not signed in."""
    vin, plate = vehicle.get("vin", ""), vehicle.get("plate", "")
    _vehicle_check(vin, plate)
    card = showroom_card(showroom_id)
    menu = _work(menu_id, complaint)
    _menu_fits(menu, vin)
    end_time = start_time + booking_length(menu)
    _slot_check(card, start_time, end_time)
    phone = vehicle.get("phone", "")
    _phone_confirm(user, phone, phone_code_id, code)
    with transaction.atomic(using=DB):
        if user is None and phone_code_id is not None:
            phone_code_spend(phone_code_id=phone_code_id)
        booking = Booking(
            showroom_id=card.id,
            advisor=_advisor_least_loaded(card, start_time),
            customer_id=None if user is None else user.pk,
            name=vehicle.get("name", ""),
            phone=phone,
            email=vehicle.get("email", ""),
            vin=vin.upper(),
            plate=plate.upper(),
            mileage_km=vehicle.get("mileage_km", 0),
            menu=menu,
            complaint=complaint,
            language=(translation.get_language() or "")[:2],
            start_time=start_time,
            end_time=end_time,
        )
        _into_a_free_bay(booking)
        events.SERVICE_BOOKING_CREATED.emit(
            aggregate_id=booking.pk, payload=events.booking_payload(booking)
        )
    return booking


def _locked(booking_id: Id, user: Actor | None) -> Booking:
    booking = (
        Booking.objects.using(DB)
        .select_for_update(of=("self",))
        .select_related("menu", "bay", "advisor")
        .get(pk=booking_id)
    )
    if user is not None and user.is_staff and str(booking.customer_id) != str(user.pk):
        scope_check(user, booking.showroom_id)
    return booking


def booking_reschedule(*, booking_id: Id, start_time: datetime, user: Actor | None) -> Booking:
    """Move a booked car to another start: its bay if free, else another; the advisor stays.
    `user` None: the anonymous booker, through the signed link."""
    with transaction.atomic(using=DB):
        booking = _locked(booking_id, user)
        if booking.status != BookingStatus.BOOKED:
            raise ApplicationError(
                _("A cancelled booking is not moved: book again."),
                code=ServiceErrorCode.BOOKING_NOT_CHANGEABLE,
                status=409,
            )
        card = showroom_card(booking.showroom_id)
        end_time = start_time + booking_length(booking.menu)
        _slot_check(card, start_time, end_time)
        booking.start_time, booking.end_time = start_time, end_time
        _into_a_free_bay(booking, but=booking.pk)
        events.SERVICE_BOOKING_RESCHEDULED.emit(
            aggregate_id=booking.pk, payload=events.booking_payload(booking)
        )
    return booking


def booking_cancel(*, booking_id: Id, user: Actor | None) -> Booking:
    """Cancel a booking; its bay's time is free again."""
    with transaction.atomic(using=DB):
        booking = _locked(booking_id, user)
        BOOKING_TRANSITIONS.apply(booking, BookingStatus.CANCELLED)
        booking.save(using=DB, update_fields=["status", "updated_at"])
        events.SERVICE_BOOKING_CANCELLED.emit(
            aggregate_id=booking.pk, payload=events.booking_payload(booking)
        )
    return booking


def booking_link_token(booking: Booking) -> str:
    """The signed token of the link an anonymous booker changes the booking with."""
    return links.link_token(booking.pk, salt=links.BOOKING)


def booking_id_of_link(token: str) -> str:
    return links.id_of_link(token, salt=links.BOOKING)
