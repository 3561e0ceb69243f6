"""Ninety days of dealership history for `manage.py seed_demo`, ending now: managers,
leads who become customers, a few hundred orders with their payments, loans, policies,
refunds and cancellations, showroom events and test drives (docs/operations.md, "Demo data").

It is made in two steps. `plan()` draws every step from a fixed seed, so that the history is
the same on every run; only "now" is the real one, so that it always ends today. `History`
then carries the steps out in time order through the services, each under a clock moved
to the step's moment (time-machine), so that every row, history entry, event, ledger row and
CRM timeline entry the step makes, in whichever app, carries that moment. In embedded mode
(and in the test suite) the events are delivered at once, so the consumers' rows do too.

A step the services refuse (a service that disagrees with the plan, say a car sold out
in services mode, where events arrive later) is skipped and counted, never fatal."""

import hashlib
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict
from uuid import UUID
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.choices import Role
from accounts.models import User
from catalog import demo as catalog_demo
from catalog import selectors as catalog_selectors
from common.exceptions import ApplicationError, NotFound
from common.money import to_cents
from crm import selectors as crm_selectors
from crm import services as crm_services
from financing import scoring
from financing import selectors as financing_selectors
from financing import services as financing_services
from insurance import services as insurance_services
from orders import services as orders_services
from payments import services as payments_services
from showroom import selectors as showroom_selectors
from showroom import services as showroom_services

logger = logging.getLogger(__name__)

DAYS = 90
SEED = 34_2026  # fixed: the same history on every run
ADMIN_EMAIL = "admin@autosalon.local"
# The demo manager of accounts/demo.py and two colleagues; the first colleague's account
# marks the history as made (running seed_demo again adds nothing).
MANAGERS = [
    ("manager@autosalon.local", "Максим Громов", ""),
    ("ekaterina.smirnova@autosalon.local", "Екатерина Смирнова", "+79161110011"),
    ("dmitry.orlov@autosalon.local", "Дмитрий Орлов", "+79161110022"),
]
MARKER_EMAIL = MANAGERS[1][0]

MALE = [
    ("Алексей", "aleksey"), ("Дмитрий", "dmitry"), ("Сергей", "sergey"), ("Андрей", "andrey"),
    ("Михаил", "mikhail"), ("Иван", "ivan"), ("Николай", "nikolay"), ("Павел", "pavel"),
    ("Артём", "artyom"), ("Владимир", "vladimir"), ("Роман", "roman"), ("Евгений", "evgeny"),
    ("Константин", "konstantin"), ("Игорь", "igor"), ("Олег", "oleg"), ("Тимур", "timur"),
]  # fmt: skip
FEMALE = [
    ("Анна", "anna"), ("Елена", "elena"), ("Ольга", "olga"), ("Наталья", "natalya"),
    ("Мария", "maria"), ("Татьяна", "tatyana"), ("Ирина", "irina"), ("Светлана", "svetlana"),
    ("Юлия", "yulia"), ("Дарья", "darya"), ("Ксения", "ksenia"), ("Марина", "marina"),
]  # fmt: skip
# Surnames whose feminine form adds "а".
SURNAMES = [
    ("Иванов", "ivanov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"), ("Васильев", "vasilyev"), ("Петров", "petrov"),
    ("Соколов", "sokolov"), ("Михайлов", "mikhaylov"), ("Новиков", "novikov"),
    ("Фёдоров", "fedorov"), ("Морозов", "morozov"), ("Волков", "volkov"),
    ("Алексеев", "alekseev"), ("Лебедев", "lebedev"), ("Семёнов", "semyonov"),
    ("Егоров", "egorov"), ("Павлов", "pavlov"), ("Козлов", "kozlov"),
    ("Степанов", "stepanov"), ("Николаев", "nikolaev"), ("Орлов", "orlov"),
    ("Андреев", "andreev"), ("Макаров", "makarov"), ("Никитин", "nikitin"),
    ("Захаров", "zakharov"), ("Зайцев", "zaytsev"), ("Соловьёв", "solovyov"),
    ("Борисов", "borisov"), ("Яковлев", "yakovlev"), ("Григорьев", "grigoryev"),
]  # fmt: skip
MAIL_DOMAINS = ["example.ru", "example.com", "example.net", "example.org"]
LEAD_SOURCES = ["walk_in", "phone", "website", "referral", "event"]
# The demo dealership's own words, in its language, as its managers write them.
LEAD_NOTES = {
    "call": ["Спрашивал об условиях кредита", "Перезвонили по оценке трейд-ина",
             "Уточнял срок поставки", "Просил цену с зимней резиной"],
    "meeting": ["Смотрел кроссоверы в салоне", "Приезжал с семьёй сравнить две модели"],
    "email": ["Отправили прайс-лист и кредитный калькулятор", "Отправили предложение с расчётом КАСКО"],
    "note": ["Звонить после 18:00", "Сдаёт в трейд-ин седан 2015 года"],
}  # fmt: skip
CANCEL_REASONS = ["Передумал", "Нашёл предложение выгоднее", "Решил дождаться новой модели"]
EVENTS = [
    ("Презентации моделей", "Выходные кроссоверов", "Все кроссоверы в зале и оценка трейд-ина."),
    ("Дни тест-драйвов", "Суббота тест-драйвов", "Любой демонстрационный автомобиль на трассе."),
    ("Презентации моделей", "Премьера нового седана", "Новый седан и эксперты марки."),
    (
        "Дни тест-драйвов",
        "Школа зимнего вождения",
        "Торможение и управление на снегу с инструкторами.",
    ),
    (
        "Презентации моделей",
        "Семейный день",
        "Установим детские кресла, измерим багажники, кофе для всех.",
    ),
    ("Дни тест-драйвов", "День бездорожья", "Внедорожники на трассе бездорожья."),
]
VEHICLE_MIN_STOCK = 8  # models stocked fewer than this are the small demo's


