"""Quotes: a vehicle on an order priced for OSAGO or KASKO (`quote_price`, the storefront's
`premium_estimates`), a quote written, and a policy bought for an order from a new quote."""

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import TypedDict
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog import selectors as catalog_selectors
from catalog.selectors import VehicleView
from common.api.exceptions import ApplicationError
from common.db.transactions import turn_take
from common.error_codes import CommonErrorCode
from common.formatting import money
from common.types import Actor, Id
from insurance import events, pricing, rulesets
from insurance.choices import InsuranceType, PolicyStatus
from insurance.error_codes import InsuranceErrorCode
from insurance.models import Policy, Quote
from insurance.services.policies import (
    _cancel_if_order_cancelled,
    _lapse,
    _quote_conflict,
    quote_purchase,
)
from orders import selectors as orders_selectors
from orders.choices import OrderStatus
from orders.selectors import OrderView

DB = "insurance"
QUOTE_VALIDITY = timedelta(days=30)


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
    territory: str = rulesets.OSAGO.default_territory,
) -> dict[str, pricing.Price]:
    """What a year of OSAGO, and of KASKO for the vehicle's price, would cost one named
    driver in `territory` (where the car is sold: `insurance.selectors.territory_of`) with a
    first policy's class: the storefront's estimate, priced as a quote is. It writes
    nothing; a price KASKO does not cover is left out."""
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
            territory=territory,
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
            showroom_id=order.showroom_id,
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


def policy_for_quote(
    *, user: Actor, order_id: Id, quote_id: Id, premium: Decimal | None = None
) -> Policy:
    """Buy the quote the buyer pressed the button of, for their order, at the premium that
    button named (`premium`: a quote that no longer costs it is refused). A confirmation sent
    twice, or twice at once, buys one (the order's turn, `common.db.turn_take`). An unpaid
    policy of the same kind bought from another quote is replaced: it lapses, so that the
    policy bought is always the one the buyer chose; an active one of that kind is a 409.
    Another's quote, or one of another order, is a 404."""
    quote = (
        Quote.objects.using(DB)
        .filter(pk=quote_id, order_id=order_id, customer_id=user.pk)
        .only("insurance_type", "premium", "currency")
        .first()
    )
    if quote is None:
        raise ApplicationError(_("Quote not found."), code=CommonErrorCode.NOT_FOUND, status=404)
    if premium is not None and premium != quote.premium:
        raise _quote_conflict(
            _("This quote's premium is %(premium)s, not %(named)s.")
            % {
                "premium": money(quote.premium, quote.currency),
                "named": money(premium, quote.currency),
            },
            InsuranceErrorCode.QUOTE_NOT_PURCHASABLE,
        )
    with transaction.atomic(using=DB):
        turn_take(f"insurance.policy_for_order:{order_id}:{quote.insurance_type}", using=DB)
        held = (
            Policy.objects.using(DB)
            .select_for_update()
            .filter(
                order_id=order_id,
                customer_id=user.pk,
                insurance_type=quote.insurance_type,
                status__in=(PolicyStatus.PENDING_PAYMENT, PolicyStatus.ACTIVE),
            )
            .first()
        )
        if held is not None and held.quote_id == quote.pk:
            return held  # the same button again
        if held is not None and held.status == PolicyStatus.ACTIVE:
            raise _quote_conflict(
                _("The order already has an active %(kind)s policy, %(number)s.")
                % {"kind": held.get_insurance_type_display(), "number": held.number},
                InsuranceErrorCode.QUOTE_NOT_PURCHASABLE,
            )
        if held is not None:  # unpaid, from another quote: the buyer chose this one instead
            _lapse(held, "Replaced by another quote the buyer chose before paying.")
        return quote_purchase(quote_id=quote.pk)
