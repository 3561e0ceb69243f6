"""Writes of the financing domain: applications are scored, decided, sent to the lender,
disbursed, returned and withdrawn only here (docs/deal.md)."""

import logging
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.exceptions import ApplicationError
from common.types import Actor, Applicant, Id
from financing import events, selectors
from financing.choices import (
    APPLICATION_TRANSITIONS,
    DISBURSEMENT_RECORDED,
    OPEN_STATUSES,
    ApplicationStatus,
    Decision,
)
from financing.error_codes import FinancingErrorCode
from financing.lenders import LenderUnavailable, LoanRequest, get_lender
from financing.lenders.manual import ManualLender
from financing.models import ApplicationDecision, LoanApplication, LoanInstallment
from financing.reasons import reason as reason_of
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "financing"
logger = logging.getLogger(__name__)


# APPLY
# ------------------------------------------------------------------------------
def application_create(
    *,
    user: Applicant,
    order_id: Id,
    vehicle_price: Decimal,
    down_payment: Decimal,
    term_months: int,
    financing_type: str,
    employment_status: str,
    monthly_income: Decimal,
    existing_monthly_debts: Decimal = Decimal("0.00"),
) -> LoanApplication:
    """Apply for a loan on one's own pending order, in its currency; scoring decides at once
    (approved or rejected) or leaves it to staff (pending_review). The first installment
    falls due a month after the application, and the next ones on the same day of the month.
    """
    order = _order_of(user, order_id)
    if vehicle_price > order.total_amount:
        raise ApplicationError(
            _("The vehicle price cannot exceed the order's total of %s.") % order.total_amount,
            code=FinancingErrorCode.VEHICLE_PRICE_EXCEEDS_ORDER,
            details={"vehicle_price": [_("At most %s.") % order.total_amount]},
        )
    offer = selectors.loan_offer_today(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        financing_type=financing_type,
        monthly_income=monthly_income,
        existing_monthly_debts=existing_monthly_debts,
        email_verified=user.email_verified,
    )
    if _open_applications(order.id).exists():
        raise _already_open()
    credit, credit_as_of = orders_selectors.trade_in_expected(order_id=order.id)
    application = LoanApplication(
        order_id=order.id,
        customer_id=order.customer_id,
        currency=order.currency,
        financing_type=financing_type,
        employment_status=employment_status,
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        loan_amount=offer.loan_amount,
        term_months=term_months,
        monthly_income=monthly_income,
        existing_monthly_debts=existing_monthly_debts,
        annual_rate=offer.annual_rate,
        monthly_payment=offer.monthly_payment,
        total_interest=offer.total_interest,
        debt_to_income=offer.debt_to_income,
        rate_table_version=offer.rate_table_version,
        status=offer.status,
        reasons=offer.reasons,
        # What the order had received when it applied, and the credit of its accepted
        # trade-in; payments' and the trade-in's events keep them current.
        order_paid_amount=order.paid_amount,
        trade_in_credit=credit,
        trade_in_as_of=credit_as_of,
    )
    try:
        with transaction.atomic(using=DB):
            application.save(using=DB)
            LoanInstallment.objects.using(DB).bulk_create(
                LoanInstallment(application=application, **asdict(row)) for row in offer.schedule
            )
            payload = events.application_payload(application)
            events.LOAN_APPLICATION_SUBMITTED.emit(aggregate_id=application.pk, payload=payload)
            if decided := events.DECIDED.get(offer.status):
                decided.emit(aggregate_id=application.pk, payload=payload)
            _send_after_commit(application)
            transaction.on_commit(partial(_withdraw_if_order_cancelled, order.id), using=DB)
    except IntegrityError as exc:  # a concurrent application for the order won the race
        raise _already_open() from exc
    return application


def _withdraw_if_order_cancelled(order_id: Id) -> None:
    """The saga's compensation: an order cancelled while its application was being written
    (its `order.cancelled` consumed before the application committed) still loses it. After
    the commit, either this sees the cancellation or the consumer sees the application."""
    if orders_selectors.order_cancelled(order_id=order_id):
        order_applications_withdraw(order_id=order_id)


