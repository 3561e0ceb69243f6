"""Demo loan applications for `manage.py seed_demo`, on the demo client's orders: one
rejected then approved on the order waiting for payment, one pending review on a new order,
and one withdrawn with the new order it was for; the demo banks and the dealer's credit
discount."""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from common.money import to_cents
from financing import scoring, services
from financing.models import Bank, BankProgramme, CreditDiscount, LoanApplication, StateProgramme
from orders import selectors as orders_selectors
from orders import services as orders_services

# The client's income as a multiple of the monthly payment: a debt-to-income ratio of 25%
# is approved, 50% goes to a manager and 80% is rejected.
APPROVED, REVIEWED, REJECTED = Decimal("4"), Decimal("2"), Decimal("1.25")


def seed(stdout) -> None:
    banks_seed()
    credit_discount_seed()
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    if client is None or LoanApplication.objects.filter(customer_id=client.pk).exists():
        return
    pending = orders_selectors.order_list(user=client).filter(status="pending").first()
    vehicles = list(
        catalog_selectors.product_list().filter(vin__isnull=False, stock_quantity=1)[:2]
    )
    if pending is None or len(vehicles) < 2:
        return
    _apply(client, pending, REJECTED)
    _apply(client, pending, APPROVED)
    _apply(client, _order(client, vehicles[0]), REVIEWED)
    cancelled = _order(client, vehicles[1])
    _apply(client, cancelled, APPROVED)
    orders_services.order_status_set(
        order_id=cancelled.pk, status="cancelled", user=client, reason="Demo: bought elsewhere"
    )
    # What order.cancelled does, without waiting for a worker to deliver it.
    services.order_applications_withdraw(order_id=cancelled.pk)
    stdout.write(
        f"  {LoanApplication.objects.filter(customer_id=client.pk).count()} loan applications "
        f"of {client.email}"
    )


def _order(client, vehicle):
    order, _ = orders_services.order_create(
        customer=client,
        items=[{"product_id": vehicle.pk, "quantity": 1}],
        notes="Demo: to be financed",
    )
    return order


def _apply(client, order, income_per_payment: Decimal) -> LoanApplication:
    terms = {
        "vehicle_price": order.total_amount,
        "down_payment": to_cents(order.total_amount * Decimal("0.2")),
        "term_months": 36,
        "financing_type": "car_loan",
    }
    offer = scoring.loan_offer(**terms, monthly_income=Decimal(1), applied_on=timezone.localdate())
    return services.application_create(
        user=client,
        order_id=order.pk,
        employment_status="employed",
        monthly_income=to_cents(offer.monthly_payment * income_per_payment),
        **terms,
    )


# Three demo banks with different rates and rules (docs/financing.md, "Demo banks"): with a
# down payment under 30% the third refuses, so one application gets two offers and a refusal.
DEMO_BANKS: list[dict[str, Any]] = [
    {
        "code": "demo-stolichny",
        "name": "Демо-банк Столичный",
        "legal_name": "АО «Демо-банк Столичный», ИНН 7700000001",
        "demo_rules": {},
        "programmes": [
            {"name": "Автокредит", "annual_rate": "15.90", "min_term_months": 12,
             "max_term_months": 84, "min_down_payment_percent": "10"},
            {"name": "Автокредит с остаточным платежом", "annual_rate": "12.90",
             "min_term_months": 24, "max_term_months": 60, "min_down_payment_percent": "20",
             "condition": "new", "balloon_percent": "30"},
        ],
    },
    {
        "code": "demo-volga",
        "name": "Демо-банк Волга",
        "legal_name": "ПАО «Демо-банк Волга», ИНН 1600000002",
        "demo_rules": {},
        "programmes": [
            {"name": "Автокредит со страхованием жизни", "annual_rate": "11.90",
             "min_term_months": 12, "max_term_months": 84, "min_down_payment_percent": "15",
             "insurance_required": True, "insurance_percent": "1.20"},
        ],
    },
    {
        "code": "demo-region",
        "name": "Демо-банк Регион",
        "legal_name": "АО «Демо-банк Регион», ИНН 6600000003",
        "demo_rules": {
            "refuse_down_payment_below": "30",
            "refusal": "Банк одобряет автокредит при первоначальном взносе от 30 %.",
        },
        "programmes": [
            {"name": "Автокредит", "annual_rate": "13.50", "min_term_months": 12,
             "max_term_months": 60, "min_down_payment_percent": "0", "max_vehicle_age_years": 7},
        ],
    },
]  # fmt: skip


def banks_seed() -> list[Bank]:
    """The demo banks, their programmes and a state programme, once."""
    banks = []
    for position, spec in enumerate(DEMO_BANKS):
        spec = dict(spec)
        programmes = spec.pop("programmes")
        bank, created = Bank.objects.get_or_create(
            code=spec.pop("code"), defaults={**spec, "adapter": "demo", "position": position}
        )
        if created:
            for programme in programmes:
                BankProgramme.objects.create(bank=bank, **programme)
        banks.append(bank)
    StateProgramme.objects.get_or_create(
        name="Первый автомобиль (демо)",
        defaults={
            "rate_discount": Decimal("2.00"),
            "condition": "new",
            "max_price": Decimal("5000000.00"),
            "first_car_only": True,
            "valid_from": timezone.localdate().replace(month=1, day=1),
        },
    )
    return banks


def credit_discount_seed() -> CreditDiscount:
    """The dealer's credit discount on new cars (docs/financing.md, "The credit discount")."""
    name = "Выгода при покупке в кредит"
    existing = CreditDiscount.objects.filter(name=name).first()
    if existing is not None:
        return existing
    discount = CreditDiscount(
        name=name,
        amount=Decimal("100000.00"),
        condition="new",
        min_loan_amount=Decimal("500000.00"),
        min_term_months=12,
        valid_from=timezone.localdate().replace(month=1, day=1),
    )
    return services.credit_discount_save(discount=discount, user=None)
