"""Writes of the insurance domain: quotes, policies and claims change only here, each change
with its event in the same transaction."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TypedDict
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from catalog.selectors import VehicleView
from common import four_eyes
from common.db import turn_take
from common.error_codes import CommonErrorCode
from common.exceptions import ApplicationError
from common.types import Actor, Id
from insurance import events, pricing, rulesets
from insurance.choices import (
    CLAIM_TRANSITIONS,
    POLICY_TRANSITIONS,
    QUOTE_TRANSITIONS,
    ClaimDecision,
    ClaimStatus,
    InsuranceType,
    PolicyStatus,
    QuoteStatus,
)
from insurance.error_codes import InsuranceErrorCode
from insurance.models import Claim, ClaimDecisionRecord, Policy, Quote
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "insurance"
QUOTE_VALIDITY = timedelta(days=30)


# QUOTES
# ------------------------------------------------------------------------------
def _stated_vehicle_check(vehicle: VehicleView, stated: dict[str, object]) -> None:
    actual = {
        "vehicle_make": vehicle.make,
        "vehicle_model": vehicle.model,
        "vehicle_year": vehicle.year,
        "vehicle_vin": vehicle.vin,
    }
    unknown = set(stated) - set(actual)
    if unknown:
        raise TypeError(f"quote_create() got unexpected arguments {sorted(unknown)}")
    differ = {
        name: [_("The order's car has %s.") % (actual[name] or "—")]
        for name, value in stated.items()
        if str(value).strip().casefold() != str(actual[name] or "").strip().casefold()
    }
    if differ:
        raise ApplicationError(
            _("The car described is not the order's car."),
            code=CommonErrorCode.VALIDATION_ERROR,
            status=400,
            details=differ,
        )


def _insurable_vehicle(
    *, user: Actor, order_id: Id, product_id: UUID | None
) -> tuple[OrderView, VehicleView, Decimal]:
    """The order to insure, its vehicle as the catalog describes it, and the price the order
    pays for it. The vehicle is the order's only one unless `product_id` names one of
    several; an order without a vehicle cannot be insured."""
    order, lines = orders_selectors.order_lines_get(user=user, order_id=order_id)
    if order.status is OrderStatus.CANCELLED:
        raise ApplicationError(
            _("A cancelled order cannot be insured."),
            code=InsuranceErrorCode.ORDER_NOT_INSURABLE,
            status=409,
        )
    vehicles = catalog_selectors.vehicles_get(product_ids=[line.product_id for line in lines])
    prices = {line.product_id: line.unit_price for line in lines if line.product_id in vehicles}
    if not prices:
        raise ApplicationError(
            _("This order has no vehicle to insure."),
            code=InsuranceErrorCode.ORDER_HAS_NO_VEHICLE,
            status=409,
        )
    if product_id is None and len(prices) > 1:
        raise ApplicationError(
            _("This order has several vehicles: name one (product_id)."),
            code=InsuranceErrorCode.VEHICLE_REQUIRED,
            status=400,
            details={"product_id": [_("One of %s.") % ", ".join(sorted(map(str, prices)))]},
        )
    product_id = product_id or next(iter(prices))
    if product_id not in prices:
        raise ApplicationError(
            _("That vehicle is not on this order."),
            code=InsuranceErrorCode.VEHICLE_NOT_ON_ORDER,
            status=400,
            details={"product_id": [_("Not a vehicle of this order.")]},
        )
    return order, vehicles[product_id], prices[product_id]


def _coverage(insurance_type: str, coverage_amount: Decimal | None, price: Decimal) -> Decimal:
    """OSAGO covers the sum the law fixes; KASKO at most the vehicle's price (all of it when
    not given)."""
    if insurance_type == InsuranceType.OSAGO:
        return rulesets.OSAGO.coverage_limit
    if coverage_amount is None:
        return price
    if coverage_amount > price:
        raise ApplicationError(
            _("KASKO covers at most the vehicle's price."),
            code=InsuranceErrorCode.COVERAGE_EXCEEDS_VEHICLE_PRICE,
            status=400,
            details={"coverage_amount": [_("At most %s, the vehicle's price.") % price]},
        )
    return coverage_amount


class _Drivers(TypedDict):
    unlimited_drivers: bool
    driver_age: int | None
    driver_experience_years: int | None


class _QuoteInputs(TypedDict):
    """What a quote is priced from, kept on it as they were."""

    insurance_type: str
    coverage_amount: Decimal
    vehicle_make: str
    vehicle_year: int
    unlimited_drivers: bool
    driver_age: int | None
    driver_experience_years: int | None
    engine_power_hp: int | None
    territory: str
    period_months: int
    bonus_malus_class: str


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
        message = _("From %(minimum)s to %(limit)s %(currency)s (%(version)s).") % {
            "minimum": ruleset.coverage_minimum,
            "limit": ruleset.coverage_limit,
            "currency": ruleset.currency,
            "version": ruleset.version,
        }
        raise ApplicationError(
            _("The coverage is above what this insurance allows.")
            if above
            else _("The coverage is below what this insurance allows."),
            code=InsuranceErrorCode.COVERAGE_EXCEEDS_LIMIT
            if above
            else InsuranceErrorCode.COVERAGE_BELOW_MINIMUM,
            status=400,
            details={"coverage_amount": [message]},
        )
    if not unlimited_drivers and driver_age is None:
        raise ApplicationError(
            _("Name the driver (driver_age and driver_experience_years) or allow any driver."),
            code=InsuranceErrorCode.DRIVER_REQUIRED,
            status=400,
        )
    drivers: _Drivers = {
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


def premium_estimates(
    *,
    vehicle_price: Decimal,
    vehicle_make: str,
    vehicle_year: int,
    engine_power_hp: int | None,
    driver_age: int,
    driver_experience_years: int,
    today: date,
) -> dict[str, pricing.Price]:
    """What a year of OSAGO, and of KASKO for the vehicle's price, would cost one named
    driver in the dealership's territory with a first policy's class: the storefront's
    estimate, priced as a quote is. It writes nothing; a price KASKO does not cover is left
    out."""
    estimates = {}
    for insurance_type, ruleset in (
        (InsuranceType.OSAGO, rulesets.OSAGO),
        (InsuranceType.KASKO, rulesets.KASKO),
    ):
        coverage = ruleset.coverage_limit if ruleset is rulesets.OSAGO else vehicle_price
        if not ruleset.coverage_minimum <= coverage <= ruleset.coverage_limit:
            continue
        estimates[insurance_type.value] = quote_price(
            insurance_type=insurance_type,
            coverage_amount=coverage,
            vehicle_make=vehicle_make,
            vehicle_year=vehicle_year,
            unlimited_drivers=False,
            driver_age=driver_age,
            driver_experience_years=driver_experience_years,
            engine_power_hp=engine_power_hp,
            territory=rulesets.OSAGO.default_territory,
            period_months=12,
            bonus_malus_class=rulesets.OSAGO.default_bonus_malus_class,
            today=today,
        )
    return estimates


def quote_create(
    *,
    user: Actor,
    order_id: Id,
    insurance_type: str,
    coverage_amount: Decimal | None = None,
    product_id: UUID | None = None,
    driver_age: int | None = None,
    driver_experience_years: int | None = None,
    unlimited_drivers: bool | None = None,
    engine_power_hp: int | None = None,
    territory: str = rulesets.OSAGO.default_territory,
    period_months: int = 12,
    bonus_malus_class: str = rulesets.OSAGO.default_bonus_malus_class,
    **stated: object,
) -> Quote:
    """Price insurance for the vehicle on an order (make, model, year, VIN and price come from
    the catalog and the order, never from the customer); the quote can be bought for 30
    days. With no driver named, anyone may drive (`unlimited_drivers` defaults to that).
    `stated`: the car as the caller described it (`vehicle_make`, `vehicle_model`,
    `vehicle_year`, `vehicle_vin`), accepted when it is the order's car, a 400 naming each
    field that differs otherwise."""
    order, vehicle, price = _insurable_vehicle(user=user, order_id=order_id, product_id=product_id)
    _stated_vehicle_check(vehicle, stated)
    if unlimited_drivers is None:
        unlimited_drivers = driver_age is None
    now = timezone.now()
    inputs: _QuoteInputs = {
        "insurance_type": insurance_type,
        "coverage_amount": _coverage(insurance_type, coverage_amount, price),
        "vehicle_make": vehicle.make,
        "vehicle_year": vehicle.year or timezone.localdate(now).year,
        "unlimited_drivers": unlimited_drivers,
        "driver_age": driver_age,
        "driver_experience_years": driver_experience_years,
        "engine_power_hp": engine_power_hp,
        "territory": territory,
        "period_months": period_months,
        "bonus_malus_class": bonus_malus_class,
    }
    price_quoted = quote_price(**inputs, today=timezone.localdate(now))
    with transaction.atomic(using=DB):
        quote = Quote.objects.using(DB).create(
            **inputs,
            order_id=order.id,
            customer_id=order.customer_id,
            created_by_id=user.pk,
            product_id=vehicle.product_id,
            vehicle_price=price,
            vehicle_model=vehicle.model,
            vehicle_vin=vehicle.vin,
            currency=price_quoted.currency,
            premium=price_quoted.premium,
            coefficients=[factor.as_dict() for factor in price_quoted.factors],
            ruleset_version=price_quoted.ruleset_version,
            valid_until=now + QUOTE_VALIDITY,
        )
        events.QUOTED.emit(aggregate_id=quote.pk, payload=events.quote_payload(quote))
        transaction.on_commit(partial(_cancel_if_order_cancelled, order.id), using=DB)
    return quote


def _cancel_if_order_cancelled(order_id: Id) -> None:
    """The saga's compensation: an order cancelled while its quote or policy was being
    written (its `order.cancelled` consumed before that committed) still loses it. After the
    commit, either this sees the cancellation or the consumer sees the quote or policy."""
    if orders_selectors.order_cancelled(order_id=order_id):
        order_insurance_cancel(order_id=order_id)


def order_insurance_cancel(*, order_id: Id) -> int:
    """The order was cancelled: its quotes not yet bought can no longer be, its unpaid
    policies lapse, and its paid ones are cancelled with the unused premium refunded
    (docs/deal.md, "Cancelling"). Returns how many changed; a second call changes none."""
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
        unpaid = Q(status=PolicyStatus.PENDING_PAYMENT)
        covering = Q(status=PolicyStatus.ACTIVE, end_date__gte=timezone.localdate())
        policies = list(Policy.objects.using(DB).filter(unpaid | covering, order_id=order_id))
        for policy in policies:
            policy_cancel(policy_id=policy.pk, reason="The order was cancelled.")
    return len(quotes) + len(policies)


# POLICIES
# ------------------------------------------------------------------------------
# A bought quote is a policy waiting for its premium, paid through payments like any
# payable; it is active, and covers a year, from the day the payment completes
# (docs/deal.md, "Insurance").
def _year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _cover_from(policy: Policy, day: date) -> None:
    """A year of cover from `day`, both ends included."""
    policy.start_date = day
    policy.end_date = _year_later(day) - timedelta(days=1)


def _quote_conflict(message: str | Promise, code: InsuranceErrorCode) -> ApplicationError:
    return ApplicationError(message, code=code, status=409)


def quote_purchase(*, quote_id: Id) -> Policy:
    """Buy a quote: a policy waiting for its premium until INSURANCE_PAYMENT_HOLD_HOURS from
    now, then lapsed. A quote is bought once, however many requests race for it."""
    with transaction.atomic(using=DB):
        quote = Quote.objects.using(DB).select_for_update().get(pk=quote_id)
        if quote.status == QuoteStatus.PURCHASED:
            raise _quote_conflict(
                _("This quote has already been bought."), InsuranceErrorCode.QUOTE_ALREADY_PURCHASED
            )
        QUOTE_TRANSITIONS.check(quote.status, QuoteStatus.PURCHASED)
        if quote.is_expired:
            raise _quote_conflict(
                _("The quote expired at %s; ask for a new one.") % quote.valid_until.isoformat(),
                InsuranceErrorCode.QUOTE_EXPIRED,
            )
        now = timezone.now()
        policy = Policy(
            quote=quote,
            order_id=quote.order_id,
            customer_id=quote.customer_id,
            insurance_type=quote.insurance_type,
            coverage_amount=quote.coverage_amount,
            premium=quote.premium,
            currency=quote.currency,
            payment_due_by=now + timedelta(hours=settings.INSURANCE_PAYMENT_HOLD_HOURS),
            car_paid_at=now if orders_selectors.order_paid_for(order_id=quote.order_id) else None,
        )
        _cover_from(policy, timezone.localdate(now))  # until paid: the cover it would give
        policy.number = f"{quote.insurance_type.upper()}-{now:%Y}-{policy.pk.hex[:10].upper()}"
        try:
            with transaction.atomic(using=DB):
                policy.save(using=DB, force_insert=True)
        except IntegrityError:  # the one-policy-per-quote constraint
            raise _quote_conflict(
                _("This quote has already been bought."), InsuranceErrorCode.QUOTE_ALREADY_PURCHASED
            ) from None
        QUOTE_TRANSITIONS.apply(quote, QuoteStatus.PURCHASED)
        quote.save(using=DB, update_fields=["status", "updated_at"])
        events.PURCHASED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
        transaction.on_commit(partial(_cancel_if_order_cancelled, policy.order_id), using=DB)
    return policy


def policy_for_order(
    *,
    user: Actor,
    order_id: Id,
    insurance_type: str,
    product_id: UUID,
    driver_age: int,
    driver_experience_years: int,
) -> Policy:
    """The order's open policy of `insurance_type` (waiting for its premium, or active), else
    one bought from a new quote for the driver named: a buyer's form sent twice, or twice at
    once, buys one (the order's turn, `common.db.turn_take`)."""
    with transaction.atomic(using=DB):
        turn_take(f"insurance.policy_for_order:{order_id}:{insurance_type}", using=DB)
        policy = (
            Policy.objects.using(DB)
            .filter(
                order_id=order_id,
                customer_id=user.pk,
                insurance_type=insurance_type,
                status__in=(PolicyStatus.PENDING_PAYMENT, PolicyStatus.ACTIVE),
            )
            .first()
        )
        if policy is not None:
            return policy
        quote = quote_create(
            user=user,
            order_id=order_id,
            insurance_type=insurance_type,
            product_id=product_id,
            driver_age=driver_age,
            driver_experience_years=driver_experience_years,
            unlimited_drivers=False,
        )
        return quote_purchase(quote_id=quote.pk)


def policy_premium_paid(*, policy_id: Id, paid_amount: Decimal, version: int) -> Policy | None:
    """Payments reported what the policy's premium has received (`version` orders the
    reports): once it covers the premium, a policy waiting for it is active for a year from
    today, and an active policy whose premium went back in full is cancelled. A policy that
    lapsed or was cancelled meanwhile stays so: payments refunds a premium paid too late
    (docs/deal.md, "Insurance")."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().filter(pk=policy_id).first()
        if policy is None or version <= policy.paid_version:
            return policy
        policy.paid_version = version
        if policy.status in (PolicyStatus.PENDING_PAYMENT, PolicyStatus.ACTIVE):
            policy.premium_paid = paid_amount
        if policy.status == PolicyStatus.PENDING_PAYMENT and paid_amount >= policy.premium:
            POLICY_TRANSITIONS.apply(policy, PolicyStatus.ACTIVE)
            policy.paid_at = timezone.now()
            _cover_from(policy, timezone.localdate())  # moved again when the car is paid
            policy.save(using=DB)
            events.ACTIVATED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
            return policy
        if policy.status == PolicyStatus.ACTIVE and paid_amount <= 0:
            # The premium went back in full (staff refunded it): no premium, no cover. The
            # cancellation refunds nothing more (docs/deal.md, "Insurance").
            POLICY_TRANSITIONS.apply(policy, PolicyStatus.CANCELLED)
            policy.cancelled_on = timezone.localdate()
            policy.cancellation_reason = "The premium was refunded in full."
            policy.refund_amount = Decimal("0.00")
            policy.save(using=DB)
            events.CANCELLED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
            return policy
        policy.save(using=DB, update_fields=["paid_version", "premium_paid", "updated_at"])
    return policy


def order_policies_car_paid(*, order_id: Id) -> int:
    """The order's car was paid for (the order paid, or its loan disbursed): its policies'
    cover can start. An active one, its premium paid already, covers a year from today.
    Returns how many policies changed."""
    changed = 0
    with transaction.atomic(using=DB):
        waiting = (
            Policy.objects.using(DB)
            .select_for_update()
            .filter(order_id=order_id, car_paid_at__isnull=True)
        )
        for policy in waiting:
            policy.car_paid_at = timezone.now()
            if policy.status == PolicyStatus.ACTIVE:
                _cover_from(policy, timezone.localdate())
            policy.save(using=DB)
            changed += 1
    return changed


def policies_unpaid_lapse(*, now: datetime | None = None) -> int:
    """Lapse the policies whose premium was not paid in time. Returns how many."""
    now = now or timezone.now()
    overdue = Policy.objects.using(DB).filter(
        status=PolicyStatus.PENDING_PAYMENT, payment_due_by__lt=now
    )
    lapsed = 0
    for policy_id in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic(using=DB):
            policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
            if policy.status == PolicyStatus.PENDING_PAYMENT:  # not paid since it was listed
                _lapse(policy, "The premium was not paid in time.")
                lapsed += 1
    return lapsed


def _lapse(policy: Policy, reason: str) -> None:
    POLICY_TRANSITIONS.apply(policy, PolicyStatus.LAPSED)
    policy.lapsed_at = timezone.now()
    policy.cancellation_reason = reason
    policy.save(using=DB)
    events.LAPSED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))


def policy_cancel(*, policy_id: Id, user: Actor | None = None, reason: str = "") -> Policy:
    """Cancel a policy today. A paid one refunds the premium of the unused days of what was
    paid (`pricing.refund_pro_rata`: today counts as used), through payments, as a refund of
    the premium's payment; an unpaid one simply lapses."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        if policy.status == PolicyStatus.PENDING_PAYMENT:
            policy.cancelled_by_id = None if user is None else user.pk
            _lapse(policy, reason or "Cancelled before it was paid.")
            return policy
        today = timezone.localdate()
        if policy.status == PolicyStatus.ACTIVE and today > policy.end_date:
            raise ApplicationError(
                _("Only an active policy can be cancelled; this one has ended."),
                code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
                status=409,
            )
        POLICY_TRANSITIONS.apply(policy, PolicyStatus.CANCELLED)
        policy.cancelled_on = today
        policy.cancelled_by_id = None if user is None else user.pk
        policy.cancellation_reason = reason
        policy.refund_amount = pricing.refund_pro_rata(
            premium=policy.premium_paid,
            start_date=policy.start_date,
            end_date=policy.end_date,
            cancelled_on=today,
        )
        policy.save(using=DB)
        events.CANCELLED.emit(aggregate_id=policy.pk, payload=events.policy_payload(policy))
    return policy


# CLAIMS
# ------------------------------------------------------------------------------
def _claim_refused(
    message: str | Promise, code: InsuranceErrorCode, field: str
) -> ApplicationError:
    return ApplicationError(message, code=code, status=400, details={field: [message]})


def claim_file(
    *,
    policy_id: Id,
    user: Actor,
    incident_date: date,
    description: str,
    amount_claimed: Decimal,
) -> Claim:
    """A claim on an active policy, for an incident within its period and not in the future,
    of at most the coverage that the policy's open and approved claims leave, under the
    policy's lock."""
    with transaction.atomic(using=DB):
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        if policy.status != PolicyStatus.ACTIVE:
            raise ApplicationError(
                _("Claims are filed on an active policy only."),
                code=InsuranceErrorCode.POLICY_NOT_ACTIVE,
                status=409,
            )
        if policy.cover_starts_on is None:
            raise ApplicationError(
                _("The cover starts once the car is paid for; nothing is covered before."),
                code=InsuranceErrorCode.COVER_NOT_STARTED,
                status=409,
            )
        if incident_date > timezone.localdate():
            raise _claim_refused(
                _("The incident date is in the future."),
                InsuranceErrorCode.INCIDENT_IN_FUTURE,
                "incident_date",
            )
        if not policy.start_date <= incident_date <= policy.end_date:
            raise _claim_refused(
                _("The policy covers %(start)s to %(end)s.")
                % {"start": policy.start_date, "end": policy.end_date},
                InsuranceErrorCode.INCIDENT_OUTSIDE_POLICY_PERIOD,
                "incident_date",
            )
        left = policy.coverage_amount - _coverage_taken(policy)
        if amount_claimed > left:
            raise _claim_refused(
                _("At most the coverage left, %(amount)s %(currency)s.")
                % {"amount": left, "currency": policy.currency},
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


def _coverage_taken(policy: Policy) -> Decimal:
    """What the policy's claims hold of its coverage: the amount of each open claim, the
    approved amount of each approved one."""
    held = policy.claims.using(DB).aggregate(
        open=Sum("amount_claimed", filter=Q(status=ClaimStatus.FILED)),
        approved=Sum("amount_approved", filter=Q(status=ClaimStatus.APPROVED)),
    )
    return (held["open"] or Decimal("0")) + (held["approved"] or Decimal("0"))


def _approved_on(policy: Policy, *, but: Claim) -> Decimal:
    approved = policy.claims.using(DB).filter(status=ClaimStatus.APPROVED).exclude(pk=but.pk)
    return approved.aggregate(total=Sum("amount_approved"))["total"] or Decimal("0")


def claim_decide(
    *,
    claim_id: Id,
    user: Actor,
    decision: str,
    reason: str,
    amount_approved: Decimal | None = None,
) -> Claim:
    """Approve (up to the amount claimed) or reject a filed claim, once, under its policy's
    lock: never one's own nor one the deciding staff member filed, and an approval that takes
    what the policy pays out above INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE only by a second
    staff member approving the same amount after a first (the claim stays filed in between).
    Every decision is kept."""
    with transaction.atomic(using=DB):
        policy_id = Claim.objects.using(DB).values_list("policy_id", flat=True).get(pk=claim_id)
        policy = Policy.objects.using(DB).select_for_update().get(pk=policy_id)
        claim = Claim.objects.using(DB).select_for_update().get(pk=claim_id)
        CLAIM_TRANSITIONS.check(claim.status, decision)
        approve = decision == ClaimDecision.APPROVED
        amount = claim.amount_claimed  # what a rejection refuses
        if approve:
            if amount_approved is None:
                raise _claim_refused(
                    _("An approval needs the approved amount."),
                    InsuranceErrorCode.AMOUNT_APPROVED_REQUIRED,
                    "amount_approved",
                )
            if amount_approved > claim.amount_claimed:
                raise _claim_refused(
                    _("At most the amount claimed, %(amount)s %(currency)s.")
                    % {"amount": claim.amount_claimed, "currency": claim.currency},
                    InsuranceErrorCode.AMOUNT_APPROVED_EXCEEDS_CLAIMED,
                    "amount_approved",
                )
            amount = amount_approved
        ruling = four_eyes.decision_take(
            what=_("claim"),
            owner_id=claim.customer_id,
            user=user,
            decision=decision,
            approve=approve,
            reason=reason,
            amount=amount,
            threshold=settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE,
            earlier=list(claim.decisions.using(DB)),
            # The threshold guards what the policy pays out in all: this claim's amount and
            # every claim approved on it before.
            total=amount + _approved_on(policy, but=claim),
            filed_by_id=claim.filed_by_id,
        )
        ClaimDecisionRecord.objects.using(DB).create(claim=claim, **ruling.fields)
        if not ruling.final:
            return claim
        CLAIM_TRANSITIONS.apply(claim, decision)
        claim.amount_approved = amount_approved if approve else None
        claim.decision_reason = reason
        claim.decided_by_id = user.pk
        claim.decided_at = timezone.now()
        claim.save(using=DB)
        events.CLAIM_DECIDED.emit(aggregate_id=claim.pk, payload=events.claim_payload(claim))
    return claim
