"""Demo data that crosses domains, for `manage.py seed_demo` after every app's own: the demo
client pays the premium of their KASKO policy and the car through payments, as a customer
would (the fake provider takes it), and files claims on the policy it makes active; the demo manager decides
two of them (docs/deal.md). Runs once: a claim of the client's means it ran before."""

import uuid
from decimal import Decimal

from django.utils import timezone

from accounts import selectors as accounts_selectors
from common.api.exceptions import ApplicationError
from insurance import selectors as insurance_selectors
from insurance import services as insurance_services
from insurance.choices import ClaimDecision, InsuranceType, PolicyStatus
from orders import selectors as orders_selectors
from payments import services as payments_services

CLAIMS = [
    ("Windscreen cracked by a stone on the motorway", "45000.00"),
    ("Rear bumper dented in a car park", "62000.00"),
    ("Paint scratched, cause unknown", "30000.00"),
]


def seed(stdout) -> None:
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    manager = accounts_selectors.user_get_by_email(email="manager@autosalon.local")
    if client is None or manager is None:
        return
    policies = insurance_selectors.policy_list(user=client)
    if insurance_selectors.claim_list(user=client).exists():
        return
    unpaid = policies.filter(
        insurance_type=InsuranceType.KASKO, status=PolicyStatus.PENDING_PAYMENT
    ).first()
    if unpaid is None:
        return
    try:
        payment, _ = payments_services.payment_create(
            user=client,
            policy_id=unpaid.pk,
            amount=unpaid.premium,
            method="card",
            idempotency_key=f"demo-premium-{uuid.uuid5(uuid.NAMESPACE_URL, str(unpaid.pk))}",
        )
    except ApplicationError as exc:  # payments has not heard of the policy yet: next run
        stdout.write(f"  the premium of {unpaid.number} cannot be paid yet: {exc.message}")
        return
    payments_services.payment_process(payment_id=payment.pk)
    # The cover starts once the car is paid for too (docs/deal.md, "Insurance"): the client
    # pays what the order still owes.
    order = orders_selectors.order_view_get(user=client, order_id=unpaid.order_id)
    if order.paid_amount < order.total_amount:
        car, _ = payments_services.payment_create(
            user=client,
            order_id=order.id,
            amount=order.total_amount - order.paid_amount,
            method="card",
            idempotency_key=f"demo-car-{uuid.uuid5(uuid.NAMESPACE_URL, str(order.id))}",
        )
        payments_services.payment_process(payment_id=car.pk)
    policy = insurance_selectors.policy_get(user=client, policy_id=unpaid.pk)
    if policy.status != PolicyStatus.ACTIVE or policy.cover_starts_on is None:
        stdout.write(f"  the cover of {policy.number} has not started yet: no claims")
        return
    claims = [
        insurance_services.claim_file(
            policy_id=policy.pk,
            user=client,
            incident_date=timezone.localdate(),
            description=description,
            amount_claimed=Decimal(amount),
        )
        for description, amount in CLAIMS
    ]
    insurance_services.claim_decide(
        claim_id=claims[1].pk,
        user=manager,
        decision=ClaimDecision.APPROVED,
        amount_approved=Decimal("58500.00"),
        reason="Demo: repair estimate of the partner body shop",
    )
    insurance_services.claim_decide(
        claim_id=claims[2].pk,
        user=manager,
        decision=ClaimDecision.REJECTED,
        reason="Demo: the damage predates the policy",
    )
    stdout.write(f"  {policy.number} paid, {len(claims)} claims of {client.email}")
