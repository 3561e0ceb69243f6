"""Draws ninety days of history from a fixed seed: who appears when, what they buy and how it
goes; only "now" is real, so that it always ends today (docs/operations.md, "Demo data")."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from demo.deals import DealSteps
from demo.plan import (
    DAYS,
    EVENTS,
    FEMALE,
    LEAD_NOTES,
    LEAD_SOURCES,
    MAIL_DOMAINS,
    MALE,
    MANAGERS,
    SEED,
    SURNAMES,
    DemoCar,
    Person,
    Plan,
    Step,
)


class Planner(DealSteps):
    """Draws the history: who appears when, what they buy and how it goes."""

    def __init__(
        self, now: datetime, vehicles: list[tuple], accessories: list[tuple], cars: list[DemoCar]
    ):
        self.rng = random.Random(SEED)
        self.now = now
        self.zone = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)
        self.today = timezone.localtime(now, self.zone).date()
        self.first_day = self.today - timedelta(days=DAYS - 1)
        self.steps: list[Step] = []
        # (name, price, stock) of what the history may sell, by name: stable from run to run.
        self.vehicles = vehicles
        self.accessories = accessories
        self.sold = {name: 0 for name, _, _ in vehicles + accessories}
        self.prices = {name: Decimal(price) for name, price, _ in vehicles + accessories}
        # What staff give back once an order is completed: (share or amount, reason) by order.
        self.after_sale: dict[str, tuple[str, str]] = {}
        self.cars = cars  # the vehicles with a demo car for test drives, by name
        self.people: list[Person] = []
        self.used_names: set[str] = set()
        self.slots: set[tuple] = set()

    # -- time ------------------------------------------------------------------------
    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def add(self, at: datetime, action: str, **args) -> None:
        self.steps.append(Step(at, len(self.steps), action, args))

    def working_moment(self, day: date) -> datetime:
        return self.at(day, self.rng.randint(10, 18), self.rng.randrange(0, 60, 5))

    # -- people ----------------------------------------------------------------------
    def person(self, appears: datetime) -> Person:
        while True:
            female = self.rng.random() < 0.4
            first, first_latin = self.rng.choice(FEMALE if female else MALE)
            last, last_latin = self.rng.choice(SURNAMES)
            if female:
                last, last_latin = last + "а", last_latin + "a"
            name = f"{first} {last}"
            if name not in self.used_names:
                break
        self.used_names.add(name)
        number = len(self.people) + 1
        email = f"{first_latin}.{last_latin}{number}@{self.rng.choice(MAIL_DOMAINS)}"
        phone = "+79" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))
        person = Person(
            key=f"p{number}",
            name=name,
            email=email,
            phone=phone,
            manager=self.rng.randrange(len(MANAGERS)),
            appears=appears,
            account_at=None,
            taken_at=appears,
        )
        self.people.append(person)
        manager = person.manager
        if self.rng.random() < 0.45:  # registers on the website: the CRM gives them a manager
            person.account_at = appears
            person.taken_at = appears + timedelta(hours=2)
            self.add(appears, "register", person=person.key, name=name, email=email, phone=phone)
            self.add(person.taken_at, "assign", person=person.key, manager=manager)
            return person
        source = self.rng.choice(LEAD_SOURCES)
        self.add(
            appears,
            "lead",
            person=person.key,
            name=name,
            email=email,
            phone=phone,
            source=source,
            manager=manager,
        )
        moment = appears
        for _ in range(self.rng.randint(1, 3)):
            moment += timedelta(hours=self.rng.randint(3, 60))
            kind = self.rng.choice(list(LEAD_NOTES))
            summary = self.rng.choice(LEAD_NOTES[kind])
            self.add(
                moment, "activity", person=person.key, manager=manager, kind=kind, summary=summary
            )
        if self.rng.random() < 0.75:  # comes back and registers: the lead is linked by e-mail
            person.account_at = moment + timedelta(hours=self.rng.randint(2, 48))
            self.add(
                person.account_at,
                "register",
                person=person.key,
                name=name,
                email=email,
                phone=phone,
            )
        return person

    def customer(self, moment: datetime) -> Person | None:
        ready = [
            p
            for p in self.people
            if p.account_at is not None
            and p.account_at < moment
            and (p.busy_until is None or p.busy_until < moment)
        ]
        if not ready:
            return None
        fresh = [p for p in ready if p.orders == 0]
        pool = fresh if fresh and self.rng.random() < 0.6 else ready
        return self.rng.choice(pool)

    # -- stock -----------------------------------------------------------------------
    def pick(self, goods: list[tuple], weights=None, quantity: int = 1) -> str | None:
        """A product still in stock, keeping one of each on the lot (every order counts,
        cancelled ones too: what they give back is a margin)."""
        weights = weights or [1] * len(goods)
        left = [
            (name, weight)
            for (name, _, stock), weight in zip(goods, weights, strict=True)
            if self.sold[name] + quantity < stock
        ]
        if not left:
            return None
        name = self.rng.choices([n for n, _ in left], weights=[w for _, w in left])[0]
        self.sold[name] += quantity
        return name

    # -- the plan --------------------------------------------------------------------
    def build(self) -> Plan:
        start = self.at(self.first_day, 9)
        for manager, _ in enumerate(MANAGERS):
            self.add(start - timedelta(days=5, minutes=30 - manager), "manager", index=manager)
        for _ in range(18):  # the customers the dealership already had
            self.person(start - timedelta(hours=self.rng.randint(2, 72)))
        order_number = 0
        for offset in range(DAYS):
            day = self.first_day + timedelta(days=offset)
            weekday = day.weekday()
            for _ in range(self.rng.choice([1, 1, 2]) if weekday < 5 else self.rng.randint(0, 1)):
                self.person(self.working_moment(day))
            if day == self.today:
                moments = self.today_moments()
            else:
                count = (
                    self.rng.randint(3, 5)
                    if weekday < 5
                    else self.rng.randint(1, 4)
                    if weekday == 5
                    else self.rng.choice([0, 0, 1, 2])
                )
                moments = sorted(self.working_moment(day) for _ in range(count))
            for moment in moments:
                customer = self.customer(moment)
                if customer is None:
                    continue
                order_number += 1
                self.order(f"o{order_number}", customer, moment)
            self.showroom_day(day)
        self.events()
        self.drive_today()
        steps = sorted(s for s in self.steps if s.at < self.now - timedelta(minutes=1))
        return Plan(steps, self.now)

    def today_moments(self) -> list[datetime]:
        """Today's orders: in the last hours before now, none before midnight."""
        midnight = self.at(self.today, 0)
        moments = [self.now - timedelta(minutes=m) for m in (170, 125, 95, 60, 35, 20)]
        # Just after midnight, one in what there is of today.
        return [m for m in moments if m > midnight] or [midnight + (self.now - midnight) / 3]

    # -- the showroom ----------------------------------------------------------------
    def drive(self, person: Person, booked: datetime, start: datetime, car: str, outcome) -> None:
        key = f"d{len(self.slots)}"
        self.slots.add((start, car))
        person.drives_until = max(start, person.drives_until or start)
        self.add(
            booked, "drive_book", drive=key, person=person.key, car=car, start=start.isoformat()
        )
        if outcome == "cancelled":
            self.add(start - timedelta(hours=self.rng.randint(3, 20)), "drive_cancel", drive=key)
        elif outcome:
            self.add(
                start + timedelta(minutes=70),
                "drive_outcome",
                drive=key,
                outcome=outcome,
                manager=person.manager,
            )

    @staticmethod
    def may_book(person: Person, booked: datetime) -> bool:
        """Whether `person`'s drives have all begun by `booked`: one booked at a time."""
        return person.drives_until is None or person.drives_until <= booked

    def cars_on(self, day: date) -> list[str]:
        """The demo cars whose showrooms take test drives on `day`; the hours a drive starts
        at (10:00 to 17:00 in Moscow) are within every demo showroom's on a day it opens."""
        return [car.name for car in self.cars if car.open_on(day)]

    def free_slot(self, day: date) -> tuple[datetime, str] | None:
        cars = self.cars_on(day)
        for _ in range(6 if cars else 0):
            start = self.at(day, self.rng.randint(10, 17))
            car = self.rng.choice(cars)
            if (start, car) not in self.slots:
                return start, car
        return None

    def showroom_day(self, day: date) -> None:
        if not self.cars:
            return
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            found = self.free_slot(day)
            booked = self.at(day - timedelta(days=self.rng.randint(1, 3)), self.rng.randint(10, 18))
            person = self.customer(booked)
            if found is None or person is None or not self.may_book(person, booked):
                continue
            start, car = found
            outcome = (
                None
                if start > self.now
                else self.rng.choices(["completed", "no_show", "cancelled"], weights=[70, 20, 10])[
                    0
                ]
            )
            self.drive(person, booked, start, car, outcome)

    def drive_today(self) -> None:
        """A test drive today, later today when the showroom is still open (until 18:00)."""
        if not self.cars:
            return
        local = timezone.localtime(self.now, self.zone)
        hour = max(local.hour + 1, 10) if local.hour < 17 else 11
        start = self.at(self.today, hour)
        free = [car for car in self.cars_on(self.today) if (start, car) not in self.slots]
        booked = self.at(self.today - timedelta(days=1), 16)
        people = [self.customer(booked) for _ in range(5)] if free else []
        person = next((p for p in people if p is not None and self.may_book(p, booked)), None)
        if person is not None:
            outcome = "completed" if start < self.now - timedelta(hours=2) else None
            self.drive(person, booked, start, free[0], outcome)

    def events(self) -> None:
        """An event every fortnight: announced two weeks ahead, registrations until it
        starts, finished when it is over."""
        for number, (category, title, description) in enumerate(EVENTS):
            start = self.at(self.first_day + timedelta(days=10 + number * 14), 11)
            while start.weekday() != 5:  # on Saturdays
                start += timedelta(days=1)
            if start > self.now - timedelta(days=1):
                break
            key = f"e{number}"
            self.add(
                start - timedelta(days=14),
                "event",
                event=key,
                category=category,
                title=title,
                description=description,
                start=start.isoformat(),
                capacity=30,
            )
            registered = set()
            for _ in range(self.rng.randint(6, 16)):
                moment = start - timedelta(
                    days=self.rng.randint(1, 13), hours=self.rng.randint(0, 6)
                )
                person = self.customer(moment)
                if person is not None and person.key not in registered:
                    registered.add(person.key)
                    self.add(moment, "event_register", event=key, person=person.key)
            self.add(start + timedelta(hours=8), "event_finish", event=key)
