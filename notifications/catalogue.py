"""What customers are told, and what each template may say (docs/notifications.md): every
notice with its category, its channels and its documented variables, with a sample of each
for the admin's preview. A template naming any other variable is refused."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.formats import date_format, number_format
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from common.formatting import local_date, local_datetime, money, percent
from documents.choices import DocumentKind
from notifications.choices import Category, Channel


@dataclass(frozen=True)
class Amount:
    """An amount in a notice's variables, formatted in the customer's language."""

    value: Decimal | str
    currency: str


@dataclass(frozen=True)
class Percent:
    """A rate in a notice's variables: `15,90` in Russian, `15.90` in English; the full cost
    of credit to three places (353-FZ, art. 6), `16,284`."""

    value: Decimal | str
    places: int = 2


@dataclass(frozen=True)
class OnClock:
    """A moment on a place's own clock (a showroom's, where the car is expected), not the
    dealership's: `28.11.2026 10:30` as the customer's language writes it."""

    moment: datetime
    time_zone: str


Value = StrOrPromise | int | Amount | Percent | OnClock | date | datetime | None


def formatted(value: Value) -> str:
    """A variable as the active language writes it: amounts, rates, dates and the words the
    notices use (below) alike."""
    if isinstance(value, Amount):
        return money(value.value, value.currency)
    if isinstance(value, Percent):
        if value.places == 2 or value.value == "":
            return percent(value.value)
        return number_format(Decimal(str(value.value)), decimal_pos=value.places, use_l10n=True)
    if isinstance(value, OnClock):
        there = value.moment.astimezone(ZoneInfo(value.time_zone))
        return f"{date_format(there, 'SHORT_DATE_FORMAT')} {date_format(there, 'H:i')}"
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    return "" if value is None else str(value)


# The words the notices put in their variables, in the customer's language.
INSURANCE = {
    "osago": pgettext_lazy("insurance type, short", "OSAGO"),
    "kasko": pgettext_lazy("insurance type, short", "KASKO"),
}
CLAIM_DECISIONS = {
    "approved": pgettext_lazy("claim decision", "approved"),
    "rejected": pgettext_lazy("claim decision", "rejected"),
}


def _rub(amount: str) -> Amount:
    return Amount(Decimal(amount), "RUB")


def _moscow(day: int, month: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Europe/Moscow"))


# Every notice has these.
COMMON: dict[str, Value] = {
    "name": "Анна Смирнова",
    "site_url": "https://autosalon.example.com",
}
ORDER: dict[str, Value] = {
    "order_number": "А-2026-000123",
    "order_url": "https://autosalon.example.com/account/orders/7f3a2c1b/",
}
# Where a visit is: the showroom, its city, address and phone.
PLACE = "Автосалон на Ленинградке, Москва, Ленинградское шоссе, 16, +7 495 123-45-67"


@dataclass(frozen=True)
class Notice:
    key: str
    category: Category
    sample: dict[str, Value] = field(default_factory=dict)  # the notice's own variables
    channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS)

    @property
    def variables(self) -> dict[str, str]:
        """Every variable a template of it may name, with a sample value as the active
        language writes it (the admin's preview, the e-mails' walk)."""
        return {name: formatted(value) for name, value in {**COMMON, **self.sample}.items()}


_NOTICES: tuple[Notice, ...] = (
    Notice("order.created", Category.TRANSACTIONAL, {**ORDER, "total": _rub("2100000.00")}),
    Notice(
        "order.reservation_expiring",
        Category.REMINDERS,
        {**ORDER, "reserved_until": _moscow(28, 11, 18), "hours_left": "24"},
    ),
    Notice("order.ready_for_handover", Category.TRANSACTIONAL, ORDER),
    Notice(
        "order.document_ready",
        Category.TRANSACTIONAL,
        {
            **ORDER,
            "document": DocumentKind.SALE_CONTRACT.label,
            "document_number": "ДКП-2026-000123",
        },
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "payment.completed",
        Category.TRANSACTIONAL,
        {
            **ORDER,
            "amount": _rub("420000.00"),
            "receipts_url": "https://autosalon.example.com/api/v1/payments/5d1e/receipts/",
        },
    ),
    Notice("payment.refunded", Category.TRANSACTIONAL, {**ORDER, "amount": _rub("30000.00")}),
    # The dealership's own pre-check: pre-approved, what was asked for, and no rate or
    # payment, which only a bank's offer sets (docs/financing.md, "The flow").
    Notice(
        "loan.approved",
        Category.TRANSACTIONAL,
        {**ORDER, "amount": _rub("1680000.00"), "term_months": "36"},
    ),
    # The terms come with the bank's offer the buyer took.
    Notice(
        "loan.offer_chosen",
        Category.TRANSACTIONAL,
        {
            **ORDER,
            "bank": "Демо-банк Волга",
            "amount": _rub("1580000.00"),
            "term_months": "36",
            "annual_rate": Percent(Decimal("11.90")),
            "monthly_payment": _rub("52403.18"),
            "full_cost_percent": Percent(Decimal("12.612"), places=3),
        },
    ),
    # The loan's schedule drawn again under a new number (docs/documents.md, "Papers follow
    # the terms"): told instead of `order.document_ready`.
    Notice(
        "loan.schedule_reissued",
        Category.TRANSACTIONAL,
        {**ORDER, "document_number": "ГП-2026-000124", "replaced_number": "ГП-2026-000123"},
        channels=(Channel.EMAIL,),
    ),
    Notice("loan.declined", Category.TRANSACTIONAL, ORDER),
    Notice(
        "loan.disbursed",
        Category.TRANSACTIONAL,
        {**ORDER, "amount": _rub("1680000.00"), "lender": "Демо-банк Волга"},
    ),
    Notice(
        "policy.issued",
        Category.TRANSACTIONAL,
        {
            "policy_number": "KASKO-2026-000042",
            "insurance_type": INSURANCE["kasko"],
            "premium": _rub("96400.00"),
            "start_date": date(2026, 12, 1),
            "end_date": date(2027, 11, 30),
        },
    ),
    Notice(
        "policy.lapsed",
        Category.TRANSACTIONAL,
        {"policy_number": "KASKO-2026-000042", "insurance_type": INSURANCE["kasko"]},
    ),
    Notice(
        "claim.decided",
        Category.TRANSACTIONAL,
        {"decision": CLAIM_DECISIONS["approved"], "amount_approved": _rub("120000.00")},
    ),
    Notice(
        "test_drive.booked",
        Category.TRANSACTIONAL,
        {"vehicle": "Haval Jolion", "starts_at": _moscow(28, 11, 11), "place": PLACE},
    ),
    Notice(
        "test_drive.reminder",
        Category.REMINDERS,
        {
            "vehicle": "Haval Jolion",
            "starts_at": _moscow(28, 11, 11),
            "hours_left": "2",
            "place": PLACE,
        },
    ),
    Notice(
        "test_drive.cancelled",
        Category.TRANSACTIONAL,
        {"vehicle": "Haval Jolion", "starts_at": _moscow(28, 11, 11), "place": PLACE},
    ),
    Notice(
        "registration.confirmed",
        Category.TRANSACTIONAL,
        {"event": "День открытых дверей", "starts_at": _moscow(5, 12, 12), "place": "Главный зал"},
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "registration.reminder",
        Category.REMINDERS,
        {
            "event": "День открытых дверей",
            "starts_at": _moscow(5, 12, 12),
            "hours_left": "24",
            "place": "Главный зал",
        },
    ),
)
TRADE_IN: dict[str, Value] = {"car": "Lada Priora, 2012", "amount": _rub("800000.00")}
_NOTICES += (
    Notice(
        "trade_in.offered",
        Category.TRANSACTIONAL,
        {**TRADE_IN, "valid_until": _moscow(10, 12, 18)},
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "trade_in.offer_expiring",
        Category.REMINDERS,
        {**TRADE_IN, "valid_until": _moscow(10, 12, 18)},
        channels=(Channel.EMAIL,),
    ),
    Notice("trade_in.inspected", Category.TRANSACTIONAL, TRADE_IN, channels=(Channel.EMAIL,)),
)
# The service department's (docs/service.md, "Messages"): a booking's car, work, time on the
# showroom's clock, place, and the signed link that moves or cancels it.
SERVICE_BOOKING: dict[str, Value] = {
    "car": "Lada Vesta, А123ВС777",
    "work": "ТО-1",
    "starts_at": OnClock(_moscow(28, 11, 10), "Europe/Moscow"),
    "place": PLACE,
    "booking_url": "https://autosalon.example.com/service/booking/IjdmM2EyYzFiIg:1vX9k2/",
}
BOOK_URL = "https://autosalon.example.com/service/?vin=XTA21900000000001"
_NOTICES += (
    Notice("service_booking.created", Category.TRANSACTIONAL, SERVICE_BOOKING),
    Notice("service_booking.rescheduled", Category.TRANSACTIONAL, SERVICE_BOOKING),
    Notice(
        "service_booking.cancelled",
        Category.TRANSACTIONAL,
        {**{k: v for k, v in SERVICE_BOOKING.items() if k != "booking_url"}, "book_url": BOOK_URL},
    ),
    Notice("service_booking.reminder", Category.REMINDERS, SERVICE_BOOKING),
    Notice(
        "service.maintenance_due",
        Category.REMINDERS,
        {
            "car": "Lada Vesta, А123ВС777",
            "menu": "ТО-2",
            "due_date": date(2026, 12, 1),
            "due_km": "30000",
            "mileage_km": "29400",
            "book_url": BOOK_URL,
        },
    ),
)
# A job found during the work that waits for the customer's word: its price (empty for a
# warranty or internal one, which costs them nothing) and the work order's signed link.
_NOTICES += (
    Notice(
        "work_order.line_proposed",
        Category.TRANSACTIONAL,
        {
            "car": "Lada Vesta, А123ВС777",
            "work_order_number": "ЗН-2026-000042",
            "work": "Замена сайлентблоков",
            "price": _rub("5000.00"),
            "work_order_url": "https://autosalon.example.com/service/work-order/"
            "IjdmM2EyYzFiIg:1vX9k2/",
        },
    ),
)
NOTICES: dict[str, Notice] = {notice.key: notice for notice in _NOTICES}