class InsuranceDriver(TypedDict):
    """The driver a demo insurance quote names (insurance.services.quote_create)."""

    driver_age: int
    driver_experience_years: int


INSURANCE_DRIVER: InsuranceDriver = {"driver_age": 38, "driver_experience_years": 15}
# A client's income as a multiple of the monthly payment: scoring approves a debt-to-income
# ratio of 25%, leaves 50% to a manager and rejects 80% (financing/demo.py).
INCOME_MULTIPLE = {"approved": Decimal("4"), "review": Decimal("2"), "rejected": Decimal("1.25")}


@dataclass(order=True)
class Step:
    at: datetime
    seq: int
    action: str = field(compare=False)
    args: dict = field(compare=False, default_factory=dict)


@dataclass
class Person:
    key: str
    name: str
    email: str
    phone: str
    manager: int  # index into MANAGERS
    appears: datetime
    account_at: datetime | None
    # When their manager has them: a lead comes with one, a sign-up is assigned two hours later.
    taken_at: datetime
    orders: int = 0
    # Until their car's order is paid or cancelled: one at a time, well within the limit of
    # unpaid vehicles (ORDERS_MAX_UNPAID_VEHICLES).
    busy_until: datetime | None = None


@dataclass
class Plan:
    steps: list[Step]
    now: datetime

    def count(self, action: str) -> int:
        return sum(step.action == action for step in self.steps)

    def fingerprint(self) -> str:
        """The plan as text, hashed: the same seed and the same now give the same one."""
        digest = hashlib.sha256()
        for step in self.steps:
            at = int((self.now - step.at).total_seconds())
            digest.update(f"{at}|{step.action}|{sorted(step.args.items())}\n".encode())
        return digest.hexdigest()


