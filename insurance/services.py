"""Writes of the insurance domain: quotes, policies and claims change only here, each change
with its event in the same transaction."""

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.validators import normalize_vin
from common.exceptions import ApplicationError
from insurance import events, pricing, rulesets
from insurance.choices import (
    CLAIM_TRANSITIONS,
    POLICY_TRANSITIONS,
    QUOTE_TRANSITIONS,
    ClaimDecision,
    InsuranceType,
    PolicyStatus,
    QuoteStatus,
)
from insurance.error_codes import InsuranceErrorCode
from insurance.models import Claim, Policy, Quote
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "insurance"
QUOTE_VALIDITY = timedelta(days=30)


# QUOTES
# ------------------------------------------------------------------------------
def _insurable_order(*, user, order_id) -> OrderView:
    order = orders_selectors.order_view_get(user=user, order_id=order_id)
    if order.status is OrderStatus.CANCELLED:
        raise ApplicationError(
            "A cancelled order cannot be insured.",
            code=InsuranceErrorCode.ORDER_NOT_INSURABLE,
            status=409,
        )
    return order


def quote_price(
    *,
    insurance_type: str,
    coverage_amount: Decimal,
    vehicle_make: str,
    vehicle_year: int,
    unlimited_drivers: bool,
    driver_age: int | None,
    driver_experience_years: int | None,
    engine_power_hp: int | None,
    territory: str,
    period_months: int,
    bonus_malus_class: str,
    today: date,
) -> pricing.Price:
    ruleset = rulesets.OSAGO if insurance_type == InsuranceType.OSAGO else rulesets.KASKO
    if not ruleset.coverage_minimum <= coverage_amount <= ruleset.coverage_limit:
        above = coverage_amount > ruleset.coverage_limit
        message = (
            f"From {ruleset.coverage_minimum} to {ruleset.coverage_limit} {ruleset.currency}"
            f" ({ruleset.version})."
        )
        raise ApplicationError(
            f"The coverage is {'above' if above else 'below'} what this insurance allows.",
            code=InsuranceErrorCode.COVERAGE_EXCEEDS_LIMIT
            if above
            else InsuranceErrorCode.COVERAGE_BELOW_MINIMUM,
            status=400,
            details={"coverage_amount": [message]},
        )
    if not unlimited_drivers and driver_age is None:
        raise ApplicationError(
            "Name the driver (driver_age and driver_experience_years) or allow any driver.",
            code=InsuranceErrorCode.DRIVER_REQUIRED,
            status=400,
        )
    drivers = {
        "unlimited_drivers": unlimited_drivers,
        "driver_age": driver_age,
        "driver_experience_years": driver_experience_years,
    }
    if insurance_type == InsuranceType.OSAGO:
        return pricing.osago_price(
            territory=territory,
            bonus_malus_class=bonus_malus_class,
            engine_power_hp=engine_power_hp,
            period_months=period_months,
            **drivers,
        )
    return pricing.kasko_price(
        coverage_amount=coverage_amount,
        vehicle_make=vehicle_make,
        vehicle_age=max(today.year - vehicle_year, 0),
        **drivers,
    )


