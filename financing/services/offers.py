"""Partner banks' offers (docs/financing.md): one application sent to the banks the buyer
consents to, the buyer's choice among their answers, and the rest declined. The banks'
answers are recorded in `answers.py`."""

import logging
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services as accounts
from accounts.choices import ConsentPurpose
from catalog import selectors as catalog
from common.api.exceptions import ApplicationError, NotFound
from common.types import Actor, Id
from financing import events, offers
from financing.banks import BankUnavailable, bank_client
from financing.choices import (
    LENDER_OF_ADAPTER,
    OFFER_TRANSITIONS,
    OPEN_OFFER_STATUSES,
    ApplicationStatus,
    OfferStatus,
)
from financing.error_codes import FinancingErrorCode
from financing.models import (
    Bank,
    BankOffer,
    CreditDiscount,
    LoanApplication,
    LoanInstallment,
)
from financing.reasons import reason as reason_of
from financing.services.lender import _send_after_commit, overpay_refusal
from orders import selectors as orders
from orders import services as orders_services

DB = "financing"
logger = logging.getLogger(__name__)


# THE CASE
# ------------------------------------------------------------------------------
def loan_case(application: LoanApplication) -> offers.LoanCase:
    """What the banks are asked about: the application's terms and its order's car."""
    lines = [line for line in orders.order_lines(order_id=application.order_id) if line.is_vehicle]
    vehicles = catalog.vehicles_get(product_ids=[line.product_id for line in lines])
    vehicle = next(iter(vehicles.values()), None)
    return offers.LoanCase(
        vehicle_price=application.vehicle_price,
        down_payment=application.down_payment,
        term_months=application.term_months,
        condition=(vehicle.condition if vehicle else "") or "new",
        make=vehicle.make if vehicle else "",
        year=vehicle.year if vehicle else None,
        first_car=application.first_car,
        applied_on=timezone.localdate(),
        has_vehicle=vehicle is not None,
    )


def credit_discount_of(application: LoanApplication) -> CreditDiscount | None:
    """The dealer's credit discount the application earns if it goes to the banks (None once
    it has gone: what it earned then is on it)."""
    if application.asks_banks:
        return None
    case = loan_case(application)
    if not case.has_vehicle:  # an order without a car earns no car's discount
        return None
    discounts = list(CreditDiscount.objects.using(DB).filter(is_active=True))
    return offers.credit_discount_for(discounts, case)


def banks_eligible(application: LoanApplication) -> list[Bank]:
    """The active banks one of whose programmes takes the application, as they would be
    asked: at the price its credit discount leaves."""
    case = loan_case(application)
    if discount := credit_discount_of(application):
        case = case.discounted(discount.amount)
    banks = Bank.objects.using(DB).filter(is_active=True).prefetch_related("programmes")
    return [bank for bank in banks if offers.best_programme(list(bank.programmes.all()), case)]


# ASK THE BANKS
# ------------------------------------------------------------------------------
def offers_request(
    *, user: Actor, application_id: Id, bank_ids: list[UUID], ip_address: str | None = None
) -> list[BankOffer]:
    """Send one's own application to `bank_ids`, each named in a consent of its own (152-FZ,
    art. 9): only eligible active banks, once per application, while it waits for a bank.
    The dealer's credit discount it earns is taken off the order's price and the loan first
    (docs/financing.md, "The credit discount"), so the banks are asked for the smaller loan."""
    application = _own_application(user, application_id)
    # Only an approved application goes to the banks: one waiting for staff would take a
    # credit discount for a loan nobody has agreed to (docs/financing.md).
    if application.status != ApplicationStatus.APPROVED:
        raise _not_open(application)
    refuse_if_unsendable(application)
    if not bank_ids:
        raise ApplicationError(
            _("Choose at least one bank and consent to your data going to it."),
            code=FinancingErrorCode.BANK_CONSENT_REQUIRED,
            details={"banks": [_("At least one bank.")]},
        )
    eligible = {bank.pk: bank for bank in banks_eligible(application)}
    if others := [str(pk) for pk in bank_ids if pk not in eligible]:
        raise ApplicationError(
            _("These banks do not lend on this car and these terms."),
            code=FinancingErrorCode.BANK_NOT_ELIGIBLE,
            details={"banks": others},
        )
    if application.asks_banks:
        raise _already_requested()
    consents = {
        pk: accounts.consent_give(
            purpose=ConsentPurpose.LOAN,
            user=user,
            ip_address=ip_address,
            recipient=eligible[pk].legal_name,
        )
        for pk in dict.fromkeys(bank_ids)
    }
    now = timezone.now()
    compensate: Callable[[], object] | None = None
    try:
        with transaction.atomic(using=DB):
            application = (
                LoanApplication.objects.using(DB).select_for_update().get(pk=application.pk)
            )
            if application.asks_banks:
                raise _already_requested()
            refuse_if_unsendable(application)
            if discount := credit_discount_of(application):
                # Applied only past this lock: one request at a time changes the order.
                compensate = _credit_discount_take(application, discount)
            application.asks_banks = True
            application.save(using=DB, update_fields=["asks_banks", "updated_at"])
            made = BankOffer.objects.using(DB).bulk_create(
                BankOffer(
                    application=application,
                    bank=eligible[pk],
                    status=OfferStatus.REQUESTED,
                    consent_id=consent.pk,
                    requested_at=now,
                )
                for pk, consent in consents.items()
            )
            for offer in made:
                transaction.on_commit(partial(_enqueue, "offer_send_task", offer.pk), using=DB)
    except BaseException as exc:
        discounted = LoanApplication.objects.using(DB).filter(
            pk=application.pk, credit_discount__gt=0
        )
        if compensate is not None and not discounted.exists():  # not committed: price back
            compensate()
        if isinstance(exc, IntegrityError):  # a concurrent request for the application won
            raise _already_requested() from exc
        raise
    return made