def _order_of(user: Actor, order_id: Id) -> OrderView:
    """The applicant's own pending order; staff apply for their own orders only, too."""
    order = orders_selectors.order_view_get(user=user, order_id=order_id)
    if order.customer_id != user.pk:
        raise ApplicationError(
            _("No such order of yours."), code=FinancingErrorCode.ORDER_NOT_FOUND, status=404
        )
    if order.status is not OrderStatus.PENDING:
        raise ApplicationError(
            _("An order that is %s cannot be financed.") % order.status,
            code=FinancingErrorCode.ORDER_NOT_FINANCEABLE,
            status=409,
        )
    return order


def _open_applications(order_id: Id) -> QuerySet[LoanApplication]:
    return LoanApplication.objects.using(DB).filter(order_id=order_id, status__in=OPEN_STATUSES)


def _already_open() -> ApplicationError:
    return ApplicationError(
        _("The order already has an application under review or approved."),
        code=FinancingErrorCode.APPLICATION_ALREADY_OPEN,
        status=409,
    )


# DECIDE
# ------------------------------------------------------------------------------
def application_decide(
    *, application_id: Id, decision: str, reason: str, user: Actor
) -> LoanApplication:
    """Staff approve or reject an application that scoring left to them: never their own,
    and an approval of a loan above FINANCING_SECOND_APPROVAL_ABOVE only by a second staff
    member after a first (the application waits in between). Every decision is kept."""
    with transaction.atomic(using=DB):
        application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
        if not APPLICATION_TRANSITIONS.allows(application.status, decision):
            raise ApplicationError(
                _("Only an application pending review can be decided; this one is %s.")
                % application.status,
                code=FinancingErrorCode.APPLICATION_NOT_PENDING,
                status=409,
            )
        ruling = four_eyes.decision_take(
            what=_("loan application"),
            owner_id=application.customer_id,
            user=user,
            decision=decision,
            approve=decision == Decision.APPROVED,
            reason=reason,
            amount=application.loan_amount,
            threshold=settings.FINANCING_SECOND_APPROVAL_ABOVE,
            earlier=list(application.decisions.using(DB)),
        )
        ApplicationDecision.objects.using(DB).create(application=application, **ruling.fields)
        if not ruling.final:
            return application
        APPLICATION_TRANSITIONS.apply(application, decision)
        application.reasons = [*application.reasons, reason_of("staff_decision", reason=reason)]
        application.decided_by_id = user.pk
        application.decided_at = timezone.now()
        application.save(
            using=DB,
            update_fields=["status", "reasons", "decided_by_id", "decided_at", "updated_at"],
        )
        events.DECIDED[ApplicationStatus(decision)].emit(
            aggregate_id=application.pk, payload=events.application_payload(application)
        )
        _send_after_commit(application)
    return application


# THE LENDER
# ------------------------------------------------------------------------------
# An approved application goes to the lender once the order has received its down payment;
# the lender disburses the loan amount against the order, once (docs/deal.md, "The loan").
def _ready_to_send(application: LoanApplication) -> bool:
    return (
        application.status == ApplicationStatus.APPROVED
        and application.sent_to_lender_at is None
        and application.order_paid_amount + application.trade_in_credit >= application.down_payment
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
    return LoanRequest(
        application_id=str(application.pk),
        amount=application.loan_amount,
        currency=application.currency,
        term_months=application.term_months,
        customer_id=str(application.customer_id),
    )


def application_send(*, application_id: Id) -> LoanApplication:
    """Send an approved application whose down payment is in to the lender: the lender is
    asked outside any transaction (idempotent on the application's id), then the sending is
    recorded once. The fake lender is asked again when it says it will have paid."""
    application = LoanApplication.objects.using(DB).get(pk=application_id)
    if not _ready_to_send(application):
        return application
    lender = get_lender()
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
    paid = get_lender(application.lender).disbursement(
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
        if user is not None and not _recorded_by_hand(application, amount, reference, user):
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


# WITHDRAW
# ------------------------------------------------------------------------------
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
            events.LOAN_APPLICATION_WITHDRAWN.emit(
                aggregate_id=application.pk, payload=events.application_payload(application)
            )
            if application.sent_to_lender_at is not None:
                cancel = partial(
                    get_lender(application.lender).cancel,
                    _loan_request(application),
                    application.lender_reference,
                )
                transaction.on_commit(cancel, using=DB, robust=True)
    return len(applications)
