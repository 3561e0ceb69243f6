from django.db import models

from common.transitions import TransitionMap
from financing.error_codes import FinancingErrorCode


class ApplicationStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


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
OPEN_STATUSES = (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED)

APPLICATION_TRANSITIONS = TransitionMap(
    "loan application",
    ApplicationStatus,
    {
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED): (),
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.REJECTED): (),
        (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.WITHDRAWN): (),
        (ApplicationStatus.APPROVED, ApplicationStatus.WITHDRAWN): (),
    },
    code=FinancingErrorCode.APPLICATION_NOT_PENDING,
)