def _credit_discount_take(
    application: LoanApplication, discount: CreditDiscount
) -> Callable[[], object]:
    """Take `discount` off the order's price (committed there first: payments hears of the
    smaller loan only after), then off the application's price and loan, whose schedule is
    drawn again at its rate. Returns what puts the order's price back."""
    orders_services.order_credit_discount_set(
        order_id=application.order_id,
        loan_id=application.pk,
        amount=discount.amount,
        name=discount.name,
    )
    application.vehicle_price -= discount.amount
    application.loan_amount -= discount.amount
    application.credit_discount = discount.amount
    application.credit_discount_name = discount.name
    application.reasons = [
        *application.reasons,
        reason_of("credit_discount", name=discount.name, amount=discount.amount),
    ]
    _terms_put(
        application,
        offers.offer_terms(
            amount=application.loan_amount,
            annual_rate=application.annual_rate,
            term_months=application.term_months,
            issued_on=timezone.localdate(),
        ),
    )
    events.LOAN_APPLICATION_DISCOUNTED.emit(
        aggregate_id=application.pk, payload=events.discounted_payload(application)
    )
    return partial(
        orders_services.order_credit_discount_return,
        order_id=application.order_id,
        loan_id=application.pk,
    )


def refuse_if_unsendable(application: LoanApplication) -> None:
    """A loan already with its lender is not asked of the banks too: the chosen bank would
    pay a loan it was never sent, beside the lender's. Nor is one that would pay the order
    past its total by payments' ledger, which may be ahead of what financing has heard: the
    credit discount would take the price below what the order received (docs/deal.md,
    "Never paid past the total")."""
    if application.sent_to_lender_at is not None:
        raise ApplicationError(
            _("The loan has already gone to its lender: it is not asked of the banks."),
            code=FinancingErrorCode.LOAN_WITH_ITS_LENDER,
            status=409,
        )
    if refusal := overpay_refusal(application):
        raise refusal


def _own_application(user: Actor, application_id: Id) -> LoanApplication:
    application = LoanApplication.objects.using(DB).filter(pk=application_id).first()
    if application is None or application.customer_id != user.pk:
        raise NotFound
    return application


def _already_requested() -> ApplicationError:
    return ApplicationError(
        _("This application has already gone to the banks."),
        code=FinancingErrorCode.OFFERS_ALREADY_REQUESTED,
        status=409,
    )


def _not_open(application: LoanApplication) -> ApplicationError:
    return ApplicationError(
        _("An application that is %s takes no bank's offer.") % application.get_status_display(),
        code=FinancingErrorCode.APPLICATION_NOT_APPROVED,
        status=409,
    )


def _enqueue(task_name: str, offer_id: Id) -> None:
    from financing import tasks

    getattr(tasks, task_name).delay(str(offer_id))


def bank_request(offer: BankOffer) -> dict[str, Any]:
    """What a bank receives (docs/financing.md, "The bank's request"): the loan asked for
    and the car; the buyer's income as they declared it, and no more of them than that."""
    application = offer.application
    case = loan_case(application)
    return {
        "offer_id": str(offer.pk),
        "application_id": str(application.pk),
        "callback_url": f"{settings.SITE_URL}/api/v1/financing/banks/{offer.bank.code}/callback",
        "amount": str(application.loan_amount),
        "currency": application.currency,
        "term_months": application.term_months,
        "vehicle": {
            "price": str(case.vehicle_price),
            "condition": case.condition,
            "make": case.make,
            "year": case.year,
        },
        "down_payment": str(application.down_payment),
        "applicant": {
            "employment_status": application.employment_status,
            "monthly_income": str(application.monthly_income),
            "existing_monthly_debts": str(application.existing_monthly_debts),
            "first_car": application.first_car,
        },
    }


def offer_send(*, offer_id: Id) -> BankOffer:
    """Send an application to one bank, outside any transaction, then record that it went.
    A bank that cannot be reached raises `BankUnavailable`: the task tries again."""
    offer = BankOffer.objects.using(DB).select_related("bank", "application").get(pk=offer_id)
    if offer.status != OfferStatus.REQUESTED or offer.sent_at is not None:
        return offer
    reference = bank_client(offer.bank).send(offer.bank, bank_request(offer))
    with transaction.atomic(using=DB):
        offer = BankOffer.objects.using(DB).select_for_update().get(pk=offer_id)
        if offer.sent_at is None:
            offer.sent_at = timezone.now()
            offer.bank_reference = offer.bank_reference or reference
            offer.save(using=DB, update_fields=["sent_at", "bank_reference", "updated_at"])
    return offer


