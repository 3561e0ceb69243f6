"""The lender: an approved loan sent once its down payment is in, asked about, and its
disbursement recorded once (docs/deal.md, "The loan")."""

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError
from common.formatting import money
from common.payables import order_received
from common.types import Actor, Id
from financing import events
from financing.choices import (
    APPLICATION_TRANSITIONS,
    DISBURSEMENT_RECORDED,
    LENDER_OF_ADAPTER,
    ApplicationStatus,
)
from financing.error_codes import FinancingErrorCode
from financing.lenders import Lender, LenderUnavailable, LoanRequest, get_lender
from financing.lenders.manual import ManualLender
from financing.models import ApplicationDecision, LoanApplication
from financing.reasons import reason as reason_of
from orders import selectors as orders_selectors

DB = "financing"
logger = logging.getLogger(__name__)


# THE LENDER
# ------------------------------------------------------------------------------
# An approved application goes to the lender once the order has received its down payment;
# the lender disburses the loan amount against the order, once (docs/deal.md, "The loan").
def _ready_to_send(application: LoanApplication) -> bool:
    return (
        application.status == ApplicationStatus.APPROVED
        and application.sent_to_lender_at is None
        and application.order_paid_amount + application.trade_in_credit >= application.down_payment
        # Asked of partner banks, it goes to the one whose offer the buyer chose.
        and (not application.asks_banks or application.bank_id is not None)
    )


def overpay_refusal(application: LoanApplication) -> ApplicationError | None:
    """Why the loan would pay its order past its total (docs/deal.md, "Never paid past the
    total"), or None: what the order has received (payments' ledger, the source of truth
    for money), plus the credit of an accepted trade-in still to be inspected, plus the
    loan, against the order's total."""
    total = orders_selectors.order_total(order_id=application.order_id)
    received = order_received(application.order_id)
    after = received + application.trade_in_credit + application.loan_amount
    if total is None or after <= total:
        return None
    figures = {
        "total": money(total, application.currency),
        "received": money(received + application.trade_in_credit, application.currency),
        "loan": money(application.loan_amount, application.currency),
    }
    return ApplicationError(
        _(
            "The order's total is %(total)s and it has already received %(received)s: "
            "a loan of %(loan)s would pay it past its total."
        )
        % figures,
        code=FinancingErrorCode.LOAN_WOULD_OVERPAY,
        status=409,
        details={
            "total": str(total),
            "received": str(received + application.trade_in_credit),
            "loan_amount": str(application.loan_amount),
        },
    )


def _send_after_commit(application: LoanApplication) -> None:
    if _ready_to_send(application):
        application_id = application.pk
        transaction.on_commit(
            lambda: _enqueue("application_send_task", application_id), using=DB, robust=True
        )


def _enqueue(task_name: str, application_id: Id, countdown: float | None = None) -> None:
    from financing import tasks

    getattr(tasks, task_name).apply_async((str(application_id),), countdown=countdown)


def _unsent_locked(order_id: Id) -> LoanApplication | None:
    """The order's application still to be sent to a lender, locked: what the order
    receives decides when it goes."""
    return (
        LoanApplication.objects.using(DB)
        .select_for_update()
        .filter(
            order_id=order_id,
            status__in=(ApplicationStatus.PENDING_REVIEW, ApplicationStatus.APPROVED),
        )
        .first()
    )


def order_paid_note(*, order_id: Id, paid_amount: Decimal, version: int) -> None:
    """Payments reported what the order has received (`version` orders the reports): an
    approved loan whose down payment is now in goes to the lender."""
    with transaction.atomic(using=DB):
        application = _unsent_locked(order_id)
        if application is None or version <= application.order_paid_version:
            return
        application.order_paid_amount = paid_amount
        application.order_paid_version = version
        application.save(
            using=DB, update_fields=["order_paid_amount", "order_paid_version", "updated_at"]
        )
        _send_after_commit(application)


