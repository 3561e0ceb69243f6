"""Events the financing domain emits (docs/architecture.md §3.4). Orders notes each of them on the
order and in its live feed, from the payload alone."""

from common.events import DomainEvent
from financing.choices import ApplicationStatus
from financing.models import LoanApplication

FINANCING_SUBMITTED = DomainEvent("financing.submitted", app_label="financing")
FINANCING_APPROVED = DomainEvent("financing.approved", app_label="financing")
FINANCING_REJECTED = DomainEvent("financing.rejected", app_label="financing")
FINANCING_WITHDRAWN = DomainEvent("financing.withdrawn", app_label="financing")
# The lender's part of the deal (docs/deal.md, "The loan").
FINANCING_SENT_TO_LENDER = DomainEvent("financing.sent_to_lender", app_label="financing")
FINANCING_DISBURSED = DomainEvent("financing.disbursed", app_label="financing")
FINANCING_RETURNED = DomainEvent("financing.returned", app_label="financing")

# The event that reports a decision, by the status decided.
DECIDED = {
    ApplicationStatus.APPROVED: FINANCING_APPROVED,
    ApplicationStatus.REJECTED: FINANCING_REJECTED,
}


def application_payload(application: LoanApplication) -> dict:
    return {
        "id": str(application.pk),
        "order_id": str(application.order_id),
        "customer_id": str(application.customer_id),
        "status": application.status,
        "amount": str(application.loan_amount),
        "currency": application.currency,
        "financing_type": application.financing_type,
        "term_months": application.term_months,
        "annual_rate": str(application.annual_rate),
        "monthly_payment": str(application.monthly_payment),
        "rate_table_version": application.rate_table_version,
    }


def _moment(value) -> str | None:
    return None if value is None else value.isoformat()


def loan_payload(application: LoanApplication, **overrides) -> dict:
    """An application and where its money stands with the lender; `amount` is the loan."""
    return {
        **application_payload(application),
        "lender": application.lender,
        "lender_reference": application.lender_reference,
        "disbursement_reference": application.disbursement_reference,
        "sent_to_lender_at": _moment(application.sent_to_lender_at),
        "disbursed_at": _moment(application.disbursed_at),
        "returned_at": _moment(application.returned_at),
        **overrides,
    }
