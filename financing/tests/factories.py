"""Test data for financing, made through the services, and the loan-application API's
addresses and request body."""

from decimal import Decimal

from django.test import override_settings
from django.urls import reverse

from financing import services
from financing.models import LoanApplication
from orders.tests.factories import order_make, product_make

LIST_URL = reverse("financing-applications")
CALCULATOR_URL = reverse("financing-calculator")
PAYLOAD_KEYS = {"id", "order_id", "customer_id", "status", "amount", "currency"}


def car_order_make(customer, price: str = "1000000.00"):
    return order_make(customer, (product_make(price=price), 1))


def application_make(
    customer,
    order=None,
    *,
    monthly_income: str = "100000.00",
    vehicle_price: str = "1000000.00",
    down_payment: str = "200000.00",
    term_months: int = 60,
    financing_type: str = "car_loan",
) -> LoanApplication:
    """By default 800,000.00 over 60 months at 15.90%: 19,411.96 a month. An income of
    100,000.00 approves it, 40,000.00 leaves it to staff and 25,000.00 rejects it."""
    return services.application_create(
        user=customer,
        order_id=(order or car_order_make(customer, vehicle_price)).pk,
        vehicle_price=Decimal(vehicle_price),
        down_payment=Decimal(down_payment),
        term_months=term_months,
        financing_type=financing_type,
        employment_status="employed",
        monthly_income=Decimal(monthly_income),
    )


def terms(**overrides) -> dict:
    """800,000.00 over 60 months at 15.90%: 19,411.96 a month, plus 5,000.00 of other debts."""
    return {
        "vehicle_price": "1000000.00",
        "down_payment": "200000.00",
        "term_months": 60,
        "financing_type": "car_loan",
        "employment_status": "employed",
        "monthly_income": "100000.00",
        "existing_monthly_debts": "5000.00",
        **overrides,
    }


def apply(client, order, **overrides):
    return client.post(LIST_URL, {"order_id": str(order.pk), **terms(**overrides)}, format="json")


def detail_url(application) -> str:
    return reverse("financing-application-detail", args=[application.pk])


def decision_url(application) -> str:
    return reverse("financing-application-decision", args=[application.pk])


def schedule_url(application) -> str:
    return reverse("financing-application-schedule", args=[application.pk])


def lender_has_it(application, lender: str = "manual") -> None:
    """The down payment is in and the application went to the lender (by default the manual
    one, whose disbursements staff record), which may now pay."""
    services.order_paid_note(
        order_id=application.order_id, paid_amount=application.down_payment, version=1
    )
    with override_settings(FINANCING_LENDER=lender):
        services.application_send(application_id=application.pk)
    application.refresh_from_db()
    assert application.sent_to_lender_at is not None


def banks_make():
    """The three demo banks (financing/demo.py): two offer a 20%-down loan, the third
    refuses it."""
    from financing.demo import banks_seed

    return banks_seed()


def offers_url(application) -> str:
    return reverse("financing-application-offers", args=[application.pk])


def choose_url(offer) -> str:
    return reverse("financing-offer-choose", args=[offer.pk])


def offer_make(application, *, status: str = "offered"):
    """A demo bank's offer on `application`, as if it had answered."""
    from datetime import timedelta

    from django.utils import timezone

    from financing.models import BankOffer

    bank = banks_make()[0]
    return BankOffer.objects.create(
        application=application,
        bank=bank,
        status=status,
        consent_id=application.pk,
        requested_at=timezone.now(),
        answered_at=timezone.now(),
        amount=application.loan_amount,
        annual_rate=Decimal("12.00"),
        term_months=application.term_months,
        monthly_payment=application.monthly_payment,
        full_cost_percent=Decimal("12.000"),
        full_cost_amount=Decimal("1.00"),
        total_to_pay=application.loan_amount,
        valid_until=timezone.now() + timedelta(days=7),
    )


def credit_discount_make(
    *, amount: str = "100000.00", name: str = "Выгода при покупке в кредит", **rules
):
    """The dealer's credit discount, in force from yesterday, for every car unless `rules`
    narrow it."""
    from datetime import timedelta

    from django.utils import timezone

    from financing.models import CreditDiscount

    return CreditDiscount.objects.create(
        name=name,
        amount=Decimal(amount),
        valid_from=timezone.localdate() - timedelta(days=1),
        **rules,
    )


def withdraw_url(application) -> str:
    return reverse("financing-application-withdraw", args=[application.pk])


def payment_post(customer, order_id, amount: str, *, key: str | None = None):
    """The customer's payment of `amount` on the order through the API (the fake provider
    charges it); the response, whatever it is."""
    from conftest import client_for

    return client_for(customer).post(
        reverse("payments-list"),
        {"order_id": str(order_id), "amount": amount, "method": "card"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key or f"pay-{amount}",
    )