def trade_in_credit_note(*, order_id: Id, credit: Decimal, reported_at: datetime) -> None:
    """The trade-in domain reported the order's old car (`reported_at` orders the reports):
    accepted, its amount is a credit the order expects, which counts in the down payment
    until the inspection records it as money; anything else, none. An approved loan whose
    down payment is now in goes to the lender."""
    with transaction.atomic(using=DB):
        application = _unsent_locked(order_id)
        if application is None:
            return
        if application.trade_in_as_of is not None and reported_at <= application.trade_in_as_of:
            return
        application.trade_in_credit = credit
        application.trade_in_as_of = reported_at
        application.save(
            using=DB, update_fields=["trade_in_credit", "trade_in_as_of", "updated_at"]
        )
        _send_after_commit(application)


def _loan_request(application: LoanApplication) -> LoanRequest:
    chosen = (
        application.offers.filter(bank_id=application.bank_id).first()
        if application.bank_id
        else None
    )
    return LoanRequest(
        application_id=str(application.pk),
        amount=application.loan_amount,
        currency=application.currency,
        term_months=application.term_months,
        customer_id=str(application.customer_id),
        offer_id="" if chosen is None else str(chosen.pk),
    )


def lender_of(application: LoanApplication, name: str | None = None) -> Lender:
    """The lender of an application: its chosen bank's (docs/financing.md), else the one
    `name`d, by default FINANCING_LENDER."""
    if (bank := application.bank) is not None:
        return get_lender(LENDER_OF_ADAPTER[bank.adapter], bank=bank)
    return get_lender(name)


def application_send(*, application_id: Id) -> LoanApplication:
    """Send an approved application whose down payment is in to the lender: the lender is
    asked outside any transaction (idempotent on the application's id), then the sending is
    recorded once. The fake lender is asked again when it says it will have paid."""
    application = LoanApplication.objects.using(DB).get(pk=application_id)
    if not _ready_to_send(application):
        return application
    if overpay_refusal(application) is not None:  # withdrawn once orders reports it paid
        logger.warning("Application %s is not sent: its order is paid otherwise", application.pk)
        return application
    lender = lender_of(application)
    reference = lender.submit(_loan_request(application))
    with transaction.atomic(using=DB):
        application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
        if not _ready_to_send(application):
            return application
        application.lender = lender.name
        application.lender_reference = reference
        application.sent_to_lender_at = timezone.now()
        application.save(
            using=DB,
            update_fields=["lender", "lender_reference", "sent_to_lender_at", "updated_at"],
        )
        events.LOAN_APPLICATION_SENT_TO_LENDER.emit(
            aggregate_id=application.pk, payload=events.loan_payload(application)
        )
        if (delay := lender.next_check_seconds()) is not None:
            transaction.on_commit(
                lambda: _enqueue("application_lender_check_task", application_id, delay),
                using=DB,
                robust=True,
            )
    return application


def application_lender_check(*, application_id: Id) -> LoanApplication:
    """Ask the lender whether it has paid out a loan sent to it; record the disbursement if
    so. Lender outages propagate."""
    application = LoanApplication.objects.using(DB).get(pk=application_id)
    if application.status != ApplicationStatus.APPROVED or application.sent_to_lender_at is None:
        return application
    paid = lender_of(application, application.lender).disbursement(
        _loan_request(application), application.lender_reference, application.sent_to_lender_at
    )
    if paid is None:
        return application
    return application_disburse(
        application_id=application.pk, amount=paid.amount, reference=paid.reference
    )


def lenders_poll() -> int:
    """Beat: ask the lenders about every loan sent and not yet paid out, and send approved
    loans whose sending was lost. Returns how many were disbursed."""
    disbursed = 0
    waiting = LoanApplication.objects.using(DB).filter(status=ApplicationStatus.APPROVED)
    for application in list(waiting):
        try:
            if application.sent_to_lender_at is None:
                application_send(application_id=application.pk)
            elif application_lender_check(application_id=application.pk).disbursed_at:
                disbursed += 1
        except LenderUnavailable:
            logger.warning("The lender is unavailable; application %s waits", application.pk)
    return disbursed


