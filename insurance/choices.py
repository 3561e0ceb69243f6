from django.db import models
from django.utils.translation import pgettext_lazy

from common.transitions import TransitionMap
from insurance.error_codes import InsuranceErrorCode


class InsuranceType(models.TextChoices):
    OSAGO = (
        "osago",
        pgettext_lazy("insurance type", "OSAGO (compulsory motor third-party liability)"),
    )
    KASKO = "kasko", pgettext_lazy("insurance type", "KASKO (comprehensive cover of the vehicle)")


class QuoteStatus(models.TextChoices):
    QUOTED = "quoted", pgettext_lazy("quote status", "Quoted")
    PURCHASED = "purchased", pgettext_lazy("quote status", "Purchased")
    CANCELLED = (
        "cancelled",
        pgettext_lazy("quote status", "Cancelled"),
    )  # its order was cancelled before it was bought


class PolicyStatus(models.TextChoices):
    PENDING_PAYMENT = (
        "pending_payment",
        pgettext_lazy("policy status", "Pending payment"),
    )  # bought, the premium not yet paid
    ACTIVE = "active", pgettext_lazy("policy status", "Active")
    CANCELLED = (
        "cancelled",
        pgettext_lazy("policy status", "Cancelled"),
    )  # after it was paid: the unused premium refunded
    LAPSED = (
        "lapsed",
        pgettext_lazy("policy status", "Lapsed"),
    )  # never paid: in time, or before its order was cancelled


class ClaimStatus(models.TextChoices):
    FILED = "filed", pgettext_lazy("claim status", "Filed")
    APPROVED = "approved", pgettext_lazy("claim status", "Approved")
    REJECTED = "rejected", pgettext_lazy("claim status", "Rejected")


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
    {
        # Sold only when paid (docs/deal.md, "Insurance").
        (PolicyStatus.PENDING_PAYMENT, PolicyStatus.ACTIVE): (),
        (PolicyStatus.PENDING_PAYMENT, PolicyStatus.LAPSED): (),
        (PolicyStatus.ACTIVE, PolicyStatus.CANCELLED): (),
    },
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