class Planner:
    """Draws the history: who appears when, what they buy and how it goes."""

    def __init__(self, now: datetime, vehicles: list[tuple], accessories: list[tuple], cars):
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
        self.cars = cars  # names of the vehicles with a demo car for test drives
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

    def order(self, key: str, customer: Person, moment: datetime) -> None:
        rng = self.rng
        vehicle = rng.random() < 0.75 and self.pick(
            self.vehicles, [6 if price < 3_000_000 else 3 for _, price, _ in self.vehicles]
        )
        if vehicle:
            items = [(vehicle, 1)]
            if rng.random() < 0.3:
                accessory = self.pick(self.accessories)
                if accessory:
                    items.append((accessory, 1))
        else:
            quantity = rng.randint(1, 2)
            accessory = self.pick(self.accessories, quantity=quantity)
            if accessory is None:
                return
            items = [(accessory, quantity)]
        customer.orders += 1
        first = customer.orders == 1
        self.add(moment, "order", order=key, person=customer.key, items=items)
        paid_at = None
        if not vehicle:
            if rng.random() < 0.85:
                paid_at = moment + timedelta(minutes=rng.randint(10, 90))
                self.pay(key, customer, paid_at, rng.choice(["cash", "card"]), "rest")
            else:
                self.cancel(key, customer, moment + timedelta(hours=rng.randint(2, 20)))
            if paid_at and rng.random() < 0.12:  # part of it brought back: a staff refund
                self.after_sale[key] = ("0.5", "Один товар возвращён неиспользованным")
        else:
            customer.busy_until = moment + timedelta(days=7)
            price = sum((self.prices[name] * quantity for name, quantity in items), Decimal(0))
            paid_at = self.vehicle_deal(key, customer, moment, price)
        if paid_at is None:
            return
        if first:  # an hour after paying, and not before a manager has taken them on
            self.add(
                max(paid_at + timedelta(hours=1), customer.taken_at + timedelta(minutes=5)),
                "activate",
                person=customer.key,
                manager=customer.manager,
            )
        if vehicle and rng.random() < 0.35:
            self.insure(key, customer, paid_at + timedelta(hours=rng.randint(1, 20)))
        if paid_at < self.now - timedelta(days=10) and rng.random() < 0.55:
            processing = paid_at + timedelta(days=rng.randint(1, 3))
            self.add(processing, "status", order=key, status="processing", manager=customer.manager)
            if rng.random() < 0.7:
                done = processing + timedelta(days=rng.randint(2, 6))
                self.add(done, "status", order=key, status="completed", manager=customer.manager)
                # Money given back after the sale: before it, a refund would leave the order
                # owing what went back (docs/deal.md, "Cancelling").
                refund = self.after_sale.get(key)
                if refund and (at := done + timedelta(days=rng.randint(1, 3))) < self.now:
                    share, reason = refund
                    self.add(
                        at,
                        "refund",
                        order=key,
                        manager=customer.manager,
                        share=share,
                        reason=reason,
                    )

    def vehicle_deal(self, key: str, customer: Person, moment: datetime, price: Decimal):
        """How a car's order of `price` goes; returns when it was paid in full, if it was."""
        rng = self.rng
        r = rng.random()
        if r < 0.30:  # paid in full the same day
            paid_at = moment + timedelta(hours=rng.randint(1, 5))
            self.pay(key, customer, paid_at, rng.choice(["card", "bank_transfer"]), "rest")
            return paid_at
        if r < 0.45:  # a deposit now, the rest within days
            deposit_at = moment + timedelta(minutes=rng.randint(20, 90))
            self.pay(key, customer, deposit_at, "card", rng.choice(["0.10", "0.15", "0.20"]))
            paid_at = deposit_at + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 3))
            self.pay(key, customer, paid_at, "bank_transfer", "rest")
            return paid_at
        if r < 0.72:  # on credit
            return self.loan(key, customer, moment, price)
        if r < 0.82:  # the customer cancels before paying
            self.cancel(key, customer, moment + timedelta(hours=rng.randint(2, 20)))
            return None
        if r < 0.88:  # never paid: the dealership cancels it
            self.add(
                moment + timedelta(hours=rng.randint(24, 30)),
                "cancel",
                order=key,
                person=None,
                reason="Не оплачен вовремя",
            )
            return None
        if r < 0.94:  # paid, then cancelled: refunded in full
            paid_at = moment + timedelta(hours=rng.randint(1, 5))
            self.pay(key, customer, paid_at, "card", "rest")
            self.cancel(key, customer, paid_at + timedelta(days=rng.randint(1, 3)))
            return None
        paid_at = moment + timedelta(hours=rng.randint(1, 5))
        self.pay(key, customer, paid_at, "card", "rest")
        self.after_sale[key] = ("25000", "Скидка при выдаче в знак доброй воли")
        return paid_at

    def loan(self, key: str, customer: Person, moment: datetime, price: Decimal):
        rng = self.rng
        applied = moment + timedelta(minutes=rng.randint(15, 60))
        outcome = rng.choices(["approved", "review", "rejected"], weights=[60, 25, 15])[0]
        down = rng.choice(["0.20", "0.25", "0.30", "0.40"])
        term = rng.choice([24, 36, 48, 60])
        if (
            outcome == "approved"
            and price * (1 - Decimal(down)) > settings.FINANCING_AUTO_APPROVE_MAX
        ):
            outcome = "review"  # scoring approves no loan that large by itself: a manager does
        self.add(
            applied, "loan", order=key, person=customer.key, outcome=outcome, down=down, term=term
        )
        approved = outcome == "approved"
        if outcome == "review":
            decided = applied + timedelta(hours=rng.randint(3, 26))
            approved = rng.random() < 0.7
            self.add(
                decided,
                "loan_decide",
                order=key,
                manager=customer.manager,
                decision="approved" if approved else "rejected",
            )
            if approved and price * (1 - Decimal(down)) > settings.FINANCING_SECOND_APPROVAL_ABOVE:
                decided += timedelta(hours=rng.randint(1, 4))  # four eyes: another manager
                second = (customer.manager + 1) % len(MANAGERS)
                self.add(decided, "loan_decide", order=key, manager=second, decision="approved")
            applied = decided
        if not approved:
            if rng.random() < 0.5:
                paid_at = applied + timedelta(hours=rng.randint(2, 30))
                self.pay(key, customer, paid_at, "bank_transfer", "rest")
                return paid_at
            self.cancel(key, customer, applied + timedelta(hours=rng.randint(2, 20)))
            return None
        down_at = applied + timedelta(hours=rng.randint(1, 20))
        self.pay(key, customer, down_at, "card", "down")
        paid_at = down_at + timedelta(days=rng.randint(1, 3))
        self.add(paid_at, "loan_check", order=key)
        return paid_at

    def pay(self, key: str, customer: Person, at: datetime, method: str, share: str) -> None:
        self.add(at, "pay", order=key, person=customer.key, method=method, share=share)

    def cancel(self, key: str, customer: Person, at: datetime) -> None:
        reason = self.rng.choice(CANCEL_REASONS)
        self.add(at, "cancel", order=key, person=customer.key, reason=reason)

    def insure(self, key: str, customer: Person, at: datetime) -> None:
        rng = self.rng
        kind = rng.choice(["kasko", "kasko", "osago"])
        self.add(at, "insure", order=key, person=customer.key, kind=kind)
        if rng.random() < 0.1:
            return  # never paid: it lapses
        paid_at = at + timedelta(hours=rng.randint(1, 24))
        self.add(paid_at, "premium", order=key, person=customer.key)
        if paid_at < self.now - timedelta(days=15) and rng.random() < 0.2:
            filed = paid_at + timedelta(days=rng.randint(5, 12))
            self.add(
                filed,
                "claim",
                order=key,
                person=customer.key,
                amount=rng.choice(["30000", "45000", "62000", "120000"]),
            )
            decided = filed + timedelta(days=rng.randint(1, 4))
            if decided < self.now:
                self.add(
                    decided,
                    "claim_decide",
                    order=key,
                    manager=customer.manager,
                    approve=rng.random() < 0.65,
                )

    # -- the showroom ----------------------------------------------------------------
    def drive(self, person: Person, booked: datetime, start: datetime, car: str, outcome) -> None:
        key = f"d{len(self.slots)}"
        self.slots.add((start, car))
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

    def free_slot(self, day: date) -> tuple[datetime, str] | None:
        for _ in range(6):
            start = self.at(day, self.rng.randint(10, 17))
            car = self.rng.choice(self.cars)
            if (start, car) not in self.slots:
                return start, car
        return None

    def showroom_day(self, day: date) -> None:
        if not self.cars or day.weekday() == 6:
            return
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            found = self.free_slot(day)
            booked = self.at(day - timedelta(days=self.rng.randint(1, 3)), self.rng.randint(10, 18))
            person = self.customer(booked)
            if found is None or person is None:
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
        for car in self.cars:
            if (start, car) in self.slots:
                continue
            booked = self.at(self.today - timedelta(days=1), 16)
            person = self.customer(booked)
            if person is not None:
                self.drive(
                    person,
                    booked,
                    start,
                    car,
                    "completed" if start < self.now - timedelta(hours=2) else None,
                )
            return

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


