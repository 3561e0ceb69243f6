"""Partner banks' answers (docs/financing.md, "Offers"): each recorded once, from the bank's
callback, a demo bank, or staff for a bank without an API; and the banks that did not answer
in time, and the offers not taken in time, closed."""

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import four_eyes
from common.api.exceptions import ApplicationError, NotFound
from common.types import Actor, Id
from financing import events, offers
from financing.banks import BankAnswer
from financing.banks.demo import demo_refusal
from financing.banks.http import signature_problem
from financing.choices import (
    LENDER_OF_ADAPTER,
    OFFER_TRANSITIONS,
    OPEN_OFFER_STATUSES,
    BankAdapter,
    OfferStatus,
)
from financing.error_codes import FinancingErrorCode
from financing.models import (
    Bank,
    BankCallback,
    BankOffer,
    LoanApplication,
    OfferDecision,
    StateProgramme,
)
from financing.services.lender import application_disburse
from financing.services.offers import loan_case

DB = "financing"
logger = logging.getLogger(__name__)


# THE BANKS ANSWER
# ------------------------------------------------------------------------------
def offer_answer_record(
    *, offer_id: Id, answer: BankAnswer, user: Actor | None = None
) -> BankOffer:
    """Record a bank's answer, once: the same answer again changes nothing, another one is a
    409. Staff record a manual bank's answer (`user`), never on their own application; an
    offer above FINANCING_SECOND_APPROVAL_ABOVE counts once a second staff member records the
    same one. The offer's schedule and full cost are computed here from its terms."""
    with transaction.atomic(using=DB):
        offer = (
            BankOffer.objects.using(DB)
            .select_for_update(of=("self",))
            .select_related("bank", "application")
            .get(pk=offer_id)
        )
        if offer.status != OfferStatus.REQUESTED:
            if offer.answered_at is not None and offer.bank_reference == answer.reference:
                return offer  # the bank said it again
            raise ApplicationError(
                _("This bank's answer is already in: %s.") % offer.get_status_display(),
                code=FinancingErrorCode.OFFER_NOT_OPEN,
                status=409,
            )
        if user is not None and not _recorded_by_hand(offer, answer, user):
            return offer
        _answer_apply(offer, answer)
        offer.save(using=DB)
        events.LOAN_OFFER_ANSWERED.emit(aggregate_id=offer.pk, payload=events.offer_payload(offer))
    return offer


def _answer_apply(offer: BankOffer, answer: BankAnswer) -> None:
    application = offer.application
    offer.answered_at = timezone.now()
    offer.bank_reference = answer.reference or offer.bank_reference
    if not answer.approved:
        offer.reason = answer.reason[:300] or str(_("The bank gave no reason."))
        OFFER_TRANSITIONS.apply(offer, OfferStatus.REFUSED)
        return
    assert answer.annual_rate is not None
    terms = offers.offer_terms(
        amount=application.loan_amount,
        annual_rate=answer.annual_rate,
        term_months=answer.term_months or application.term_months,
        issued_on=timezone.localdate(),
        balloon=answer.balloon,
        insurance_premium=answer.insurance_premium,
    )
    offer.programme_id = answer.programme_id
    offer.state_programme_id = answer.state_programme_id
    offer.amount = terms.amount
    offer.annual_rate = terms.annual_rate
    offer.term_months = terms.term_months
    offer.monthly_payment = terms.monthly_payment
    offer.balloon = terms.balloon
    offer.insurance_required = bool(terms.insurance_premium)
    offer.insurance_premium = terms.insurance_premium
    offer.full_cost_percent = terms.full_cost.percent
    offer.full_cost_amount = terms.full_cost.amount
    offer.total_to_pay = terms.total_to_pay
    offer.valid_until = offer.answered_at + timedelta(days=answer.valid_days)
    OFFER_TRANSITIONS.apply(offer, OfferStatus.OFFERED)


