"""Events the financing domain emits (docs/architecture.md §3.4). Orders notes each of them on the
order and in its live feed, from the payload alone."""

from common.events import DomainEvent
from financing.choices import ApplicationStatus
from financing.models import LoanApplication

FINANCING_SUBMITTED = DomainEvent("financing.submitted", app_label="financing")
FINANCING_APPROVED = DomainEvent("financing.approved", app_label="financing")
FINANCING_REJECTED = DomainEvent("financing.rejected", app_label="financing")
FINANCING_WITHDRAWN = DomainEvent("financing.withdrawn", app_label="financing")

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