class History:
    """Carries a plan out through the services, each step at its moment."""

    def __init__(self, stdout, verbosity: int):
        self.stdout = stdout
        self.verbosity = verbosity
        self.admin = demo_admin()
        self.managers: list = []
        self.users: dict = {}
        self.clients: dict = {}
        self.orders: dict = {}
        self.paid: dict[str, Decimal] = {}
        self.payments: dict[str, list] = {}
        self.applications: dict = {}
        self.policies: dict = {}
        self.claims: dict = {}
        self.events: dict = {}
        self.drives: dict = {}
        self.skipped = 0
        # What is on the lot by name: the cars of a model one by one (a product per car),
        # an accessory as its one product.
        self.products: dict[str, list] = defaultdict(list)
        on_sale = catalog_selectors.product_list().filter(stock_quantity__gt=0)
        for product in on_sale.order_by("created_at", "pk"):
            self.products[product.name].append(product)
        self.demo_cars = demo_cars_by_name(self.admin)

    def run(self, plan: Plan) -> None:
        total = plan.count("order")
        done = 0
        with time_machine.travel(plan.steps[0].at, tick=False) as clock:
            for step in plan.steps:
                clock.move_to(step.at)
                try:
                    getattr(self, f"do_{step.action}")(**step.args)
                except (ApplicationError, NotFound, KeyError, LookupError) as exc:
                    self.skipped += 1
                    # Logged at any verbosity: the summary counts the skips, the log says why.
                    logger.warning("Demo step skipped: %s %s: %r", step.action, step.args, exc)
                    if self.verbosity > 1:
                        self.stdout.write(f"  skipped {step.action} {step.args}: {exc}")
                if step.action == "order":
                    done += 1
                    if done % 50 == 0 or done == total:
                        self.stdout.write(f"  Seeding orders: {done}/{total}")

    # -- people ----------------------------------------------------------------------
    def manager(self, index: int):
        return self.managers[index]

    def do_manager(self, *, index: int) -> None:
        email, full_name, phone = MANAGERS[index]
        user = accounts_selectors.user_get_by_email(email=email)
        if user is None:
            user = accounts_services.user_create(
                actor=self.admin, email=email, role=Role.MANAGER, full_name=full_name, phone=phone
            )
        self.managers.append(user)

    def do_lead(self, *, person, name, email, phone, source, manager) -> None:
        self.clients[person] = crm_services.client_create(
            actor=self.manager(manager), name=name, email=email, phone=phone, source=source
        ).pk

    def do_activity(self, *, person, manager, kind, summary) -> None:
        crm_services.activity_log(
            client_id=self.clients[person], author=self.manager(manager), kind=kind, summary=summary
        )

    def do_register(self, *, person, name, email, phone) -> None:
        user = accounts_services.user_create(
            actor=self.admin, email=email, role=Role.CLIENT, full_name=name, phone=phone
        )
        # The customer follows the link of the verification e-mail, as buyers do before a
        # hold or a loan that scoring approves (docs/security.md, "Money only from money").
        token = accounts_services.email_verify_token(user=user)
        self.users[person] = accounts_services.email_verify_confirm(token=token)

    def client_of(self, person):
        """The person's CRM record: made or linked from their account's events."""
        if person not in self.clients:
            with transaction.atomic(using="crm"):
                client = crm_services.client_for_user(self.users[person].pk)
            self.clients[person] = client.pk
        return self.clients[person]

    def do_assign(self, *, person, manager) -> None:
        """The sign-up came in with the manager whose turn it was (docs/crm.md,
        "Assignment"); the plan's manager looks after them, so the admin reassigns the lead
        when the turn gave it to another, as an admin evening out the work would."""
        client_id = self.client_of(person)
        planned = self.manager(manager)
        client = crm_selectors.client_get(user=self.admin, client_id=client_id)
        if client.manager_id is None:  # assignment off (CRM_LEAD_ASSIGNMENT=none)
            crm_services.client_take(actor=planned, client_id=client_id)
        elif client.manager_id != planned.pk:
            crm_services.client_update(actor=self.admin, client_id=client_id, manager_id=planned.pk)

    def do_activate(self, *, person, manager) -> None:
        client_id = self.client_of(person)
        client = crm_selectors.client_get(user=self.admin, client_id=client_id)
        if client.status == "lead":
            crm_services.client_update(
                actor=self.manager(manager), client_id=client_id, status="active"
            )

    # -- orders and money ------------------------------------------------------------
    def do_order(self, *, order, person, items) -> None:
        created, _ = orders_services.order_create(
            customer=self.users[person],
            items=[{"product_id": self.unit(name).pk, "quantity": q} for name, q in items],
        )
        self.orders[order] = created
        self.paid[order] = Decimal("0.00")

    def unit(self, name: str):
        """A car of the model `name` not ordered yet in this run, or the accessory."""
        products = self.products[name]
        return products.pop(0) if products[0].kind == "vehicle" else products[0]

    def do_pay(self, *, order, person, method, share) -> None:
        placed = self.orders[order]
        if share == "rest":
            amount = placed.total_amount - self.paid[order]
        elif share == "down":
            amount = self.applications[order].down_payment
        else:
            amount = to_cents(placed.total_amount * Decimal(share))
        self._pay(person, amount, method, order_id=placed.pk, key=order)

    def _pay(self, person, amount: Decimal, method: str, *, key: str, **payable) -> None:
        number = len(self.payments.get(key, ())) + 1
        payment, _ = payments_services.payment_create(
            user=self.users[person],
            amount=amount,
            method=method,
            idempotency_key=f"demo-history-{key}-{number}",
            **payable,
        )
        # Embedded, the payment was charged as it was created; in services mode a worker
        # would charge it later: here and now, so that the history holds together.
        payment = payments_services.payment_process(payment_id=payment.pk)
        self.payments.setdefault(key, []).append(payment.pk)
        if payment.status == "completed" and "order_id" in payable:
            self.paid[key] += amount

    def do_cancel(self, *, order, person, reason) -> None:
        orders_services.order_status_set(
            order_id=self.orders[order].pk,
            status="cancelled",
            user=self.users[person] if person else None,
            reason=reason,
        )

    def do_status(self, *, order, status, manager) -> None:
        orders_services.order_status_set(
            order_id=self.orders[order].pk, status=status, user=self.manager(manager)
        )

    def do_refund(self, *, order, manager, share, reason) -> None:
        payment_id = self.payments[order][-1]
        placed = self.orders[order]
        amount = to_cents(placed.total_amount * Decimal(share)) if "." in share else Decimal(share)
        payments_services.payment_refund(
            payment_id=payment_id, reason=reason, amount=amount, user=self.manager(manager)
        )

    # -- loans -----------------------------------------------------------------------
    def do_loan(self, *, order, person, outcome, down, term) -> None:
        placed = self.orders[order]
        terms = {
            "vehicle_price": placed.total_amount,
            "down_payment": to_cents(placed.total_amount * Decimal(down)),
            "term_months": term,
            "financing_type": "car_loan",
        }
        offer = scoring.loan_offer(
            **terms, monthly_income=Decimal(1), applied_on=timezone.localdate()
        )
        self.applications[order] = financing_services.application_create(
            user=self.users[person],
            order_id=placed.pk,
            employment_status="employed",
            monthly_income=to_cents(offer.monthly_payment * INCOME_MULTIPLE[outcome]),
            **terms,
        )

    def do_loan_decide(self, *, order, manager, decision) -> None:
        financing_services.application_decide(
            application_id=self.applications[order].pk,
            decision=decision,
            reason="Доход подтверждён работодателем"
            if decision == "approved"
            else "Доход не подтверждён",
            user=self.manager(manager),
        )

    def do_loan_check(self, *, order) -> None:
        """The lender pays out (the fake lender has by now, in any mode)."""
        application = self.applications[order]
        status = (
            financing_selectors.application_list(user=self.admin)
            .filter(pk=application.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status == "approved":
            financing_services.lenders_poll()

    # -- insurance -------------------------------------------------------------------
    def do_insure(self, *, order, person, kind) -> None:
        placed = self.orders[order]
        car = next(iter(catalog_selectors.vehicles_get(product_ids=placed_products(placed))))
        quote = insurance_services.quote_create(
            user=self.users[person],
            order_id=placed.pk,
            insurance_type=kind,
            product_id=car,
            engine_power_hp=150 if kind == "osago" else None,
            **INSURANCE_DRIVER,
        )
        self.policies[order] = insurance_services.quote_purchase(quote_id=quote.pk)

    def do_premium(self, *, order, person) -> None:
        policy = self.policies[order]
        self._pay(person, policy.premium, "card", policy_id=policy.pk, key=f"{order}-premium")

    def do_claim(self, *, order, person, amount) -> None:
        self.claims[order] = insurance_services.claim_file(
            policy_id=self.policies[order].pk,
            user=self.users[person],
            incident_date=timezone.localdate() - timedelta(days=1),
            description="Повреждение заявлено в страховой отдел салона",
            amount_claimed=Decimal(amount),
        )

    def do_claim_decide(self, *, order, manager, approve) -> None:
        claim = self.claims[order]
        insurance_services.claim_decide(
            claim_id=claim.pk,
            user=self.manager(manager),
            decision="approved" if approve else "rejected",
            amount_approved=to_cents(claim.amount_claimed * Decimal("0.9")) if approve else None,
            reason="Смета ремонта партнёрского кузовного цеха" if approve else "Не покрыто полисом",
        )

    # -- the showroom ----------------------------------------------------------------
    def do_event(self, *, event, category, title, description, start, capacity) -> None:
        starts = datetime.fromisoformat(start)
        found = showroom_selectors.category_list().filter(name=category).first()
        category_id = (found or showroom_services.category_create(name=category)).pk
        self.events[event] = showroom_services.event_create(
            user=self.admin,
            title=title,
            description=description,
            category_id=category_id,
            start_date=starts,
            end_date=starts + timedelta(hours=6),
            location="Главный зал салона",
            capacity=capacity,
            status="published",
        ).pk

    def do_event_register(self, *, event, person) -> None:
        showroom_services.registration_create(event_id=self.events[event], user=self.users[person])

    def do_event_finish(self, *, event) -> None:
        showroom_services.event_update(event_id=self.events[event], status="finished")

    def do_drive_book(self, *, drive, person, car, start) -> None:
        starts = datetime.fromisoformat(start)
        self.drives[drive] = showroom_services.test_drive_book(
            user=self.users[person],
            vehicle_id=self.demo_cars[car],
            start_time=starts,
            end_time=starts + timedelta(hours=1),
        ).pk

    def do_drive_cancel(self, *, drive) -> None:
        showroom_services.test_drive_cancel(test_drive_id=self.drives[drive])

    def do_drive_outcome(self, *, drive, outcome, manager) -> None:
        showroom_services.test_drive_outcome_set(
            test_drive_id=self.drives[drive], outcome=outcome, user=self.manager(manager)
        )


def placed_products(order) -> set:
    return {item.product_id for item in order.line_items}


def catalog_for_plan() -> tuple[list, list]:
    """What the plan may sell, by name and in name order, as the catalog's demo declares it
    (not as the database holds it now): the same plan before and after a run. Every model
    keeps a few on the lot for the small demo's orders."""
    vehicles = [
        (model.name, Decimal(model.price), model.units - 3)
        for model in catalog_demo.NEW
        if model.units >= VEHICLE_MIN_STOCK
    ]
    accessories = [
        (name, Decimal(price), stock - 3) for name, price, stock in catalog_demo.ACCESSORIES
    ]
    return sorted(vehicles), sorted(accessories)


def demo_admin() -> User:
    """The demo's admin, whom the history's staff steps act as (`seed` checks it is there)."""
    admin = accounts_selectors.user_get_by_email(email=ADMIN_EMAIL)
    if admin is None:
        raise LookupError(f"No {ADMIN_EMAIL}: the history comes after the demo's users.")
    return admin


def demo_cars_by_name(admin: User) -> dict[str, UUID]:
    """The vehicles the showroom has a demo car of, by their name: what a test drive books."""
    names = {p.pk: p.name for p in catalog_selectors.product_list()}
    return {
        names[r.vehicle_id]: r.vehicle_id
        for r in showroom_selectors.resource_list(user=admin).filter(vehicle_id__isnull=False)
        if r.vehicle_id in names
    }


def plan(now: datetime | None = None) -> Plan:
    cars = sorted(demo_cars_by_name(demo_admin()))
    vehicles, accessories = catalog_for_plan()
    # To the minute: a run makes the plan a few seconds after it started.
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    return Planner(now, vehicles, accessories, cars).build()


def history_exists() -> bool:
    return accounts_selectors.user_get_by_email(email=MARKER_EMAIL) is not None


def seed(stdout, *, verbosity: int = 1, now: datetime | None = None) -> History | None:
    if history_exists() or accounts_selectors.user_get_by_email(email=ADMIN_EMAIL) is None:
        return None
    the_plan = plan(now)
    stdout.write(
        f"  {DAYS} days of history: {len(the_plan.steps)} steps, "
        f"{the_plan.count('order')} orders, {the_plan.count('register')} customers "
        f"(plan {the_plan.fingerprint()[:12]})"
    )
    history = History(stdout, verbosity)
    history.run(the_plan)
    stdout.write(f"  history done ({history.skipped} steps skipped)")
    return history