def _recorded_by_hand(offer: BankOffer, answer: BankAnswer, user: Actor) -> bool:
    if offer.bank.adapter != BankAdapter.MANUAL:
        raise ApplicationError(
            _("Only a bank without an API has its answer recorded by hand."),
            code=FinancingErrorCode.ANSWER_NOT_BY_HAND,
            status=409,
        )
    recorded = {
        "approved": answer.approved,
        "annual_rate": str(answer.annual_rate),
        "term_months": answer.term_months,
        "insurance_premium": str(answer.insurance_premium),
        "balloon": str(answer.balloon),
    }
    ruling = four_eyes.decision_take(
        what=_("bank offer"),
        owner_id=offer.application.customer_id,
        user=user,
        decision=OfferStatus.OFFERED if answer.approved else OfferStatus.REFUSED,
        approve=answer.approved,
        reason=answer.reason or f"{offer.bank.name}: {answer.reference}",
        amount=offer.application.loan_amount,
        threshold=settings.FINANCING_SECOND_APPROVAL_ABOVE,
        earlier=offer.decisions.using(DB).filter(answer=recorded),
    )
    OfferDecision.objects.using(DB).create(offer=offer, answer=recorded, **ruling.fields)
    return ruling.final


def offer_demo_answer(*, offer_id: Id) -> BankOffer:
    """A demo bank answers by its best programme for the case, its state programme and its
    rules (financing/banks/demo.py)."""
    offer = BankOffer.objects.using(DB).select_related("bank", "application").get(pk=offer_id)
    if offer.status != OfferStatus.REQUESTED or offer.bank.adapter != BankAdapter.DEMO:
        return offer
    case = loan_case(offer.application)
    programme = offers.best_programme(list(offer.bank.programmes.all()), case)
    refusal = demo_refusal(
        offer.bank, down_payment_percent=case.down_payment_percent, loan_amount=case.loan_amount
    )
    reference = f"DEMO-{offer.pk}"
    if programme is None or refusal:
        refusal = refusal or str(_("No programme of the bank takes this car on these terms."))
        answer = BankAnswer(approved=False, reference=reference, reason=refusal)
    else:
        state = offers.state_programme_for(list(StateProgramme.objects.using(DB)), case)
        terms = offers.programme_offer(programme, case, state)
        answer = BankAnswer(
            approved=True,
            reference=reference,
            annual_rate=terms.annual_rate,
            term_months=terms.term_months,
            insurance_premium=terms.insurance_premium,
            balloon=terms.balloon,
            programme_id=str(programme.pk),
            state_programme_id=None if state is None else str(state.pk),
        )
    return offer_answer_record(offer_id=offer.pk, answer=answer)


def offers_time_out() -> int:
    """Beat: a bank that has not answered within its time is marked so, and an offer not
    taken by its date has expired. Returns how many changed."""
    now = timezone.now()
    changed = 0
    open_offers = BankOffer.objects.using(DB).filter(status__in=OPEN_OFFER_STATUSES)
    for offer in open_offers.select_related("bank"):
        late = offer.status == OfferStatus.REQUESTED and (
            offer.requested_at + timedelta(minutes=offer.bank.answer_within_minutes) < now
        )
        past = offer.status == OfferStatus.OFFERED and (
            offer.valid_until is None or offer.valid_until < now
        )
        if late or past:
            changed += _close(offer.pk, OfferStatus.TIMED_OUT if late else OfferStatus.EXPIRED)
    return changed


def _close(offer_id: Id, status: OfferStatus) -> int:
    with transaction.atomic(using=DB):
        offer = BankOffer.objects.using(DB).select_for_update(of=("self",)).get(pk=offer_id)
        if offer.status not in OPEN_OFFER_STATUSES:
            return 0
        OFFER_TRANSITIONS.apply(offer, status)
        if status == OfferStatus.TIMED_OUT:
            offer.reason = str(_("The bank did not answer in time."))
        offer.save(using=DB, update_fields=["status", "reason", "updated_at"])
        if status == OfferStatus.TIMED_OUT:
            events.LOAN_OFFER_ANSWERED.emit(
                aggregate_id=offer.pk, payload=events.offer_payload(offer)
            )
    return 1


