"""The service department's part of the demo history (docs/service.md, "Demo"): the demo's
buyers bring their new cars back (a complaint, a first service, an accessory fitted, a
warranty repair), and drivers without an account come in with their own cars for a
maintenance or a repair. Each visit goes as a work order goes: booked (a buyer) or driven in
(a walk-in), opened, signed, in work, extra work proposed and approved or declined, done,
paid, handed over and closed; a warranty repair's claim goes to the manufacturer.

Drawn after the sales, from their plan (who bought which car and when it was paid), with a
random source of its own: the sales are the same with the service or without it. A visit's
steps that fall after now are left out, as every step is, so that the last days' cars are
still in work or wait for their customer's word."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from demo.plan import DAYS, FEMALE, MALE, SEED, SURNAMES, Plan, Step

SERVICE_SEED = SEED + 84  # issue 84's: a source apart from the sales'
# Starts on Moscow's clock that fit every demo showroom's service hours with the longest
# maintenance (three hours), Yekaterinburg's two hours ahead included.
START_HOURS = [10, 11, 12, 13, 14]
MECHANICS = ["Сергей Лапин", "Артур Галиев", "Виктор Кочетов", "Руслан Яхин"]
# A line: ["op", code] and ["part", number, quantity] of the demo's catalogue; ["work", name,
# norm hours] and ["item", name, price] not from it; each with its pay type last.
COMPLAINTS = {
    "first": (
        "Первое обслуживание после обкатки",
        [["op", "DIAG", "customer"], ["op", "OIL", "customer"],
         ["part", "OIL-5W30-1L", "4", "customer"], ["part", "OF-100", "1", "customer"]],
    ),
    "armour": (
        "Установить защиту картера и брызговики",
        [["work", "Установка защиты картера", "1.00", "customer"],
         ["item", "Защита картера стальная с крепежом", "8900.00", "customer"],
         ["work", "Установка брызговиков", "0.50", "customer"],
         ["item", "Брызговики, комплект", "2400.00", "customer"]],
    ),
    "noise": (
        "Стук спереди справа на неровностях",
        [["op", "DIAG", "customer"],
         ["work", "Протяжка креплений переднего подрамника", "0.80", "internal"]],
    ),
}  # fmt: skip
WARRANTY = [
    (
        "Горит лампа Check Engine",
        [["op", "DIAG", "warranty"], ["work", "Замена датчика кислорода", "0.80", "warranty"],
         ["item", "Датчик кислорода", "7400.00", "warranty"]],
    ),
    (
        "Не работает стеклоподъёмник водителя",
        [["op", "DIAG", "warranty"],
         ["work", "Замена мотора стеклоподъёмника", "1.20", "warranty"],
         ["item", "Мотор стеклоподъёмника", "9800.00", "warranty"],
         ["work", "Чистка дренажей двери", "0.30", "customer"]],
    ),
]  # fmt: skip
# Found during the work, proposed to the customer.
EXTRAS = [
    [["op", "AIRF", "customer"], ["part", "AF-200", "1", "customer"]],
    [["op", "CABF", "customer"], ["part", "CF-300", "1", "customer"]],
    [["op", "BRKF", "customer"], ["part", "BF-DOT4-1L", "1", "customer"]],
    [["work", "Замена щёток стеклоочистителя", "0.20", "customer"],
     ["item", "Щётки стеклоочистителя, комплект", "2490.00", "customer"]],
    [["work", "Замена передних тормозных колодок", "1.00", "customer"],
     ["item", "Колодки тормозные передние", "4590.00", "customer"]],
]  # fmt: skip
# The walk-ins' own cars: make, model, years; the first four have the demo's menus.
WALK_IN_CARS = [
    ("Lada", "Vesta", (2018, 2023)), ("Kia", "K5", (2020, 2023)), ("Haval", "F7", (2019, 2023)),
    ("Toyota", "RAV4", (2016, 2022)), ("Hyundai", "Creta", (2017, 2022)),
    ("Volkswagen", "Tiguan", (2015, 2021)), ("Renault", "Duster", (2015, 2021)),
]  # fmt: skip
REPAIRS = [
    [["work", "Замена передних тормозных колодок", "1.00", "customer"],
     ["item", "Колодки тормозные передние", "4590.00", "customer"]],
    [["op", "OIL", "customer"], ["part", "OIL-5W30-1L", "4", "customer"],
     ["part", "OF-100", "1", "customer"]],
    [["op", "DIAG", "customer"], ["work", "Замена стоек стабилизатора", "1.20", "customer"],
     ["item", "Стойка стабилизатора", "1850.00", "customer"]],
]  # fmt: skip
PLATE_LETTERS = "АВЕКМНОРСТУХ"
UP_TO = "10000.00"  # what a customer's "go ahead up to" covers: any one extra job above


@dataclass(frozen=True)
class ServiceDays:
    """The showrooms with a service, by name, and the days every one of them opens."""

    showrooms: tuple[str, ...]
    weekdays: frozenset[int]  # ISO weekdays (Monday 1)
    closed: frozenset[date]

    def open_on(self, day: date) -> bool:
        new_year = (day.month, day.day) == (1, 1)
        return day.isoweekday() in self.weekdays and day not in self.closed and not new_year


@dataclass
class Bought:
    person: str
    order: str
    paid_at: datetime


class ServicePlanner:
    """Adds the service's visits to the sales' plan."""

    def __init__(self, sales: Plan, days: ServiceDays, cars: set[str]):
        self.rng = random.Random(SERVICE_SEED)
        self.now = sales.now
        self.zone = ZoneInfo(settings.DEALERSHIP_TIME_ZONE)
        self.today = timezone.localtime(self.now, self.zone).date()
        self.first_day = self.today - timedelta(days=DAYS - 1)
        self.days = days
        self.sales = sales
        self.buyers = buyers(sales.steps, cars)
        self.steps: list[Step] = []
        self.seq = max((step.seq for step in sales.steps), default=0) + 1
        self.visits = 0
        self.warranties = 0

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def add(self, at: datetime, action: str, **args) -> None:
        self.steps.append(Step(at, self.seq, action, args))
        self.seq += 1

    def build(self) -> Plan:
        if self.days.showrooms:
            for offset in range(DAYS):
                self.day(self.first_day + timedelta(days=offset))
            self.today_cars()
            self.booked_ahead()
        kept = [step for step in self.steps if step.at < self.now - timedelta(minutes=1)]
        return Plan(sorted(self.sales.steps + kept), self.now)

    def day(self, day: date) -> None:
        if day.weekday() == 0:  # the parts ordered last week arrive on Monday morning
            self.add(self.at(day, 8), "service_parts")
        if not self.days.open_on(day) or day >= self.today:
            return
        start = self.at(day, self.rng.choice(START_HOURS), self.rng.choice([0, 30]))
        # A warranty repair a month in, and another a month later: their claims have time to
        # be answered.
        warranty = self.warranties < (day - self.first_day).days // 30
        if warranty or self.rng.random() < 0.2:
            self.buyer_visit(start, warranty)
        if self.rng.random() < 0.2 or day == self.last_open_day():  # one handed over lately
            self.walk_in(start + timedelta(minutes=self.rng.choice([-30, 30, 60])), days_in=0)

    # -- who comes -------------------------------------------------------------------
    def buyer_visit(self, start: datetime, warranty: bool) -> None:
        booked = start - timedelta(days=self.rng.randint(1, 5), hours=self.rng.randint(1, 4))
        ready = [b for b in self.buyers if b.paid_at + timedelta(days=3) < booked]
        if not ready:
            return
        buyer = self.rng.choice(ready)
        self.buyers.remove(buyer)  # one visit each
        key = self.visit_key()
        if warranty:
            self.warranties += 1
            complaint, lines = WARRANTY[self.warranties % len(WARRANTY)]
        else:
            kind = self.rng.choice(list(COMPLAINTS))
            complaint, lines = COMPLAINTS[kind]
        driven = (start - buyer.paid_at).days * self.rng.randint(30, 80)
        self.add(
            booked,
            "service_book",
            visit=key,
            person=buyer.person,
            order=buyer.order,
            complaint=complaint,
            driven=driven,
            start=start.isoformat(),
        )
        self.add(start, "service_open", visit=key, lines=lines)
        signed = "site" if self.rng.random() < 0.6 else "paper"
        self.course(key, start, signed, "call", own=True, warranty=warranty)

    def walk_in(self, start: datetime, *, days_in: int, waits: bool = False) -> None:
        key = self.visit_key()
        make, model, (first, last) = self.rng.choice(WALK_IN_CARS)
        year = self.rng.randint(first, last)
        mileage = (self.today.year - year) * self.rng.randint(12, 25) * 1000 + 3000
        if (make, model) in [(m, n) for m, n, _ in WALK_IN_CARS[:4]]:
            lines: list = [["menu", "ТО-2" if mileage // 15000 % 2 == 0 else "ТО-1"]]
        else:
            lines = self.rng.choice(REPAIRS)
        female = self.rng.random() < 0.4
        first_name = self.rng.choice(FEMALE if female else MALE)[0]
        surname = self.rng.choice(SURNAMES)[0] + ("а" if female else "")
        letters = [self.rng.choice(PLATE_LETTERS) for _ in range(3)]
        region = self.rng.choice(["77", "97", "177", "750", "50", "66", "96"])
        plate = f"{letters[0]}{self.rng.randint(100, 999)}{letters[1]}{letters[2]}{region}"
        self.add(
            start,
            "service_drive_in",
            visit=key,
            showroom=self.rng.choice(self.days.showrooms),
            name=f"{first_name} {surname}",
            phone="+79" + "".join(str(self.rng.randint(0, 9)) for _ in range(9)),
            make=make,
            model=model,
            year=year,
            plate=plate,
            mileage=mileage,
            lines=lines,
        )
        instruction = "call" if waits else self.rng.choice(["call", "call", "up_to", "nothing"])
        self.course(key, start, "paper", instruction, own=False, days_in=days_in, waits=waits)

    def last_open_day(self) -> date:
        day = self.today - timedelta(days=1)
        while not self.days.open_on(day):
            day -= timedelta(days=1)
        return day

    def visit_key(self) -> str:
        self.visits += 1
        return f"s{self.visits}"

    # -- how it goes -----------------------------------------------------------------
    def course(self, key: str, start: datetime, signed: str, instruction: str, **how) -> None:
        rng = self.rng
        limit = UP_TO if instruction == "up_to" else "0"
        moment = start + timedelta(minutes=rng.randint(10, 25))
        self.add(
            moment, "service_sign", visit=key, how=signed, instruction=instruction, limit=limit
        )
        moment += timedelta(minutes=rng.randint(15, 40))
        self.add(moment, "service_start", visit=key)
        if how.get("waits") or rng.random() < 0.55:
            # Found within the hour (at once on a car that waits today: before now).
            moment += timedelta(minutes=15 if how.get("waits") else rng.randint(40, 90))
            extra = rng.choice(EXTRAS)
            self.add(moment, "service_propose", visit=key, lines=extra)
            if how.get("waits"):
                return  # the customer has not answered yet
            if instruction == "call":
                moment += timedelta(minutes=rng.randint(20, 120))
                channel = "site" if how["own"] and rng.random() < 0.5 else "phone"
                approve = rng.random() < 0.6
                self.add(moment, "service_decide", visit=key, approve=approve, channel=channel)
        hours = rng.randint(2, 5) + (24 * rng.randint(1, 2) if how.get("warranty") else 0)
        done = max(
            moment + timedelta(minutes=30),
            start + timedelta(hours=hours, days=how.get("days_in", 0)),
        )
        self.add(
            done - timedelta(minutes=10), "service_done", visit=key, mechanic=rng.choice(MECHANICS)
        )
        self.add(done, "service_complete", visit=key)
        paid = done + timedelta(minutes=rng.randint(30, 180))
        method = "card" if how["own"] and rng.random() < 0.7 else "cash"
        self.add(paid, "service_pay", visit=key, method=method)
        self.add(paid + timedelta(minutes=5), "service_hand_over", visit=key, km=rng.randint(3, 25))
        self.add(paid + timedelta(minutes=rng.randint(20, 90)), "service_close", visit=key)
        if how.get("warranty"):
            submitted = done + timedelta(days=rng.randint(1, 2))
            self.add(submitted, "service_claim", visit=key, status="submitted", note="")
            answered = submitted + timedelta(days=rng.randint(5, 10))
            note = "Признано гарантийным случаем, к оплате по ставке производителя"
            self.add(answered, "service_claim", visit=key, status="accepted", note=note)
            if self.warranties == 1:  # the first is paid; the manufacturer owes the other
                paid_by = answered + timedelta(days=rng.randint(7, 14))
                self.add(paid_by, "service_claim", visit=key, status="paid", note="")

    def today_cars(self) -> None:
        """Cars in work today: two driven in in the last hours, one waiting for its customer's
        word on a job found (in what there is of today, or late yesterday just after
        midnight)."""
        for minutes, waits in ((170, False), (120, True), (75, False)):
            self.walk_in(self.now - timedelta(minutes=minutes), days_in=1, waits=waits)

    def booked_ahead(self) -> None:
        """A buyer booked for a maintenance visit on the next day every showroom opens."""
        day = self.today + timedelta(days=1)
        while not self.days.open_on(day):
            day += timedelta(days=1)
        booked = self.now - timedelta(hours=3)
        ready = [b for b in self.buyers if b.paid_at + timedelta(days=3) < booked]
        if ready:
            buyer = self.rng.choice(ready)
            start = self.at(day, 11)
            self.add(
                booked,
                "service_book",
                visit=self.visit_key(),
                person=buyer.person,
                order=buyer.order,
                complaint=COMPLAINTS["first"][0],
                driven=(start - buyer.paid_at).days * 50,
                start=start.isoformat(),
            )


def buyers(steps: list[Step], cars: set[str]) -> list[Bought]:
    """Who bought a car in the plan, paid for and not cancelled, by when it was paid."""
    ordered: dict[str, str] = {}
    paid: dict[str, datetime] = {}
    cancelled = set()
    for step in steps:
        order = str(step.args.get("order"))
        if step.action == "order" and any(name in cars for name, _ in step.args["items"]):
            ordered[order] = step.args["person"]
        elif (step.action == "pay" and step.args["share"] == "rest") or step.action == "loan_check":
            paid[order] = step.at
        elif step.action == "cancel":
            cancelled.add(order)
    return [
        Bought(person, order, paid[order])
        for order, person in ordered.items()
        if order in paid and order not in cancelled
    ]
