"""A car bought with a loan and insured, end to end: the REST API of a real ASGI server, a real
Celery worker carrying the events to the orders database, and the live feed of the order."""

import time

import httpx
import pytest
from django.utils import timezone

from accounts.tokens import AccessToken
from insurance import services as insurance_services
from insurance.tests.factories import vehicle_order_make
from orders.models import OrderLink
from tests.feeds import receive, subscribe, ticket_for
from tests.processes import wait_for

pytestmark = [pytest.mark.process, pytest.mark.django_db(transaction=True, databases="__all__")]


def api(server, user):
    return httpx.Client(
        base_url=f"{server.url}/api/v1",
        headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"},
        timeout=10,
    )


def pushed(ws, kind: str, status: str, timeout: float = 30) -> dict:
    """Read the feed until a push notes a `kind` link in `status`; every push is in order."""
    deadline, sequence = time.monotonic() + timeout, 0
    while True:
        push = receive(ws, timeout=max(deadline - time.monotonic(), 0.01))
        assert push["sequence"] > sequence
        sequence = push["sequence"]
        link = push.get("link") or {}
        if (link.get("kind"), link.get("status")) == (kind, status):
            return push


def premium_paid(client, policy) -> bool:
    """Pay the premium once payments has learnt of it from `insurance_policy.purchased`."""
    response = client.post(
        "/payments/",
        json={"policy_id": policy["id"], "amount": policy["premium"], "method": "card"},
        headers={"Idempotency-Key": f"premium-{policy['id']}"},
    )
    assert response.status_code in (201, 404), response.text
    return response.status_code == 201


def test_a_loan_and_a_policy_reach_the_order_over_rest_and_the_feed(
    server, worker, customer, manager
):
    order = vehicle_order_make(customer)
    client, staff = api(server, customer), api(server, manager)

    with subscribe(
        server, f"ws/orders/{order.pk}/", f"ticket={ticket_for(server, customer)}"
    ) as ws:
        assert receive(ws)["type"] == "snapshot"
        # A loan that needs a manager: 40% < debt-to-income <= 60%.
        application = client.post(
            "/financing/applications/",
            json={
                "order_id": str(order.pk),
                "vehicle_price": "1000000.00",
                "down_payment": "200000.00",
                "term_months": 60,
                "financing_type": "car_loan",
                "employment_status": "employed",
                "monthly_income": "40000.00",
            },
        ).json()
        assert application["status"] == "pending_review", application
        pushed(ws, "loan_application", "pending_review")
        decided = staff.post(
            f"/financing/applications/{application['id']}/decision",
            json={"decision": "approved", "reason": "Stable employer"},
        )
        assert decided.status_code == 200, decided.text
        loan_push = pushed(ws, "loan_application", "approved")

        quote = client.post(
            "/insurance/quotes/",
            json={
                "order_id": str(order.pk),
                "insurance_type": "kasko",
                "driver_age": 35,
                "driver_experience_years": 10,
            },
        ).json()
        policy = client.post(f"/insurance/quotes/{quote['id']}/purchase").json()
        assert policy["status"] == "pending_payment", policy
        pushed(ws, "insurance_policy", "pending_payment")
        wait_for(lambda: premium_paid(client, policy), message="the premium payable")
        pushed(ws, "insurance_policy", "active")
        # The cover starts once the car is paid for: here as orders would report the lender's
        # disbursement (tests/flows/test_deal.py pays for a financed car end to end).
        insurance_services.order_policies_car_paid(order_id=order.pk)
        claim = client.post(
            f"/insurance/policies/{policy['id']}/claims",
            json={
                "incident_date": timezone.localdate().isoformat(),
                "description": "A scratched door",
                "amount_claimed": "30000.00",
            },
        ).json()
        decision = staff.post(
            f"/insurance/claims/{claim['id']}/decision",
            json={"decision": "approved", "amount_approved": "25000.00", "reason": "Photos"},
        )
        assert decision.status_code == 200, decision.text
        claim_push = pushed(ws, "insurance_claim", "approved")
        shown = client.get(f"/orders/{order.pk}/").json()

    assert loan_push["type"] == "loan_application.approved"
    assert loan_push["link"]["reference_id"] == application["id"]
    assert claim_push["type"] == "insurance_policy.claim.decided"
    assert claim_push["link"]["amount"] == "25000.00"
    links = {(link["kind"], link["reference_id"]): link["status"] for link in shown["links"]}
    assert links[("loan_application", application["id"])] == "approved"
    assert links[("insurance_quote", quote["id"])] == "purchased"
    assert links[("insurance_policy", policy["id"])] == "active"
    assert links[("insurance_claim", claim["id"])] == "approved"
    assert OrderLink.objects.filter(order_id=order.pk).count() == 4