# THE BUYER CHOOSES
# ------------------------------------------------------------------------------
def offer_choose(*, user: Actor, offer_id: Id) -> LoanApplication:
    """The buyer takes one bank's offer: the application takes its rate, schedule and full
    cost and goes to that bank once its down payment is in; every other bank still asked or
    offering is declined."""
    with transaction.atomic(using=DB):
        offer = BankOffer.objects.using(DB).filter(pk=offer_id).first()
        if offer is None:
            raise NotFound
        application = (
            LoanApplication.objects.using(DB).select_for_update().get(pk=offer.application_id)
        )
        if application.customer_id != user.pk:
            raise NotFound
        offers_of = (
            BankOffer.objects.using(DB)
            .select_for_update(of=("self",))
            .filter(application=application)
        )
        rows = {row.pk: row for row in offers_of.select_related("bank")}
        offer = rows[offer.pk]
        if application.status != ApplicationStatus.APPROVED or application.bank_id is not None:
            raise _not_open(application)
        if offer.status != OfferStatus.OFFERED or not _still_valid(offer):
            raise ApplicationError(
                _("This offer can no longer be taken: %s.") % offer.get_status_display(),
                code=FinancingErrorCode.OFFER_NOT_OPEN,
                status=409,
            )
        _take(application, offer)
        OFFER_TRANSITIONS.apply(offer, OfferStatus.CHOSEN)
        offer.save(using=DB, update_fields=["status", "updated_at"])
        events.LOAN_OFFER_CHOSEN.emit(aggregate_id=offer.pk, payload=events.offer_payload(offer))
        for other in rows.values():
            if other.pk != offer.pk and other.status in OPEN_OFFER_STATUSES:
                _decline(other, OfferStatus.DECLINED)
        _send_after_commit(application)
    return application


def _still_valid(offer: BankOffer) -> bool:
    return offer.valid_until is not None and offer.valid_until > timezone.now()


def _take(application: LoanApplication, offer: BankOffer) -> None:
    terms = offers.offer_terms(
        amount=application.loan_amount,
        annual_rate=offer.annual_rate or Decimal(0),
        term_months=offer.term_months or application.term_months,
        issued_on=timezone.localdate(),
        balloon=offer.balloon,
        insurance_premium=offer.insurance_premium,
    )
    application.bank = offer.bank
    application.lender = LENDER_OF_ADAPTER[offer.bank.adapter]
    application.reasons = [
        *application.reasons,
        reason_of(
            "bank_offer",
            bank=offer.bank.name,
            rate=terms.annual_rate,
            full_cost=terms.full_cost.percent,
        ),
    ]
    _terms_put(application, terms)


def _terms_put(application: LoanApplication, terms: offers.OfferTerms) -> None:
    """Save the application with `terms`: its rate, payment, full cost and schedule."""
    application.annual_rate = terms.annual_rate
    application.term_months = terms.term_months
    application.monthly_payment = terms.monthly_payment
    application.total_interest = sum((row.interest for row in terms.schedule), Decimal("0.00"))
    application.full_cost_percent = terms.full_cost.percent
    application.full_cost_amount = terms.full_cost.amount
    application.save(using=DB)
    application.installments.using(DB).all().delete()
    LoanInstallment.objects.using(DB).bulk_create(
        LoanInstallment(
            application=application,
            number=row.number,
            due_date=row.due_date,
            payment=row.payment,
            principal=row.principal,
            interest=row.interest,
            balance=row.balance,
        )
        for row in terms.schedule
    )


def _decline(offer: BankOffer, status: OfferStatus) -> None:
    """Close an offer the buyer will not take, and tell its bank after the commit."""
    OFFER_TRANSITIONS.apply(offer, status)
    offer.save(using=DB, update_fields=["status", "updated_at"])
    if offer.sent_at is not None:
        transaction.on_commit(partial(_enqueue, "offer_decline_task", offer.pk), using=DB)


def offer_decline_send(*, offer_id: Id) -> None:
    """Tell a bank its offer is not taken (idempotent at the bank)."""
    offer = BankOffer.objects.using(DB).select_related("bank").get(pk=offer_id)
    try:
        bank_client(offer.bank).decline(offer.bank, str(offer.pk), offer.bank_reference)
    except BankUnavailable:
        logger.warning("%s could not be told that offer %s is declined", offer.bank, offer.pk)
        raise


def application_offers_withdraw(application: LoanApplication) -> None:
    """The application was withdrawn (its order cancelled): its banks' open and chosen
    offers are withdrawn, and the banks told. Runs inside the withdrawal's transaction."""
    for offer in application.offers.using(DB).select_for_update().select_related("bank"):
        if offer.status in (*OPEN_OFFER_STATUSES, OfferStatus.CHOSEN):
            _decline(offer, OfferStatus.WITHDRAWN)
