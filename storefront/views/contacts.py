"""The dealership's contacts: every showroom with its address on a map, its phone to tap, its
week's hours on its own clock and whether it is open now, and the legal entity that sells
from it (the Consumer Protection Law, art. 26.1; docs/showrooms.md, "Who reads them")."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.formatting import local_date
from common.sellers import Seller
from documents import selectors as documents
from showroom.choices import Weekday
from showroom.selectors.showrooms import ShowroomCard, showrooms_for_buyers


@dataclass(frozen=True)
class DayRow:
    label: str
    hours: str  # 09:00–21:00, on the showroom's clock; empty on a day off
    today: bool


@dataclass(frozen=True)
class ShowroomShown:
    card: ShowroomCard
    seller: Seller | None
    open_now: bool
    closes_at: str  # today's closing, when open now
    next_opening: str  # when it opens next, when closed now
    week: list[DayRow]
    utc_offset: str  # "UTC+5" where its clock is not the dealership's, else empty


def shown(card: ShowroomCard, seller: Seller | None) -> ShowroomShown:
    now = card.now()
    today = now.date()
    hours_today = card.hours_on(today)
    week = [
        DayRow(
            str(label), card.hours_text_on(today + _days_to(today, day)), day == today.isoweekday()
        )
        for day, label in Weekday.choices
    ]
    open_now = card.is_open(now)
    opening = None if open_now else card.next_opening(now)
    return ShowroomShown(
        card=card,
        seller=seller,
        open_now=open_now,
        closes_at=f"{hours_today[1]:%H:%M}" if hours_today else "",
        next_opening=_when(opening, today) if opening else "",
        week=week,
        utc_offset=_offset_unless_the_dealerships(now),
    )


def _when(moment: datetime, today: date) -> str:
    """`today at 09:00`, `tomorrow at 09:00`, else the date and time, on its own clock."""
    clock = f"{moment:%H:%M}"
    if moment.date() == today:
        return _("today at %(time)s") % {"time": clock}
    if moment.date() == today + timedelta(days=1):
        return _("tomorrow at %(time)s") % {"time": clock}
    return f"{local_date(moment.date())} {clock}"


def _days_to(today: date, weekday: int) -> timedelta:
    """From `today` to the coming `weekday` (today itself when it is that day)."""
    return timedelta(days=(weekday - today.isoweekday()) % 7)


def _offset_unless_the_dealerships(now: datetime) -> str:
    """`UTC+5` for a showroom's clock that differs from the dealership's, else empty."""
    offset = now.utcoffset()
    if offset is None or offset == timezone.localtime(now).utcoffset():
        return ""
    return f"UTC{int(offset.total_seconds() // 3600):+d}"


@require_GET
def contacts(request: HttpRequest) -> HttpResponse:
    cards = showrooms_for_buyers()
    # Each showroom's seller as its cars' pages, papers and receipts name it
    # (docs/showrooms.md, "One seller").
    showrooms = [shown(card, documents.seller_of(showroom_id=card.id)) for card in cards]
    cities = sorted({card.city for card in cards})
    return render(request, "storefront/contacts.html", {"showrooms": showrooms, "cities": cities})
