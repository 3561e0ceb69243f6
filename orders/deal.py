"""The deal at a glance (docs/deal.md, "The deal at a glance"): one order and every source of
its money, as orders knows them from the other domains' events (its links). It reads
nothing outside the orders database, so it is as current as the last event consumed.

What stands between a pending order and `paid` is listed as steps, each with a stable code:
the customer's part (`payment_due`), a loan under review (`loan_under_review`), an approved
loan waiting for the down payment or the lender (`loan_awaiting_lender`), the lender's
money (`loan_awaiting_disbursement`)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext

from common.formatting import money
from orders.choices import FINANCED_LOAN_STATUSES, LinkKind, OrderStatus
from orders.models import Order, OrderLink

ZERO = Decimal("0.00")
# A payment in these holds money; the rest is waiting or failed (payments' statuses).
CAPTURED = ("completed", "partially_refunded", "refunded")
PENDING = ("pending", "requires_action")
# A policy in these has its premium paid (insurance's statuses).
PREMIUM_PAID = ("active", "cancelled")
# A loan in these is still to pay its amount (financing's statuses, as orders notes them).
LOAN_TO_COME = ("pending_review", "approved", "sent_to_lender")
# A loan in these was paid out by the lender (and, returned, paid back to it).
LOAN_DISBURSED = ("disbursed", "returned")


def premium_paid(policy: OrderLink) -> bool:
    return policy.status in PREMIUM_PAID


def loan_disbursed(loan: OrderLink) -> bool:
    return loan.status in LOAN_DISBURSED


@dataclass(frozen=True)
class Step:
    code: str
    message: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class Deal:
    order: Order
    payments: list[OrderLink]
    captured: Decimal
    pending: Decimal
    refunded: Decimal
    loan: OrderLink | None
    policies: list[OrderLink]
    trade_in: OrderLink | None
    balance_due: Decimal
    outstanding: list[Step] = field(default_factory=list)
    # The prepayment that holds its cars (0 with no car), whether it is in, and until when
    # a pending order holds them (None once it is no longer pending).
    deposit: Decimal = ZERO
    deposit_paid: bool = False
    held_until: datetime | None = None
    # Every trade-in of the order (`trade_in` is the latest): an order may take more than one
    # old car, each credited on its own (docs/tradein.md).
    trade_ins: list[OrderLink] = field(default_factory=list)

    @property
    def trade_in_credit(self) -> Decimal:
        """What the old cars take off the price: each expected once accepted, recorded (in
        the paid amount) once inspected."""
        return _sum(self.trade_ins, CREDITED)

    @property
    def price_without_loan(self) -> Decimal:
        """The price before a credit discount the loan earned (docs/deal.md, "The credit
        discount"): what the buyer pays if they give the loan up."""
        return self.order.total_amount + self.order.credit_discount


CREDITED = ("accepted", "inspected", "completed")


def _latest(links: list[OrderLink]) -> OrderLink | None:
    return max(links, key=lambda link: link.reported_at, default=None)


def _sum(links: list[OrderLink], statuses: tuple[str, ...]) -> Decimal:
    return sum((link.amount or ZERO for link in links if link.status in statuses), ZERO)


def credit_expected(trade_ins: list[OrderLink]) -> Decimal:
    """The accepted trade-ins' credit: the order's, though recorded as money only once each
    car is inspected (then it is in the paid amount, and expected no more)."""
    return _sum(trade_ins, ("accepted",))


def vehicle_deposit(total: Decimal) -> Decimal:
    """The prepayment that holds a car: ORDERS_VEHICLE_DEPOSIT_PERCENT of its price, in
    whole roubles up (docs/deal.md)."""
    share: Decimal = total * settings.ORDERS_VEHICLE_DEPOSIT_PERCENT / 100
    return share.quantize(Decimal(1), rounding=ROUND_UP)


def unpaid_clock(
    *, vehicles_total: Decimal | None, paid: Decimal, financed: bool, older_than: timedelta
) -> tuple[timedelta, str]:
    """How long a pending order may stay unpaid, counted from when it was placed, and the
    reason its cancellation gives (docs/operations.md, "Unpaid orders"). `vehicles_total` is
    its vehicle lines' total, None when it has none; `financed`, whether a loan for it is
    approved or paid out."""
    if financed or (vehicles_total is not None and paid >= vehicle_deposit(vehicles_total)):
        days = settings.ORDERS_FINANCED_EXPIRE_DAYS
        return timedelta(days=days), f"Financed, but not paid within {days} days"
    if vehicles_total is not None:
        hold = min(older_than, timedelta(hours=settings.ORDERS_VEHICLE_HOLD_HOURS))
        return hold, f"Vehicle not paid within {_hours(hold)} hours"
    return older_than, f"Not paid within {_hours(older_than)} hours"


def _hours(age: timedelta) -> str:
    return f"{age.total_seconds() / 3600:g}"


def _vehicles_total(order: Order) -> Decimal | None:
    vehicles = [item for item in order.line_items if item.is_vehicle]
    return sum((item.line_total for item in vehicles), ZERO) if vehicles else None


def deposit_of(order: Order) -> Decimal:
    """The prepayment that holds the order's cars, 0 with no car (its lines loaded)."""
    vehicles_total = _vehicles_total(order)
    return vehicle_deposit(vehicles_total) if vehicles_total is not None else ZERO


def prepaid(*, paid: Decimal, deposit: Decimal) -> bool:
    """Whether what the order holds covers its prepayment (an order with no car has none)."""
    return bool(deposit) and paid >= deposit


def loan_of(order: Order) -> OrderLink | None:
    """The order's loan application as financing last reported it: the latest of its links."""
    return _latest([link for link in order.link_items if link.kind == LinkKind.LOAN_APPLICATION])


def deal_of(order: Order) -> Deal:
    """The deal of an order whose items and links are loaded (`selectors.order_get`)."""
    links = order.link_items
    payments = [link for link in links if link.kind == LinkKind.PAYMENT]
    loans = [link for link in links if link.kind == LinkKind.LOAN_APPLICATION]
    loan = loan_of(order)
    trade_ins = [link for link in links if link.kind == LinkKind.TRADE_IN]
    balance = max(order.total_amount - order.paid_amount - credit_expected(trade_ins), ZERO)
    vehicles_total = _vehicles_total(order)
    deposit = deposit_of(order)
    held_until = None
    if order.status == OrderStatus.PENDING:
        clock, _reason = unpaid_clock(
            vehicles_total=vehicles_total,
            paid=order.paid_amount,
            financed=any(link.status in FINANCED_LOAN_STATUSES for link in loans),
            older_than=timedelta(hours=settings.ORDERS_UNPAID_EXPIRE_HOURS),
        )
        held_until = order.created_at + clock
    return Deal(
        order=order,
        payments=payments,
        captured=_sum(payments, CAPTURED),
        pending=_sum(payments, PENDING),
        refunded=sum((link.refunded_amount or ZERO for link in payments), ZERO),
        loan=loan,
        policies=[link for link in links if link.kind == LinkKind.INSURANCE_POLICY],
        trade_in=_latest(trade_ins),
        balance_due=balance,
        outstanding=_steps(order, loan, balance),
        deposit=deposit,
        deposit_paid=prepaid(paid=order.paid_amount, deposit=deposit),
        held_until=held_until,
        trade_ins=trade_ins,
    )


def _steps(order: Order, loan: OrderLink | None, balance: Decimal) -> list[Step]:
    if order.status != OrderStatus.PENDING or balance <= 0:
        return []
    currency = order.currency
    financed = (loan.amount or ZERO) if loan and loan.status in LOAN_TO_COME else ZERO
    own_part = max(balance - financed, ZERO)
    steps = []
    if own_part > 0:
        steps.append(
            Step(
                "payment_due",
                gettext("%(amount)s to pay.") % {"amount": money(own_part, currency)},
                own_part,
            )
        )
    if loan is None or not financed:
        return steps
    if loan.status == "pending_review":
        steps.append(
            Step("loan_under_review", gettext("The loan application is under review."), financed)
        )
    elif loan.status == "approved":
        steps.append(
            Step(
                "loan_awaiting_lender",
                gettext("The approved loan goes to the lender once the down payment is in."),
                financed,
            )
        )
    elif loan.status == "sent_to_lender":
        steps.append(
            Step(
                "loan_awaiting_disbursement",
                gettext("The lender is to pay %(amount)s.") % {"amount": money(financed, currency)},
                financed,
            )
        )
    return steps
