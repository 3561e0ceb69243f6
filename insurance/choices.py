from django.db import models


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
