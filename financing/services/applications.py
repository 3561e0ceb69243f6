"""Applications: made on one's own pending order and scored at once, or decided by staff
under four eyes (docs/deal.md, "The loan")."""

from dataclasses import asdict
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError
from common.types import Actor, Applicant, Id
from financing import events, selectors
from financing.choices import APPLICATION_TRANSITIONS, ApplicationStatus, Decision
from financing.error_codes import FinancingErrorCode
from financing.models import ApplicationDecision, LoanApplication, LoanInstallment
from financing.reasons import reason as reason_of
from financing.services.lender import _send_after_commit, overpay_refusal
from financing.services.withdrawal import _open_applications, order_applications_withdraw
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "financing"


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
        showroom_id=order.showroom_id,
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
        if decision == Decision.APPROVED and (refusal := overpay_refusal(application)):
            raise refusal  # the order is paid otherwise: approving would pay it twice
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