def application_disburse(
    *, application_id: Id, amount: Decimal, reference: str, user: Actor | None = None
) -> LoanApplication:
    """Record the lender's disbursement of an approved loan, once: the same `reference`
    again changes nothing, another one is a 409. Staff record it for a loan sent to the
    manual lender (`user`), never for their own; above FINANCING_SECOND_APPROVAL_ABOVE it
    takes a second staff member recording the same reference and amount (`_recorded_by_hand`).
    The lender's adapter records it for a lender with an API. Money that arrives for a loan
    whose order was cancelled meanwhile goes straight back: the application is `returned`,
    and both movements are reported, so that the ledger nets them out (docs/deal.md,
    "Cancelling")."""
    with transaction.atomic(using=DB):
        application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
        if application.disbursement_reference == reference:
            return application
        if application.disbursement_reference:
            raise ApplicationError(
                _("This loan has already been disbursed under another reference."),
                code=FinancingErrorCode.ALREADY_DISBURSED,
                status=409,
                details={"reference": [application.disbursement_reference]},
            )
        # Money may still arrive for a loan the lender had when its order was cancelled.
        late = (
            application.status == ApplicationStatus.WITHDRAWN
            and application.sent_to_lender_at is not None
        )
        if application.status != ApplicationStatus.APPROVED and not late:
            raise ApplicationError(
                _("Only an approved loan can be disbursed; this one is %s.") % application.status,
                code=FinancingErrorCode.APPLICATION_NOT_APPROVED,
                status=409,
            )
        if user is None and application.sent_to_lender_at is None:
            raise ApplicationError(
                _("A loan that has not gone to its lender cannot have been disbursed by it."),
                code=FinancingErrorCode.LOAN_NOT_SENT,
                status=409,
            )
        taken = LoanApplication.objects.using(DB).filter(disbursement_reference=reference)
        if taken.exists():
            raise ApplicationError(
                _("Another loan's disbursement has this reference."),
                code=FinancingErrorCode.DISBURSEMENT_REFERENCE_USED,
                status=409,
                details={"reference": [_("Already recorded for another loan.")]},
            )
        if amount != application.loan_amount:
            raise ApplicationError(
                _("The loan is %(amount)s %(currency)s.")
                % {"amount": application.loan_amount, "currency": application.currency},
                code=FinancingErrorCode.DISBURSEMENT_AMOUNT_MISMATCH,
                status=400,
                details={"amount": [_("Exactly %s.") % application.loan_amount]},
            )
        if user is not None:
            # Staff record no money that would pay the order past its total; a lender's that
            # arrives anyway is held by payments as an overpayment to return.
            if not late and (refusal := overpay_refusal(application)):
                raise refusal
            if not _recorded_by_hand(application, amount, reference, user):
                return application  # a first record, waiting for a second staff member
        now = timezone.now()
        application.disbursement_reference = reference
        application.disbursed_at = now
        application.disbursed_by_id = None if user is None else user.pk
        if late:
            application.returned_at = now
            application.reasons = [*application.reasons, reason_of("returned_late")]
            APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.RETURNED)
        else:
            APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.DISBURSED)
        application.save(using=DB)
        events.LOAN_APPLICATION_DISBURSED.emit(
            aggregate_id=application.pk,
            payload=events.loan_payload(application, status=ApplicationStatus.DISBURSED),
        )
        if late:
            events.LOAN_APPLICATION_RETURNED.emit(
                aggregate_id=application.pk, payload=events.loan_payload(application)
            )
    return application


def _recorded_by_hand(
    application: LoanApplication, amount: Decimal, reference: str, user: Actor
) -> bool:
    """A disbursement staff record by hand, under the application's lock: only for a loan
    that went to the manual lender (any other lender reports its own money), never by the
    applicant, and kept among the decisions. True when it takes effect now; False for a
    first record above the four-eyes threshold (docs/deal.md, "The loan")."""
    if application.lender != ManualLender.name or application.sent_to_lender_at is None:
        raise ApplicationError(
            _("Only a loan sent to the manual lender has its disbursement recorded by hand."),
            code=FinancingErrorCode.DISBURSEMENT_NOT_BY_HAND,
            status=409,
        )
    ruling = four_eyes.decision_take(
        what=_("loan disbursement"),
        owner_id=application.customer_id,
        user=user,
        decision=DISBURSEMENT_RECORDED,
        approve=True,
        reason=f"Disbursement {reference} recorded by hand",
        amount=amount,
        threshold=settings.FINANCING_SECOND_APPROVAL_ABOVE,
        earlier=application.decisions.using(DB).filter(reference=reference),
    )
    ApplicationDecision.objects.using(DB).create(
        application=application, reference=reference, **ruling.fields
    )
    return ruling.final
