"""Writes of the financing domain: applications are scored, decided and withdrawn only here."""

from dataclasses import asdict
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import ApplicationError
from financing import events, selectors
from financing.choices import APPLICATION_TRANSITIONS, OPEN_STATUSES, ApplicationStatus
from financing.error_codes import FinancingErrorCode
from financing.models import LoanApplication, LoanInstallment
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "financing"


# APPLY
# ------------------------------------------------------------------------------
def application_create(
    *,
    user,
    order_id,
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
            f"The vehicle price cannot exceed the order's total of {order.total_amount}.",
            code=FinancingErrorCode.VEHICLE_PRICE_EXCEEDS_ORDER,
            details={"vehicle_price": [f"At most {order.total_amount}."]},
        )
    offer = selectors.loan_offer_today(
        vehicle_price=vehicle_price,
        down_payment=down_payment,
        term_months=term_months,
        financing_type=financing_type,
        monthly_income=monthly_income,
        existing_monthly_debts=existing_monthly_debts,
    )
    if _open_applications(order.id).exists():
        raise _already_open()
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
    )
    try:
        with transaction.atomic(using=DB):
            application.save(using=DB)
            LoanInstallment.objects.using(DB).bulk_create(
                LoanInstallment(application=application, **asdict(row)) for row in offer.schedule
            )
            payload = events.application_payload(application)
            events.FINANCING_SUBMITTED.emit(aggregate_id=application.pk, payload=payload)
            if decided := events.DECIDED.get(application.status):
                decided.emit(aggregate_id=application.pk, payload=payload)
            transaction.on_commit(partial(_withdraw_if_order_cancelled, order.id), using=DB)
    except IntegrityError as exc:  # a concurrent application for the order won the race
        raise _already_open() from exc
    return application


def _withdraw_if_order_cancelled(order_id) -> None:
    """The saga's compensation: an order cancelled while its application was being written
    (its `order.cancelled` consumed before the application committed) still loses it. After
    the commit, either this sees the cancellation or the consumer sees the application."""
    if orders_selectors.order_cancelled(order_id=order_id):
        order_applications_withdraw(order_id=order_id)


def _order_of(user, order_id) -> OrderView:
    """The applicant's own pending order; staff apply for their own orders only, too."""
    order = orders_selectors.order_view_get(user=user, order_id=order_id)
    if order.customer_id != user.pk:
        raise ApplicationError(
            "No such order of yours.", code=FinancingErrorCode.ORDER_NOT_FOUND, status=404
        )
    if order.status is not OrderStatus.PENDING:
        raise ApplicationError(
            f"An order that is {order.status} cannot be financed.",
            code=FinancingErrorCode.ORDER_NOT_FINANCEABLE,
            status=409,
        )
    return order


def _open_applications(order_id):
    return LoanApplication.objects.using(DB).filter(order_id=order_id, status__in=OPEN_STATUSES)


def _already_open() -> ApplicationError:
    return ApplicationError(
        "The order already has an application under review or approved.",
        code=FinancingErrorCode.APPLICATION_ALREADY_OPEN,
        status=409,
    )


# DECIDE
# ------------------------------------------------------------------------------
def application_decide(*, application_id, decision: str, reason: str, user) -> LoanApplication:
    """Staff approve or reject an application that scoring left to them."""
    with transaction.atomic(using=DB):
        application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
        if not APPLICATION_TRANSITIONS.allows(application.status, decision):
            raise ApplicationError(
                f"Only an application pending review can be decided; this one is {application.status}.",
                code=FinancingErrorCode.APPLICATION_NOT_PENDING,
                status=409,
            )
        APPLICATION_TRANSITIONS.apply(application, decision)
        application.reasons = [*application.reasons, f"Staff decision: {reason}"]
        application.decided_by_id = user.pk
        application.decided_at = timezone.now()
        application.save(
            using=DB,
            update_fields=["status", "reasons", "decided_by_id", "decided_at", "updated_at"],
        )
        events.DECIDED[decision].emit(
            aggregate_id=application.pk, payload=events.application_payload(application)
        )
    return application


# WITHDRAW
# ------------------------------------------------------------------------------
def order_applications_withdraw(*, order_id) -> int:
    """The order was cancelled: its open applications are withdrawn. Returns how many."""
    with transaction.atomic(using=DB):
        applications = list(_open_applications(order_id).select_for_update())
        for application in applications:
            APPLICATION_TRANSITIONS.apply(application, ApplicationStatus.WITHDRAWN)
            application.reasons = [*application.reasons, "The order was cancelled."]
            application.save(using=DB, update_fields=["status", "reasons", "updated_at"])
            events.FINANCING_WITHDRAWN.emit(
                aggregate_id=application.pk, payload=events.application_payload(application)
            )
    return len(applications)
