"""The demo history's cast and its plan's shape: the managers, the names people are drawn from,
what they buy, and the steps a plan is made of (docs/operations.md, "Demo data")."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

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


@dataclass(frozen=True)
class DemoCar:
    """A car the showroom has a demo of, and the days its showroom takes test drives."""

    name: str
    weekdays: frozenset[int]  # ISO weekdays (Monday 1) its showroom opens on
    closed: frozenset[date] = frozenset()  # its showroom's days off besides

    def open_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.closed


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
    # Until their last test drive starts: one booked at a time, within the limit of drives
    # booked at once (SHOWROOM_TEST_DRIVE_MAX_ACTIVE).
    drives_until: datetime | None = None


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
