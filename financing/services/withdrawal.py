"""Withdrawal: an order's open applications withdrawn when it is cancelled, and a loan
already paid out returned to the lender (docs/deal.md, "Cancelling")."""

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.types import Id
from financing import events
from financing.choices import APPLICATION_TRANSITIONS, OPEN_STATUSES, ApplicationStatus
from financing.models import LoanApplication
from financing.reasons import reason as reason_of
from financing.services.lender import _loan_request, lender_of
from financing.services.offers import application_offers_withdraw

DB = "financing"


# WITHDRAW
# ------------------------------------------------------------------------------
def _open_applications(order_id: Id) -> QuerySet[LoanApplication]:
    return LoanApplication.objects.using(DB).filter(order_id=order_id, status__in=OPEN_STATUSES)


def order_applications_withdraw(*, order_id: Id) -> int:
    """The order was cancelled: its open applications are withdrawn, and a loan the lender
    has already paid out goes back to it (`returned`, never refunded to the customer).
    Returns how many applications changed."""
    with transaction.atomic(using=DB):
        applications = list(_open_applications(order_id).select_for_update())
        for application in applications:
            if application.status == ApplicationStatus.DISBURSED:
                APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.RETURNED)
                application.returned_at = timezone.now()
                application.reasons = [*application.reasons, reason_of("returned_cancelled")]
                application.save(
                    using=DB, update_fields=["status", "reasons", "returned_at", "updated_at"]
                )
                events.LOAN_APPLICATION_RETURNED.emit(
                    aggregate_id=application.pk, payload=events.loan_payload(application)
                )
                continue
            APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.WITHDRAWN)
            application.reasons = [*application.reasons, reason_of("order_cancelled")]
            application.save(using=DB, update_fields=["status", "reasons", "updated_at"])
            application_offers_withdraw(application)
            events.LOAN_APPLICATION_WITHDRAWN.emit(
                aggregate_id=application.pk, payload=events.application_payload(application)
            )
            if application.sent_to_lender_at is not None:
                cancel = partial(
                    lender_of(application, application.lender).cancel,
                    _loan_request(application),
                    application.lender_reference,
                )
                transaction.on_commit(cancel, using=DB, robust=True)
    return len(applications)
