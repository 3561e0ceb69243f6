"""Policies: a quote bought, its premium paid, its cover started once the car is paid for,
lapsed or cancelled; and an order's quotes and policies cancelled with it."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from common.types import Actor, Id
from insurance import events, pricing
from insurance.choices import POLICY_TRANSITIONS, QUOTE_TRANSITIONS, PolicyStatus, QuoteStatus
from insurance.error_codes import InsuranceErrorCode
from insurance.models import Policy, Quote
from orders import selectors as orders_selectors

DB = "insurance"


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
            showroom_id=quote.showroom_id,
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
