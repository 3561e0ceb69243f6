from django.db import models

from common.transitions import TransitionMap
from orders.error_codes import OrderErrorCode


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class LinkKind(models.TextChoices):
    """What another domain attached to an order, as its events report it."""

    PAYMENT = "payment", "Payment"
    LOAN_APPLICATION = "loan_application", "Loan application"
    INSURANCE_QUOTE = "insurance_quote", "Insurance quote"
    INSURANCE_POLICY = "insurance_policy", "Insurance policy"
    INSURANCE_CLAIM = "insurance_claim", "Insurance claim"


# A loan application in one of these states, as financing reports it, finances its order:
# the order keeps its stock longer (docs/operations.md, "Unpaid orders").
FINANCED_LOAN_STATUSES = ("approved", "sent_to_lender", "disbursed")


class Actor(models.TextChoices):
    """Who may make a transition: the order's own customer, staff, or the system (payments)."""

    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


# (from, to) -> who may make that move. Nothing else is a legal transition.
ORDER_TRANSITIONS = TransitionMap(
    "order",
    OrderStatus,
    {
        (OrderStatus.PENDING, OrderStatus.PAID): {Actor.SYSTEM},
        (OrderStatus.PENDING, OrderStatus.CANCELLED): {Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM},
        (OrderStatus.PAID, OrderStatus.PROCESSING): {Actor.STAFF},
        (OrderStatus.PAID, OrderStatus.CANCELLED): {Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM},
        (OrderStatus.PROCESSING, OrderStatus.COMPLETED): {Actor.STAFF},
    },
    code=OrderErrorCode.INVALID_TRANSITION,
    actor_code=OrderErrorCode.TRANSITION_NOT_ALLOWED,
)

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.COMPLETED)
OPEN_STATUSES = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PROCESSING)
