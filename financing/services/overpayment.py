"""A lender's money that arrived for an order already paid by other money: payments holds it
as an overpayment, never the buyer's; the application notes it, and two staff members send it
back to the lender (docs/deal.md, "Never paid past the total")."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError
from common.types import Actor, Id
from financing import events
from financing.choices import APPLICATION_TRANSITIONS, ApplicationStatus
from financing.error_codes import FinancingErrorCode
from financing.models import ApplicationDecision, LoanApplication
from financing.reasons import reason as reason_of

DB = "financing"
# An overpayment goes back on two people's word whatever its amount.
RETURNED = ApplicationStatus.RETURNED.value


def application_overpaid_note(*, application_id: Id, amount: Decimal) -> LoanApplication | None:
    """Payments held the lender's disbursement of `amount` as an overpayment: the loan paid
    nothing, and waits for staff to return the money. An application already returned (its
    order cancelled meanwhile) or noted before is left as it is."""
    with transaction.atomic(using=DB):
        application = (
            LoanApplication.objects.using(DB).select_for_update().filter(pk=application_id).first()
        )
        if application is None or application.status != ApplicationStatus.DISBURSED:
            return application
        APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.OVERPAID)
        application.reasons = [*application.reasons, reason_of("overpayment_held", amount=amount)]
        application.save(using=DB, update_fields=["status", "reasons", "updated_at"])
    return application


def application_overpayment_return(
    *, application_id: Id, user: Actor, reason: str = ""
) -> LoanApplication:
    """Send a held overpayment back to the lender: on two different staff members' word
    (the first is recorded and the application waits), never the borrower's. Then the
    application is `returned`, and payments records the money gone back."""
    with transaction.atomic(using=DB):
        application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
        if application.status != ApplicationStatus.OVERPAID:
            raise ApplicationError(
                _("Only a loan overpayment held for its lender can be returned; this one is %s.")
                % application.get_status_display().lower(),
                code=FinancingErrorCode.OVERPAYMENT_NOT_HELD,
                status=409,
            )
        ruling = four_eyes.decision_take(
            what=_("return of a lender's overpayment"),
            owner_id=application.customer_id,
            user=user,
            decision=RETURNED,
            approve=True,
            reason=reason or "Overpayment returned to the lender",
            amount=application.loan_amount,
            threshold=Decimal("0.00"),
            earlier=application.decisions.using(DB).filter(decision=RETURNED),
        )
        ApplicationDecision.objects.using(DB).create(
            application=application,
            reference=application.disbursement_reference or "",
            **ruling.fields,
        )
        if not ruling.final:
            return application
        APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.RETURNED)
        application.returned_at = timezone.now()
        application.reasons = [*application.reasons, reason_of("overpayment_returned")]
        application.save(using=DB, update_fields=["status", "reasons", "returned_at", "updated_at"])
        events.LOAN_APPLICATION_RETURNED.emit(
            aggregate_id=application.pk, payload=events.loan_payload(application)
        )
    return application
