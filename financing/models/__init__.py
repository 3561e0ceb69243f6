"""Models of the financing domain; they live in the `financing` database (see common/db/databases.py).
Orders and users belong to other databases and are referenced by id (docs/architecture.md §3.1).
Applications in `applications.py`, partner banks and their offers in `banks.py`."""

from financing.models.applications import (
    ApplicationDecision,
    InboxEvent,
    LoanApplication,
    LoanInstallment,
    OutboxEvent,
)
from financing.models.banks import (
    Bank,
    BankCallback,
    BankOffer,
    BankProgramme,
    CreditDiscount,
    OfferDecision,
    StateProgramme,
)

__all__ = [
    "ApplicationDecision",
    "Bank",
    "BankCallback",
    "BankOffer",
    "BankProgramme",
    "CreditDiscount",
    "InboxEvent",
    "LoanApplication",
    "LoanInstallment",
    "OfferDecision",
    "OutboxEvent",
    "StateProgramme",
]
