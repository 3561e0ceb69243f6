from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap
from financing.error_codes import FinancingErrorCode


class ApplicationStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", pgettext_lazy("loan application status", "Pending review")
    APPROVED = "approved", pgettext_lazy("loan application status", "Approved")
    REJECTED = "rejected", pgettext_lazy("loan application status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("loan application status", "Withdrawn")
    DISBURSED = (
        "disbursed",
        pgettext_lazy("loan application status", "Disbursed"),
    )  # the lender paid the order
    RETURNED = (
        "returned",
        pgettext_lazy("loan application status", "Returned"),
    )  # the order was cancelled: the loan went back
    OVERPAID = (
        "overpaid",
        pgettext_lazy("loan application status", "Overpaid: to return to the lender"),
    )  # the lender's money arrived for an order already paid (docs/deal.md)


class FinancingType(models.TextChoices):
    CAR_LOAN = "car_loan", pgettext_lazy("financing type", "Car loan")
    LEASE = "lease", pgettext_lazy("financing type", "Lease")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", pgettext_lazy("employment status", "Employed")
    SELF_EMPLOYED = "self_employed", pgettext_lazy("employment status", "Self-employed")
    UNEMPLOYED = "unemployed", pgettext_lazy("employment status", "Unemployed")
    RETIRED = "retired", pgettext_lazy("employment status", "Retired")
    STUDENT = "student", pgettext_lazy("employment status", "Student")


class Decision(models.TextChoices):
    """What staff may decide about an application under review."""

    APPROVED = ApplicationStatus.APPROVED.value, ApplicationStatus.APPROVED.label
    REJECTED = ApplicationStatus.REJECTED.value, ApplicationStatus.REJECTED.label


# A disbursement recorded by hand, kept among the decisions: above the four-eyes threshold
# it takes effect when a second staff member records the same reference and amount.
DISBURSEMENT_RECORDED = ApplicationStatus.DISBURSED.value


# An order has at most one of these at a time (a partial unique index).
OPEN_STATUSES = (
    ApplicationStatus.PENDING_REVIEW,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DISBURSED,
)

APPLICATION_TRANSITIONS = TransitionMap(
    "loan application",
    ApplicationStatus,
    {
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED): (),
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.REJECTED): (),
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.WITHDRAWN): (),
        (ApplicationStatus.APPROVED, ApplicationStatus.WITHDRAWN): (),
        # The lender's money (docs/deal.md, "The loan"): disbursed once, returned at most once.
        (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED): (),
        (ApplicationStatus.DISBURSED, ApplicationStatus.RETURNED): (),
        # A disbursement that arrives after the order was cancelled goes straight back.
        (ApplicationStatus.WITHDRAWN, ApplicationStatus.RETURNED): (),
        # Money that would have paid the order past its total is held (payments), and goes
        # back to the lender under four eyes (docs/deal.md, "Never paid past the total").
        (ApplicationStatus.DISBURSED, ApplicationStatus.OVERPAID): (),
        (ApplicationStatus.OVERPAID, ApplicationStatus.RETURNED): (),
    },
    code=FinancingErrorCode.APPLICATION_NOT_PENDING,
)


class BankAdapter(models.TextChoices):
    """How a partner bank receives applications and answers (docs/financing.md, "Banks")."""

    MANUAL = "manual", pgettext_lazy("bank adapter", "Manual: staff record the bank's answer")
    HTTP = "http", pgettext_lazy("bank adapter", "HTTP: JSON to the bank, a signed callback back")
    DEMO = "demo", pgettext_lazy("bank adapter", "Demo: answers by itself (never in production)")


# The lender (financing/lenders/) of a loan taken from a bank of each adapter.
LENDER_OF_ADAPTER: dict[str, str] = {
    BankAdapter.MANUAL: "manual",
    BankAdapter.HTTP: "http",
    BankAdapter.DEMO: "demo",
}


class VehicleCondition(models.TextChoices):
    """The cars a programme finances: new, used, or either (blank)."""

    ANY = "", pgettext_lazy("programme vehicles", "New and used")
    NEW = "new", pgettext_lazy("programme vehicles", "New")
    USED = "used", pgettext_lazy("programme vehicles", "Used")


class OfferStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("bank offer status", "Waiting for the bank")
    OFFERED = "offered", pgettext_lazy("bank offer status", "Offered")
    REFUSED = "refused", pgettext_lazy("bank offer status", "Refused")
    TIMED_OUT = "timed_out", pgettext_lazy("bank offer status", "No answer")
    CHOSEN = "chosen", pgettext_lazy("bank offer status", "Chosen")
    DECLINED = "declined", pgettext_lazy("bank offer status", "Declined")
    EXPIRED = "expired", pgettext_lazy("bank offer status", "Expired")
    WITHDRAWN = "withdrawn", pgettext_lazy("bank offer status", "Withdrawn")


# A bank's answer still to come or an offer still to take: what the buyer may wait for.
OPEN_OFFER_STATUSES = (OfferStatus.REQUESTED, OfferStatus.OFFERED)

OFFER_TRANSITIONS = TransitionMap(
    "bank offer",
    OfferStatus,
    {
        (OfferStatus.REQUESTED, OfferStatus.OFFERED): (),
        (OfferStatus.REQUESTED, OfferStatus.REFUSED): (),
        (OfferStatus.REQUESTED, OfferStatus.TIMED_OUT): (),
        (OfferStatus.REQUESTED, OfferStatus.WITHDRAWN): (),
        (OfferStatus.REQUESTED, OfferStatus.DECLINED): (),  # another bank's offer was chosen
        (OfferStatus.OFFERED, OfferStatus.CHOSEN): (),
        (OfferStatus.OFFERED, OfferStatus.DECLINED): (),
        (OfferStatus.OFFERED, OfferStatus.EXPIRED): (),
        (OfferStatus.OFFERED, OfferStatus.WITHDRAWN): (),
        (OfferStatus.CHOSEN, OfferStatus.WITHDRAWN): (),  # the order was cancelled
    },
    code=FinancingErrorCode.OFFER_NOT_OPEN,
)
