"""A policy is sold only when paid (docs/deal.md, "Insurance"): bought, it waits for its
premium; paid, it covers a year; unpaid past its hold, it lapses; with its order cancelled,
it lapses or is refunded pro rata."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from insurance import services
from insurance.models import OutboxEvent, Policy, Quote
from insurance.tasks import policies_unpaid_lapse_task
from insurance.tests.factories import (
    outbox_payload,
    policy_make,
    premium_pay,
    quote_make,
    vehicle_order_make,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def events(type: str) -> int:
    return OutboxEvent.objects.filter(type=type).count()


def test_a_premium_paid_in_part_leaves_the_policy_waiting_until_it_is_paid_in_full(customer):
    policy = policy_make(customer, paid=False)

    premium_pay(policy, Decimal("40000.00"))

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid, policy.paid_at) == (
        "pending_payment",
        Decimal("40000.00"),
        None,
    )
    assert events("insurance_policy.activated") == 0

    premium_pay(policy, Decimal("64000.00"))

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid) == ("active", Decimal("64000.00"))
    assert events("insurance_policy.activated") == 1


def test_a_report_older_than_the_last_one_applied_changes_nothing(customer):
    policy = policy_make(customer, paid=False)
    services.policy_premium_paid(policy_id=policy.pk, paid_amount=Decimal("64000.00"), version=2)

    services.policy_premium_paid(policy_id=policy.pk, paid_amount=Decimal("10.00"), version=1)
    services.policy_premium_paid(policy_id=policy.pk, paid_amount=Decimal("10.00"), version=2)

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid, policy.paid_version) == (
        "active",
        Decimal("64000.00"),
        2,
    )
    assert events("insurance_policy.activated") == 1


def test_an_unpaid_policy_lapses_once_its_payment_hold_has_passed_and_not_before(customer):
    unpaid = policy_make(customer, paid=False)
    paid = policy_make(customer)
    due = unpaid.payment_due_by

    assert services.policies_unpaid_lapse(now=due - timedelta(seconds=1)) == 0
    assert services.policies_unpaid_lapse(now=due) == 0
    assert Policy.objects.get(pk=unpaid.pk).status == "pending_payment"
    assert events("insurance_policy.lapsed") == 0

    lapsed = services.policies_unpaid_lapse(now=due + timedelta(seconds=1))

    assert lapsed == 1
    unpaid.refresh_from_db()
    assert (unpaid.status, unpaid.refund_amount, unpaid.premium_paid) == (
        "lapsed",
        None,
        Decimal("0.00"),
    )
    assert unpaid.lapsed_at is not None
    assert unpaid.cancellation_reason == "The premium was not paid in time."
    assert Policy.objects.get(pk=paid.pk).status == "active"
    payload = outbox_payload("insurance_policy.lapsed", unpaid)
    assert (payload["status"], payload["amount"], payload["premium"]) == (
        "lapsed",
        "0.00",
        "64000.00",
    )
    # The next sweep finds nothing more to do.
    assert services.policies_unpaid_lapse(now=due + timedelta(days=1)) == 0
    assert events("insurance_policy.lapsed") == 1


def test_the_beat_task_lapses_the_policies_whose_hold_has_passed(customer):
    overdue = policy_make(customer, paid=False)
    waiting = policy_make(customer, paid=False)
    Policy.objects.filter(pk=overdue.pk).update(
        payment_due_by=timezone.now() - timedelta(minutes=1)
    )

    assert policies_unpaid_lapse_task.delay().get() == 1

    assert Policy.objects.get(pk=overdue.pk).status == "lapsed"
    assert Policy.objects.get(pk=waiting.pk).status == "pending_payment"


def test_a_premium_paid_after_the_policy_lapsed_leaves_it_lapsed(customer):
    policy = policy_make(customer, paid=False)
    services.policies_unpaid_lapse(now=policy.payment_due_by + timedelta(seconds=1))

    premium_pay(policy)

    policy.refresh_from_db()
    assert (policy.status, policy.premium_paid, policy.paid_at) == ("lapsed", Decimal("0.00"), None)
    assert events("insurance_policy.activated") == 0
    assert events("insurance_policy.lapsed") == 1


def test_cancelling_an_order_lapses_its_unpaid_policies_and_refunds_its_paid_ones_once(customer):
    # Given an order with a quote not bought, a policy not paid and a policy paid today,
    # and a paid policy on another order
    order = vehicle_order_make(customer)
    quoted = quote_make(customer, order)
    unpaid = policy_make(customer, order, paid=False)
    paid = policy_make(customer, order)
    elsewhere = policy_make(customer)

    changed = services.order_insurance_cancel(order_id=order.pk)

    assert changed == 3
    quoted.refresh_from_db()
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (quoted.status, quoted.cancelled_at is not None) == ("cancelled", True)
    assert (unpaid.status, unpaid.refund_amount) == ("lapsed", None)
    # 64,000.00 × 364 / 365 = 63,824.6575... → 63,824.66: today was covered.
    assert (paid.status, paid.refund_amount, paid.cancelled_on) == (
        "cancelled",
        Decimal("63824.66"),
        timezone.localdate(),
    )
    assert paid.cancellation_reason == unpaid.cancellation_reason == "The order was cancelled."
    assert Policy.objects.get(pk=elsewhere.pk).status == "active"
    assert outbox_payload("insurance_quote.cancelled", quoted)["status"] == "cancelled"
    assert outbox_payload("insurance_policy.lapsed", unpaid)["amount"] == "0.00"
    assert outbox_payload("insurance_policy.cancelled", paid)["amount"] == "63824.66"
    assert not OutboxEvent.objects.filter(
        type="insurance_policy.cancelled", aggregate_id=str(unpaid.pk)
    ).exists()

    # A second call, as a redelivered order.cancelled would make, changes nothing.
    outbox = OutboxEvent.objects.count()
    assert services.order_insurance_cancel(order_id=order.pk) == 0
    assert OutboxEvent.objects.count() == outbox
    assert Policy.objects.get(pk=paid.pk).refund_amount == Decimal("63824.66")
    assert Quote.objects.get(pk=quoted.pk).status == "cancelled"
