from django.db import models
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from common.transitions import TransitionMap


class Provider(models.TextChoices):
    """The payment providers (payments/providers), by the name a reader knows them by."""

    FAKE = "fake", pgettext_lazy("payment provider", "Test provider (no real money)")
    YOOKASSA = "yookassa", pgettext_lazy("payment provider", "YooKassa")
    STRIPE = "stripe", pgettext_lazy("payment provider", "Stripe")


def provider_label(code: str) -> str:
    """A provider's name for a reader; a code no longer known stays as it is."""
    return str(Provider(code).label) if code in Provider.values else code


class PayableKind(models.TextChoices):
    """What a payment settles (docs/deal.md, "Payables"): an order, a seat at a paid showroom
    event, an insurance policy's premium, or a service work order (docs/service.md)."""

    ORDER = "order", pgettext_lazy("payable kind", "Order")
    REGISTRATION = "registration", pgettext_lazy("payable kind", "Event registration")
    POLICY = "policy", pgettext_lazy("payable kind", "Insurance premium")
    WORK_ORDER = "work_order", pgettext_lazy("payable kind", "Service work order")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment status", "Pending")
    REQUIRES_ACTION = (
        "requires_action",
        pgettext_lazy("payment status", "Requires the customer's action"),
    )
    COMPLETED = "completed", pgettext_lazy("payment status", "Completed")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")
    PARTIALLY_REFUNDED = "partially_refunded", pgettext_lazy("payment status", "Partially refunded")
    REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")


class RefundStatus(models.TextChoices):
    # Staff asked for more than PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE: a second staff member
    # decides (four eyes, docs/deal.md "Who decides"); its amount is held meanwhile.
    AWAITING_APPROVAL = (
        "awaiting_approval",
        pgettext_lazy("refund status", "Awaiting a second approval"),
    )
    REJECTED = "rejected", pgettext_lazy("refund status", "Rejected")
    PENDING = "pending", pgettext_lazy("refund status", "Pending")
    COMPLETED = "completed", pgettext_lazy("refund status", "Completed")
    FAILED = "failed", pgettext_lazy("refund status", "Failed")


class PaymentMethodType(models.TextChoices):
    CARD = "card", pgettext_lazy("payment method", "Card")
    CASH = "cash", pgettext_lazy("payment method", "Cash")
    BANK_TRANSFER = "bank_transfer", pgettext_lazy("payment method", "Bank transfer")


class CardBrand(models.TextChoices):
    VISA = "visa", pgettext_lazy("card brand", "Visa")
    MASTERCARD = "mastercard", pgettext_lazy("card brand", "Mastercard")
    MIR = "mir", pgettext_lazy("card brand", "Mir")
    AMEX = "amex", pgettext_lazy("card brand", "American Express")
    UNIONPAY = "unionpay", pgettext_lazy("card brand", "UnionPay")
    OTHER = "other", pgettext_lazy("card brand", "Other")


class NotificationStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("notification status", "Received")
    APPLIED = "applied", pgettext_lazy("notification status", "Applied")
    IGNORED = "ignored", pgettext_lazy("notification status", "Ignored")  # about nothing of ours
    REFUSED = (
        "refused",
        pgettext_lazy("notification status", "Refused"),
    )  # the provider's own record disagrees with it


class TransactionType(models.TextChoices):
    CHARGE = "charge", pgettext_lazy("ledger entry type", "Charge")
    REFUND = "refund", pgettext_lazy("ledger entry type", "Refund")
    LOAN_DISBURSEMENT = (
        "loan_disbursement",
        pgettext_lazy("ledger entry type", "Loan disbursement"),
    )  # the lender paid the order
    LOAN_RETURN = (
        "loan_return",
        pgettext_lazy("ledger entry type", "Loan return"),
    )  # the loan went back to the lender
    # The buyer's old car, inspected at handover, credited to the order (docs/tradein.md):
    # no money moved, and it is recorded only from the trade-in's event.
    TRADE_IN_CREDIT = (
        "trade_in_credit",
        pgettext_lazy("ledger entry type", "Trade-in credit"),
    )
    # A lender's money that would have paid the order past its total (docs/deal.md, "Never
    # paid past the total"): held for the lender, never the buyer's, until staff send it back
    # under four eyes. Neither counts in what the order has received.
    LOAN_OVERPAYMENT = (
        "loan_overpayment",
        pgettext_lazy("ledger entry type", "Lender's overpayment held"),
    )
    LOAN_OVERPAYMENT_RETURN = (
        "loan_overpayment_return",
        pgettext_lazy("ledger entry type", "Lender's overpayment returned"),
    )
    # Money the dealership's own cash desk took, as its accounting (1C) reports it
    # (docs/1c.md, "Payments"): no provider moved it, and the desk printed its receipt.
    DESK_PAYMENT = "desk_payment", pgettext_lazy("ledger entry type", "Paid at the cash desk (1C)")


class ReceiptKind(models.TextChoices):
    """A fiscal receipt's place in the deal (54-FZ, docs/payments.md "Fiscal receipts")."""

    PAYMENT = "payment", pgettext_lazy("receipt kind", "Payment")  # with its charge
    REFUND = "refund", pgettext_lazy("receipt kind", "Refund")  # with its refund
    # At handover: the goods delivered, against the prepayments that paid for them.
    SETTLEMENT = "settlement", pgettext_lazy("receipt kind", "Settlement of prepayments")


