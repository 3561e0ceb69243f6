"""What customers are told, and what each template may say (docs/notifications.md): every
notice with its category, its channels and its documented variables, with a sample of each
for the admin's preview. A template naming any other variable is refused."""

from dataclasses import dataclass, field

from notifications.choices import Category, Channel

# Every notice has these.
COMMON = {
    "name": "Анна Смирнова",
    "site_url": "https://autosalon.example.com",
}
ORDER = {
    "order_number": "А-2026-000123",
    "order_url": "https://autosalon.example.com/account/orders/7f3a2c1b/",
}
# Where a visit is: the showroom, its city, address and phone.
PLACE = "Автосалон на Ленинградке, Москва, Ленинградское шоссе, 16, +7 495 123-45-67"


@dataclass(frozen=True)
class Notice:
    key: str
    category: Category
    sample: dict[str, str] = field(default_factory=dict)  # the notice's own variables
    channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS)

    @property
    def variables(self) -> dict[str, str]:
        """Every variable a template of it may name, with a sample value."""
        return {**COMMON, **self.sample}


_NOTICES: tuple[Notice, ...] = (
    Notice("order.created", Category.TRANSACTIONAL, {**ORDER, "total": "2 100 000,00 ₽"}),
    Notice(
        "order.reservation_expiring",
        Category.REMINDERS,
        {**ORDER, "reserved_until": "28.11.2026 18:00", "hours_left": "24"},
    ),
    Notice("order.ready_for_handover", Category.TRANSACTIONAL, ORDER),
    Notice(
        "order.document_ready",
        Category.TRANSACTIONAL,
        {**ORDER, "document": "Договор купли-продажи", "document_number": "ДКП-2026-000123"},
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "payment.completed",
        Category.TRANSACTIONAL,
        {
            **ORDER,
            "amount": "420 000,00 ₽",
            "receipts_url": "https://autosalon.example.com/api/v1/payments/5d1e/receipts/",
        },
    ),
    Notice("payment.refunded", Category.TRANSACTIONAL, {**ORDER, "amount": "30 000,00 ₽"}),
    Notice(
        "loan.approved",
        Category.TRANSACTIONAL,
        {
            **ORDER,
            "amount": "1 680 000,00 ₽",
            "term_months": "36",
            "monthly_payment": "58 912,44 ₽",
            "annual_rate": "15,9",
        },
    ),
    Notice("loan.declined", Category.TRANSACTIONAL, ORDER),
    Notice("loan.disbursed", Category.TRANSACTIONAL, {**ORDER, "amount": "1 680 000,00 ₽"}),
    Notice(
        "policy.issued",
        Category.TRANSACTIONAL,
        {
            "policy_number": "KASKO-2026-000042",
            "insurance_type": "КАСКО",
            "premium": "96 400,00 ₽",
            "start_date": "01.12.2026",
            "end_date": "30.11.2027",
        },
    ),
    Notice(
        "policy.lapsed",
        Category.TRANSACTIONAL,
        {"policy_number": "KASKO-2026-000042", "insurance_type": "КАСКО"},
    ),
    Notice(
        "claim.decided",
        Category.TRANSACTIONAL,
        {"decision": "одобрено", "amount_approved": "120 000,00 ₽"},
    ),
    Notice(
        "test_drive.booked",
        Category.TRANSACTIONAL,
        {"vehicle": "Haval Jolion", "starts_at": "28.11.2026 11:00", "place": PLACE},
    ),
    Notice(
        "test_drive.reminder",
        Category.REMINDERS,
        {
            "vehicle": "Haval Jolion",
            "starts_at": "28.11.2026 11:00",
            "hours_left": "2",
            "place": PLACE,
        },
    ),
    Notice(
        "test_drive.cancelled",
        Category.TRANSACTIONAL,
        {"vehicle": "Haval Jolion", "starts_at": "28.11.2026 11:00", "place": PLACE},
    ),
    Notice(
        "registration.confirmed",
        Category.TRANSACTIONAL,
        {"event": "День открытых дверей", "starts_at": "05.12.2026 12:00", "place": "Главный зал"},
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "registration.reminder",
        Category.REMINDERS,
        {
            "event": "День открытых дверей",
            "starts_at": "05.12.2026 12:00",
            "hours_left": "24",
            "place": "Главный зал",
        },
    ),
)
TRADE_IN = {"car": "Lada Priora, 2012", "amount": "800 000,00 ₽"}
_NOTICES += (
    Notice(
        "trade_in.offered",
        Category.TRANSACTIONAL,
        {**TRADE_IN, "valid_until": "10.12.2026 18:00"},
        channels=(Channel.EMAIL,),
    ),
    Notice(
        "trade_in.offer_expiring",
        Category.REMINDERS,
        {**TRADE_IN, "valid_until": "10.12.2026 18:00"},
        channels=(Channel.EMAIL,),
    ),
    Notice("trade_in.inspected", Category.TRANSACTIONAL, TRADE_IN, channels=(Channel.EMAIL,)),
)
NOTICES: dict[str, Notice] = {notice.key: notice for notice in _NOTICES}
