from django.db import models

from common.transitions import TransitionMap
from financing.error_codes import FinancingErrorCode


class ApplicationStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISBURSED = "disbursed", "Disbursed"  # the lender paid the order
    RETURNED = "returned", "Returned"  # the order was cancelled: the loan went back


class FinancingType(models.TextChoices):
    CAR_LOAN = "car_loan", "Car loan"
    LEASE = "lease", "Lease"


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "Employed"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    UNEMPLOYED = "unemployed", "Unemployed"
    RETIRED = "retired", "Retired"
    STUDENT = "student", "Student"


class Decision(models.TextChoices):
    """What staff may decide about an application under review."""

    APPROVED = ApplicationStatus.APPROVED.value, ApplicationStatus.APPROVED.label
    REJECTED = ApplicationStatus.REJECTED.value, ApplicationStatus.REJECTED.label


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
