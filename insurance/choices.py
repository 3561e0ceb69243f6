from django.db import models

from common.transitions import TransitionMap
from insurance.error_codes import InsuranceErrorCode


class InsuranceType(models.TextChoices):
    OSAGO = "osago", "OSAGO (compulsory motor third-party liability)"
    KASKO = "kasko", "KASKO (comprehensive cover of the vehicle)"


class QuoteStatus(models.TextChoices):
    QUOTED = "quoted", "Quoted"
    PURCHASED = "purchased", "Purchased"
    CANCELLED = "cancelled", "Cancelled"  # its order was cancelled before it was bought


class PolicyStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"


class ClaimStatus(models.TextChoices):
    FILED = "filed", "Filed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ClaimDecision(models.TextChoices):
    APPROVED = ClaimStatus.APPROVED.value, ClaimStatus.APPROVED.label
    REJECTED = ClaimStatus.REJECTED.value, ClaimStatus.REJECTED.label


QUOTE_TRANSITIONS = TransitionMap(
    "quote",
    QuoteStatus,
    {
        (QuoteStatus.QUOTED, QuoteStatus.PURCHASED): (),
        (QuoteStatus.QUOTED, QuoteStatus.CANCELLED): (),
    },
    code=InsuranceErrorCode.QUOTE_NOT_PURCHASABLE,
)

POLICY_TRANSITIONS = TransitionMap(
    "policy",
    PolicyStatus,
    {(PolicyStatus.ACTIVE, PolicyStatus.CANCELLED): ()},
    code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
)

CLAIM_TRANSITIONS = TransitionMap(
    "claim",
    ClaimStatus,
    {
        (ClaimStatus.FILED, ClaimStatus.APPROVED): (),
        (ClaimStatus.FILED, ClaimStatus.REJECTED): (),
    },
    code=InsuranceErrorCode.CLAIM_ALREADY_DECIDED,
)