def quote_create(
    *,
    user,
    order_id,
    insurance_type: str,
    coverage_amount: Decimal,
    vehicle_make: str,
    vehicle_model: str,
    vehicle_year: int,
    vehicle_vin: str,
    driver_age: int | None = None,
    driver_experience_years: int | None = None,
    unlimited_drivers: bool | None = None,
    engine_power_hp: int | None = None,
    territory: str = rulesets.OSAGO.default_territory,
    period_months: int = 12,
    bonus_malus_class: str = rulesets.OSAGO.default_bonus_malus_class,
) -> Quote:
    """Price insurance for an order's vehicle; the quote can be bought for 30 days. With no
    driver named, anyone may drive (`unlimited_drivers` defaults to that)."""
    order = _insurable_order(user=user, order_id=order_id)
    if unlimited_drivers is None:
        unlimited_drivers = driver_age is None
    now = timezone.now()
    inputs = {
        "insurance_type": insurance_type,
        "coverage_amount": coverage_amount,
        "vehicle_make": vehicle_make,
        "vehicle_year": vehicle_year,
        "unlimited_drivers": unlimited_drivers,
        "driver_age": driver_age,
        "driver_experience_years": driver_experience_years,
        "engine_power_hp": engine_power_hp,
        "territory": territory,
        "period_months": period_months,
        "bonus_malus_class": bonus_malus_class,
    }
    price = quote_price(**inputs, today=timezone.localdate(now))
    with transaction.atomic(using=DB):
        quote = Quote.objects.using(DB).create(
            **inputs,
            order_id=order.id,
            customer_id=order.customer_id,
            created_by_id=user.pk,
            vehicle_model=vehicle_model,
            vehicle_vin=normalize_vin(vehicle_vin),
            currency=price.currency,
            premium=price.premium,
            coefficients=[factor.as_dict() for factor in price.factors],
            ruleset_version=price.ruleset_version,
            valid_until=now + QUOTE_VALIDITY,
        )
        events.QUOTED.emit(aggregate_id=quote.pk, payload=events.quote_payload(quote))
        transaction.on_commit(partial(_cancel_if_order_cancelled, order.id), using=DB)
    return quote


def _cancel_if_order_cancelled(order_id) -> None:
    """The saga's compensation: an order cancelled while its quote was being written (its
    `order.cancelled` consumed before the quote committed) still loses it. After the commit,
    either this sees the cancellation or the consumer sees the quote."""
    if orders_selectors.order_cancelled(order_id=order_id):
        order_quotes_cancel(order_id=order_id)


def order_quotes_cancel(*, order_id) -> int:
    """The order was cancelled: its quotes not yet bought can no longer be. Returns how many
    were cancelled; a second call cancels none."""
    with transaction.atomic(using=DB):
        quotes = list(
            Quote.objects.using(DB)
            .select_for_update()
            .filter(order_id=order_id, status=QuoteStatus.QUOTED)
        )
        for quote in quotes:
            QUOTE_TRANSITIONS.apply(quote, QuoteStatus.CANCELLED)
            quote.cancelled_at = timezone.now()
            quote.save(using=DB, update_fields=["status", "cancelled_at", "updated_at"])
            events.QUOTE_CANCELLED.emit(aggregate_id=quote.pk, payload=events.quote_payload(quote))
    return len(quotes)


# POLICIES
# ------------------------------------------------------------------------------
def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _quote_conflict(message: str, code: InsuranceErrorCode) -> ApplicationError:
    return ApplicationError(message, code=code, status=409)


def quote_purchase(*, quote_id) -> Policy:
    """Buy a quote: an active policy for one year from today, `start_date` to `end_date`
    inclusive (today to the day before the same date next year). A quote is bought once,
    however many requests race for it."""
    with transaction.atomic(using=DB):
        quote = Quote.objects.using(DB).select_for_update().get(pk=quote_id)
        if quote.status == QuoteStatus.PURCHASED:
            raise _quote_conflict(
                "This quote has already been bought.", InsuranceErrorCode.QUOTE_ALREADY_PURCHASED
            )
        QUOTE_TRANSITIONS.check(quote.status, QuoteStatus.PURCHASED)
        if quote.is_expired:
            raise _quote_conflict(
                f"The quote expired at {quote.valid_until.isoformat()}; ask for a new one.",
                InsuranceErrorCode.QUOTE_EXPIRED,
            )
        start = timezone.localdate()
        policy = Policy(
            quote=quote,
            order_id=quote.order_id,
            customer_id=quote.customer_id,
            insurance_type=quote.insurance_type,
            coverage_amount=quote.coverage_amount,
            premium=quote.premium,
            currency=quote.currency,
            start_date=start,
            end_date=_year_later(start) - timedelta(days=1),
        )
        policy.number = f"{quote.insurance_type.upper()}-{start:%Y}-{policy.pk.hex[:10].upper()}"
        try:
            with transaction.atomic(using=DB):
                policy.save(using=DB, force_insert=True)
        except IntegrityError:  # the one-policy-per-quote constraint
            raise _quote_conflict(
                "This quote has already been bought.", InsuranceErrorCode.QUOTE_ALREADY_PURCHASED
            ) from None
        QUOTE_TRANSITIONS.apply(quote, QuoteStatus.PURCHASED)
        quote.save(using=DB, update_fields=["status", "updated_at"])
        events.PURCHASED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
    return policy