# THE HTTP BANK'S CALLBACK (financing/banks/http.py)
# ------------------------------------------------------------------------------
def bank_callback_verify(*, bank_code: str, headers: dict[str, str], body: bytes) -> Bank:
    """The active bank `bank_code` whose signature `body` carries; anything else is refused
    (401) and logged, and nothing is written."""
    bank = Bank.objects.using(DB).filter(code=bank_code, is_active=True).first()
    if bank is None or bank.adapter != BankAdapter.HTTP:
        raise NotFound
    if problem := signature_problem(bank, headers, body):
        logger.warning("A callback for bank %s was refused: %s", bank.code, problem)
        raise ApplicationError(
            _("The callback's signature does not hold."),
            code=FinancingErrorCode.CALLBACK_REFUSED,
            status=401,
        )
    return bank


def bank_callback_apply(*, bank: Bank, callback: dict[str, Any]) -> BankOffer:
    """A verified callback, applied once in one transaction with the record of its id: its
    replay is refused (409) and logged, and so is an answer to an offer already answered."""
    offer = (
        BankOffer.objects.using(DB)
        .select_related("application")
        .filter(pk=callback["offer_id"], bank=bank)
        .first()
    )
    if offer is None:
        raise NotFound
    try:
        with transaction.atomic(using=DB):
            BankCallback.objects.using(DB).create(
                bank=bank,
                callback_id=callback["id"],
                kind=callback["kind"],
                body={key: str(value) for key, value in callback.items()},
            )
            if callback["kind"] == "disbursed":
                _chosen_lender_check(offer.pk, bank, callback["amount"])
                application_disburse(
                    application_id=offer.application_id,
                    amount=callback["amount"],
                    reference=callback["reference"],
                )
                return offer
            return offer_answer_record(offer_id=offer.pk, answer=_answer_of(callback))
    except IntegrityError as exc:
        logger.warning("A replayed callback %s of bank %s was refused", callback["id"], bank.code)
        raise ApplicationError(
            _("This callback was received before."),
            code=FinancingErrorCode.CALLBACK_REFUSED,
            status=409,
        ) from exc


def _chosen_lender_check(offer_id: Id, bank: Bank, amount: Decimal) -> None:
    """Only the bank whose offer the buyer chose, and to which the loan went, disburses it,
    and only the amount chosen (docs/deal.md, "Each source bound to its terms"): any other
    bank's `disbursed` is refused, logged, and writes nothing. Checked under the
    application's lock, then the offer's (the order `offer_choose` takes them in), so that
    nothing withdraws or changes either between the check and the disbursement;
    `application_disburse` then takes only a loan still waiting for its money."""
    application_id = (
        BankOffer.objects.using(DB).values_list("application_id", flat=True).get(pk=offer_id)
    )
    application = LoanApplication.objects.using(DB).select_for_update().get(pk=application_id)
    offer = BankOffer.objects.using(DB).select_for_update().get(pk=offer_id)
    chosen = (
        offer.status == OfferStatus.CHOSEN
        and application.bank_id == bank.pk
        and application.sent_to_lender_at is not None
        and application.lender == LENDER_OF_ADAPTER[bank.adapter]
    )
    if not chosen:
        logger.warning(
            "Bank %s reported a disbursement of offer %s, which is %s and not the chosen lender's",
            bank.code,
            offer.pk,
            offer.status,
        )
        raise ApplicationError(
            _("Only the bank whose offer was chosen, once the loan went to it, disburses it."),
            code=FinancingErrorCode.NOT_THE_CHOSEN_BANK,
            status=409,
        )
    if Decimal(amount) != offer.amount:
        logger.warning(
            "Bank %s reported %s for offer %s of %s", bank.code, amount, offer.pk, offer.amount
        )
        raise ApplicationError(
            _("The loan chosen is %s.") % offer.amount,
            code=FinancingErrorCode.DISBURSEMENT_AMOUNT_MISMATCH,
            status=400,
            details={"amount": [_("Exactly %s.") % offer.amount]},
        )


def _answer_of(callback: dict[str, Any]) -> BankAnswer:
    if callback["kind"] == "refusal":
        return BankAnswer(
            approved=False, reference=callback["reference"], reason=callback["reason"]
        )
    return BankAnswer(
        approved=True,
        reference=callback["reference"],
        annual_rate=callback["annual_rate"],
        term_months=callback.get("term_months"),
        insurance_premium=callback.get("insurance_premium") or Decimal("0.00"),
        balloon=callback.get("balloon") or Decimal("0.00"),
        valid_days=callback["valid_days"],
    )