class ReceiptStatus(models.TextChoices):
    """Where its registration stands at the provider, in the provider's words."""

    PENDING = "pending", pgettext_lazy("receipt status", "Being registered")
    SUCCEEDED = "succeeded", pgettext_lazy("receipt status", "Registered")
    CANCELED = "canceled", pgettext_lazy("receipt status", "Not registered")


RECEIPT_TRANSITIONS = TransitionMap(
    "receipt",
    ReceiptStatus,
    {
        (ReceiptStatus.PENDING, ReceiptStatus.SUCCEEDED): (),
        (ReceiptStatus.PENDING, ReceiptStatus.CANCELED): (),
    },
)


class PaymentMode(models.TextChoices):
    """A receipt line's settlement method (признак способа расчёта), in the API's words."""

    FULL_PREPAYMENT = "full_prepayment", pgettext_lazy("payment mode", "Full prepayment")
    PARTIAL_PREPAYMENT = "partial_prepayment", pgettext_lazy("payment mode", "Partial prepayment")
    FULL_PAYMENT = "full_payment", pgettext_lazy("payment mode", "Full payment")


# The VAT rate each receipt line's code stands for (the fiscal data format's codes, as the
# providers take them): the percent, and its label; a prepayment's computed rate is the
# full one's share of the price with it (20/120). None: the goods carry no VAT.
VAT_RATES: dict[int, tuple[int | None, StrOrPromise]] = {
    1: (None, pgettext_lazy("VAT", "no VAT")),
    2: (0, "0%"),
    3: (10, "10%"),
    4: (20, "20%"),
    5: (10, "10/110"),
    6: (20, "20/120"),
    7: (5, "5%"),
    8: (7, "7%"),
    9: (5, "5/105"),
    10: (7, "7/107"),
    11: (22, "22%"),
    12: (22, "22/122"),
}


def vat_rate_label(code: int | str) -> str:
    """A receipt line's VAT code as a person reads it (20%, no VAT); the code itself for
    one the table does not know."""
    return str(VAT_RATES.get(int(code), (None, code))[1])


class PaymentSubject(models.TextChoices):
    """What a receipt line sells (признак предмета расчёта), in the API's words."""

    COMMODITY = "commodity", pgettext_lazy("payment subject", "Goods")
    SERVICE = "service", pgettext_lazy("payment subject", "Service")


class ReceiptItemKind(models.TextChoices):
    """What is sold, for its VAT rate (PAYMENTS_RECEIPT_VAT_CODES) and subject."""

    VEHICLE = "vehicle", pgettext_lazy("receipt item kind", "Vehicle")
    GOODS = "goods", pgettext_lazy("receipt item kind", "Goods")
    SERVICE = "service", pgettext_lazy("receipt item kind", "Service")
    INSURANCE = "insurance", pgettext_lazy("receipt item kind", "Insurance premium")


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

# A provider's notification is acted on once: applied to our payment or refund, ignored as
# about nothing of ours, or refused as contradicted by the provider's own record.
NOTIFICATION_TRANSITIONS = TransitionMap(
    "provider notification",
    NotificationStatus,
    {
        (NotificationStatus.RECEIVED, NotificationStatus.APPLIED): (),
        (NotificationStatus.RECEIVED, NotificationStatus.IGNORED): (),
        (NotificationStatus.RECEIVED, NotificationStatus.REFUSED): (),
    },
)

# A payment in one of these is waiting for the provider's answer.
UNSETTLED_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)

# A refund in one of these holds its amount: what is left to refund is net of it.
REFUND_HELD_STATUSES = (RefundStatus.AWAITING_APPROVAL, RefundStatus.PENDING)


class RefundDecision(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("refund decision", "Approved")
    REJECTED = "rejected", pgettext_lazy("refund decision", "Rejected")


# A payment in one of these can still give money back.
REFUNDABLE_STATUSES = PAYMENT_TRANSITIONS.sources(PaymentStatus.REFUNDED)


class DeskPaymentStatus(models.TextChoices):
    """A payment the dealership's accounting (1C) reports: in the ledger at once, or above
    PAYMENTS_DESK_SECOND_APPROVAL_ABOVE once two staff members approve it (docs/1c.md)."""

    AWAITING_APPROVAL = (
        "awaiting_approval",
        pgettext_lazy("desk payment status", "Awaiting approval"),
    )
    RECORDED = "recorded", pgettext_lazy("desk payment status", "Recorded")
    REJECTED = "rejected", pgettext_lazy("desk payment status", "Rejected")


DESK_PAYMENT_TRANSITIONS = TransitionMap(
    "desk payment",
    DeskPaymentStatus,
    {
        (DeskPaymentStatus.AWAITING_APPROVAL, DeskPaymentStatus.RECORDED): (),
        (DeskPaymentStatus.AWAITING_APPROVAL, DeskPaymentStatus.REJECTED): (),
    },
)


class DeskSource(models.TextChoices):
    """Whose cash desk reported a payment."""

    ONEC = "1c", pgettext_lazy("desk payment source", "1C")
