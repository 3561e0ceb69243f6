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
    },
    code=FinancingErrorCode.APPLICATION_NOT_PENDING,
)
