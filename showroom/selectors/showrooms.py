"""The showrooms as a buyer reads them (docs/showrooms.md): contacts, the week's hours and
whether it is open now, each on its own clock. Every storefront page's footer reads them:
kept in the cache for a minute, forgotten when a showroom, its hours or holidays change."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone

from common.types import Id
from showroom.choices import Weekday
from showroom.models import Showroom

CACHE_KEY = "showroom:showrooms"
CACHE_SECONDS = 60


@dataclass(frozen=True)
class WeekdayHours:
    """One weekday's hours; `opens` None on a day off."""

    weekday: int
    opens: time | None
    closes: time | None


@dataclass(frozen=True)
class ShowroomCard:
    id: UUID
    name: str
    brands: str
    city: str
    address: str
    phone: str
    tel: str
    service_phone: str
    email: str
    time_zone: str
    latitude: Decimal | None
    longitude: Decimal | None
    legal_entity_id: int | None
    week: tuple[WeekdayHours, ...]
    # Days of other hours, from yesterday on (a showroom's today may be the dealership's
    # yesterday): (date, opens, closes), no hours when closed.
    holidays: tuple[tuple[date, time | None, time | None], ...]

    @property
    def map_url(self) -> str:
        """Yandex Maps at the showroom (its pin, or its address searched): a phone opens it in
        the maps application."""
        if self.latitude is not None and self.longitude is not None:
            point = f"{self.longitude},{self.latitude}"
            return "https://yandex.ru/maps/?" + urlencode({"pt": point, "z": 16, "l": "map"})
        return "https://yandex.ru/maps/?" + urlencode({"text": f"{self.city}, {self.address}"})

    def hours_on(self, day: date) -> tuple[time, time] | None:
        """When it is open on `day` (its own calendar), a holiday's hours first."""
        for holiday, opens, closes in self.holidays:
            if holiday == day:
                return (opens, closes) if opens and closes else None
        for hours in self.week:
            if hours.weekday == day.isoweekday():
                return (hours.opens, hours.closes) if hours.opens and hours.closes else None
        return None

    def hours_text_on(self, day: date) -> str:
        """`09:00–21:00` on its own clock, empty when closed that day."""
        hours = self.hours_on(day)
        return f"{hours[0]:%H:%M}–{hours[1]:%H:%M}" if hours else ""

    def now(self, moment: datetime | None = None) -> datetime:
        """`moment` (by default now) on its own clock."""
        return (moment or timezone.now()).astimezone(ZoneInfo(self.time_zone))

    def is_open(self, moment: datetime | None = None) -> bool:
        moment = self.now(moment)
        hours = self.hours_on(moment.date())
        return hours is not None and hours[0] <= moment.time() < hours[1]

    def next_opening(self, moment: datetime | None = None) -> datetime | None:
        """When it opens next after `moment` (within a fortnight), on its own clock."""
        moment = self.now(moment)
        for ahead in range(15):
            day = moment.date() + timedelta(days=ahead)
            hours = self.hours_on(day)
            if hours is None:
                continue
            opening = datetime.combine(day, hours[0], tzinfo=moment.tzinfo)
            if opening > moment:
                return opening
        return None


def _card(showroom: Showroom, today: date) -> ShowroomCard:
    rows = {row.weekday: row for row in showroom.hours.all()}
    return ShowroomCard(
        id=showroom.pk,
        name=showroom.name,
        brands=showroom.brands,
        city=showroom.city,
        address=showroom.address,
        phone=showroom.phone,
        tel=showroom.tel,
        service_phone=showroom.service_phone,
        email=showroom.email,
        time_zone=showroom.time_zone,
        latitude=showroom.latitude,
        longitude=showroom.longitude,
        legal_entity_id=showroom.legal_entity_id,
        week=tuple(
            WeekdayHours(
                day,
                rows[day].opens_at if day in rows else None,
                rows[day].closes_at if day in rows else None,
            )
            for day in Weekday.values
        ),
        holidays=tuple(
            (holiday.date, holiday.opens_at, holiday.closes_at)
            for holiday in showroom.holidays.all()
            if holiday.date >= today - timedelta(days=1)
        ),
    )


def showrooms_for_buyers() -> list[ShowroomCard]:
    """The showrooms open to buyers, in the site's order."""
    cached: list[ShowroomCard] | None = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    today = timezone.localdate()
    showrooms = Showroom.objects.filter(is_active=True).prefetch_related("hours", "holidays")
    cards = [_card(showroom, today) for showroom in showrooms]
    cache.set(CACHE_KEY, cards, CACHE_SECONDS)
    return cards


def showrooms_forget(sender: object, **kwargs: object) -> None:
    """`post_save`/`post_delete` receiver of a showroom, its hours and holidays."""
    cache.delete(CACHE_KEY)


def showroom_sale_place(*, showroom_id: Id) -> tuple[int | None, str] | None:
    """Where a showroom's sales are made: the id of the legal entity that sells from it (the
    documents app's; None for one that names none) and its city; None for no such showroom,
    open to buyers or not (docs/showrooms.md, "One seller")."""
    found = Showroom.objects.filter(pk=showroom_id).values_list("legal_entity_id", "city")
    return found.first()


def showroom_names() -> list[tuple[UUID, str]]:
    """Every showroom, open or not, by name and city: what the accounts admin offers a
    manager to work in (common.showrooms)."""
    rows = Showroom.objects.values_list("id", "name", "city")
    return [(pk, f"{name}, {city}") for pk, name, city in rows]
