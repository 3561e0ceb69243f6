from django.db import models

from common.transitions import TransitionMap


class PayableKind(models.TextChoices):
    """What a payment settles (docs/deal.md, "Payables"): an order, a seat at a paid showroom
    event, or an insurance policy's premium."""

    ORDER = "order", "Order"
    REGISTRATION = "registration", "Event registration"
    POLICY = "policy", "Insurance premium"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REQUIRES_ACTION = "requires_action", "Requires the customer's action"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"


class RefundStatus(models.TextChoices):
    # Staff asked for more than PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE: a second staff member
    # decides (four eyes, docs/deal.md "Who decides"); its amount is held meanwhile.
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting a second approval"
    REJECTED = "rejected", "Rejected"
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class PaymentMethodType(models.TextChoices):
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"


class CardBrand(models.TextChoices):
    VISA = "visa", "Visa"
    MASTERCARD = "mastercard", "Mastercard"
    MIR = "mir", "Mir"
    AMEX = "amex", "American Express"
    UNIONPAY = "unionpay", "UnionPay"
    OTHER = "other", "Other"


class NotificationStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    APPLIED = "applied", "Applied"
    IGNORED = "ignored", "Ignored"  # about nothing of ours
    REFUSED = "refused", "Refused"  # the provider's own record disagrees with it


class TransactionType(models.TextChoices):
    CHARGE = "charge", "Charge"
    REFUND = "refund", "Refund"
    LOAN_DISBURSEMENT = "loan_disbursement", "Loan disbursement"  # the lender paid the order
    LOAN_RETURN = "loan_return", "Loan return"  # the loan went back to the lender


CAPTURED_STATUSES = (
    PaymentStatus.COMPLETED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)


PAYMENT_TRANSITIONS = TransitionMap(
    "payment",
    PaymentStatus,
    {
        (PaymentStatus.PENDING, PaymentStatus.COMPLETED): (),
        (PaymentStatus.PENDING, PaymentStatus.FAILED): (),
        # The provider waits for the customer to confirm (3-D Secure, the bank's page).
        (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION): (),
        (PaymentStatus.REQUIRES_ACTION, PaymentStatus.COMPLETED): (),
        (PaymentStatus.REQUIRES_ACTION, PaymentStatus.FAILED): (),
        (PaymentStatus.COMPLETED, PaymentStatus.PARTIALLY_REFUNDED): (),
        (PaymentStatus.COMPLETED, PaymentStatus.REFUNDED): (),
        (PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.PARTIALLY_REFUNDED): (),
        (PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED): (),
    },
)

REFUND_TRANSITIONS = TransitionMap(
    "refund",
    RefundStatus,
    {
        (RefundStatus.AWAITING_APPROVAL, RefundStatus.PENDING): (),
        (RefundStatus.AWAITING_APPROVAL, RefundStatus.REJECTED): (),
        (RefundStatus.PENDING, RefundStatus.COMPLETED): (),
        (RefundStatus.PENDING, RefundStatus.FAILED): (),
    },
)

# A payment in one of these is waiting for the provider's answer.
UNSETTLED_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)

# A refund in one of these holds its amount: what is left to refund is net of it.
REFUND_HELD_STATUSES = (RefundStatus.AWAITING_APPROVAL, RefundStatus.PENDING)


class RefundDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# A payment in one of these can still give money back.
REFUNDABLE_STATUSES = PAYMENT_TRANSITIONS.sources(PaymentStatus.REFUNDED)
