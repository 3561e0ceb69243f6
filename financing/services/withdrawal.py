"""Withdrawal: an order's open applications withdrawn when it is cancelled, and a loan
already paid out returned to the lender (docs/deal.md, "Cancelling"); and the buyer's own
loan given up before the lender pays (docs/financing.md, "The credit discount")."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError, NotFound
from common.types import Actor, Id
from financing import events
from financing.choices import APPLICATION_TRANSITIONS, OPEN_STATUSES, ApplicationStatus
from financing.error_codes import FinancingErrorCode
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
            _withdraw(application, "order_cancelled")
    return len(applications)


def order_paid_applications_withdraw(*, order_id: Id, paid_at: datetime) -> int:
    """The order was paid in full by other money (`order.status_changed` to paid at
    `paid_at`): the applications it had before then and that no lender has paid are not
    needed, and are withdrawn, their banks and lender told; a credit discount goes back into
    the price with them (docs/deal.md, "Never paid past the total"). Returns how many."""
    with transaction.atomic(using=DB):
        applications = list(
            LoanApplication.objects.using(DB)
            .select_for_update()
            .filter(
                order_id=order_id,
                status__in=(ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED),
                created_at__lt=paid_at,
            )
        )
        for application in applications:
            _withdraw(application, "order_paid_otherwise")
    return len(applications)


def application_withdraw(*, user: Actor, application_id: Id) -> LoanApplication:
    """The buyer gives their own loan up while the lender has paid nothing: the application
    is withdrawn, its banks told, and the order's price is again the price without the loan
    (orders puts a credit discount back on `loan_application.withdrawn`). Staff cannot give
    a buyer's loan up for them: to anyone else the application is a 404."""
    with transaction.atomic(using=DB):
        application = (
            LoanApplication.objects.using(DB).select_for_update().filter(pk=application_id).first()
        )
        if application is None or application.customer_id != user.pk:
            raise NotFound
        if application.status not in (ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED):
            raise ApplicationError(
                _("A loan that is %s can no longer be given up.")
                % application.get_status_display().lower(),
                code=FinancingErrorCode.APPLICATION_NOT_PENDING,
                status=409,
            )
        _withdraw(application, "buyer_withdrew")
    return application


def _withdraw(application: LoanApplication, reason: str) -> None:
    """Withdraw an open application inside the caller's transaction: its banks' offers
    withdrawn, and a lender it went to told after the commit."""
    APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.WITHDRAWN)
    application.reasons = [*application.reasons, reason_of(reason)]
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