def policy_cancel(*, policy_id, user=None, reason: str = "") -> Policy:
    """Cancel an active policy today and refund the premium of the unused days
    (`pricing.refund_pro_rata`: today counts as used)."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        today = timezone.localdate()
        if today > policy.end_date:
            raise ApplicationError(
                "Only an active policy can be cancelled; this one has ended.",
                code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
                status=409,
            )
        POLICY_TRANSITIONS.apply(policy, PolicyStatus.CANCELLED)
        policy.cancelled_on = today
        policy.cancelled_by_id = getattr(user, "pk", None)
        policy.cancellation_reason = reason
        policy.refund_amount = pricing.refund_pro_rata(
            premium=policy.premium,
            start_date=policy.start_date,
            end_date=policy.end_date,
            cancelled_on=today,
        )
        policy.save(using=DB)
        events.CANCELLED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
    return policy


# CLAIMS
# ------------------------------------------------------------------------------
def _claim_refused(message: str, code: InsuranceErrorCode, field: str) -> ApplicationError:
    return ApplicationError(message, code=code, status=400, details={field: [message]})


def claim_file(
    *, policy_id, user, incident_date: date, description: str, amount_claimed: Decimal
) -> Claim:
    """A claim on an active policy, for an incident within its period and not in the future,
    of at most the coverage."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        if policy.status != PolicyStatus.ACTIVE:
            raise ApplicationError(
                "Claims are filed on an active policy only.",
                code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
                status=409,
            )
        if incident_date > timezone.localdate():
            raise _claim_refused(
                "The incident date is in the future.",
                InsuranceErrorCode.INCIDENT_IN_FUTURE,
                "incident_date",
            )
        if not policy.start_date <= incident_date <= policy.end_date:
            raise _claim_refused(
                f"The policy covers {policy.start_date} to {policy.end_date}.",
                InsuranceErrorCode.INCIDENT_OUTSIDE_POLICY_PERIOD,
                "incident_date",
            )
        if amount_claimed > policy.coverage_amount:
            raise _claim_refused(
                f"At most the coverage, {policy.coverage_amount} {policy.currency}.",
                InsuranceErrorCode.AMOUNT_EXCEEDS_COVERAGE,
                "amount_claimed",
            )
        claim = Claim.objects.using(DB).create(
            policy=policy,
            order_id=policy.order_id,
            customer_id=policy.customer_id,
            filed_by_id=user.pk,
            incident_date=incident_date,
            description=description,
            amount_claimed=amount_claimed,
            currency=policy.currency,
        )
        events.CLAIM_FILED.emit(aggregate_id=claim.pk, payload=events.claim_payload(claim))
    return claim


def claim_decide(
    *, claim_id, user, decision: str, reason: str, amount_approved: Decimal | None = None
) -> Claim:
    """Approve (up to the amount claimed) or reject a filed claim, once."""
    with transaction.atomic(using=DB):
        claim = Claim.objects.using(DB).select_for_update().get(pk=claim_id)
        CLAIM_TRANSITIONS.check(claim.status, decision)
        if decision == ClaimDecision.APPROVED:
            if amount_approved is None:
                raise _claim_refused(
                    "An approval needs the approved amount.",
                    InsuranceErrorCode.AMOUNT_APPROVED_REQUIRED,
                    "amount_approved",
                )
            if amount_approved > claim.amount_claimed:
                raise _claim_refused(
                    f"At most the amount claimed, {claim.amount_claimed} {claim.currency}.",
                    InsuranceErrorCode.AMOUNT_APPROVED_EXCEEDS_CLAIMED,
                    "amount_approved",
                )
        CLAIM_TRANSITIONS.apply(claim, decision)
        claim.amount_approved = amount_approved if decision == ClaimDecision.APPROVED else None
        claim.decision_reason = reason
        claim.decided_by_id = user.pk
        claim.decided_at = timezone.now()
        claim.save(using=DB)
        events.CLAIM_DECIDED.emit(aggregate_id=claim.pk, payload=events.claim_payload(claim))
    return claim
