from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import client_for
from insurance import services
from insurance.models import Claim, ClaimDecisionRecord, OutboxEvent, Policy
from insurance.tests.factories import (
    claim_make,
    outbox_payload,
    policy_make,
    premium_pay,
    quote_make,
)

pytestmark = pytest.mark.django_db(databases="__all__")


def file_claim(client, policy, **fields):
    body = {
        "incident_date": timezone.localdate().isoformat(),
        "description": "Hail damage",
        "amount_claimed": "120000.00",
        **fields,
    }
    return client.post(reverse("insurance-policy-claims", args=[policy.pk]), body, format="json")


def decide(client, claim, **body):
    return client.post(
        reverse("insurance-claim-decision", args=[claim.pk]),
        {"reason": "Assessed", **body},
        format="json",
    )


def test_quote_purchase_payment_claim_and_decision_end_to_end(
    customer_client, manager_client, customer, manager
):
    order_quote = quote_make(customer)
    policy_body = customer_client.post(
        reverse("insurance-quote-purchase", args=[order_quote.pk])
    ).json()
    policy = Policy.objects.get(pk=policy_body["id"])
    premium_pay(policy)
    services.order_policies_car_paid(order_id=policy.order_id)  # as orders reports it

    filed = file_claim(customer_client, policy)
    claim = Claim.objects.get()
    decided = decide(manager_client, claim, decision="approved", amount_approved="80000.50")

    assert filed.status_code == 201, filed.json()
    assert (filed.json()["status"], filed.json()["policy_number"]) == ("filed", policy.number)
    assert filed.json()["decisions"] == []
    assert decided.status_code == 200, decided.json()
    claim.refresh_from_db()
    assert (claim.status, claim.amount_claimed, claim.amount_approved) == (
        "approved",
        Decimal("120000.00"),
        Decimal("80000.50"),
    )
    assert (claim.decided_by_id, claim.decision_reason) == (manager.pk, "Assessed")
    # Below INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE one approval decides.
    assert [(d["decided_by_id"], d["final"]) for d in decided.json()["decisions"]] == [
        (str(manager.pk), True)
    ]
    listed = customer_client.get(reverse("insurance-claims")).json()["results"]
    assert [(row["id"], row["amount_approved"]) for row in listed] == [(str(claim.pk), "80000.50")]
    assert list(OutboxEvent.objects.order_by("occurred_at").values_list("type", flat=True)) == [
        "insurance_quote.created",
        "insurance_policy.purchased",
        "insurance_policy.activated",
        "insurance_policy.claim.filed",
        "insurance_policy.claim.decided",
    ]
    assert (
        OutboxEvent.objects.get(type="insurance_policy.claim.filed").payload["amount"]
        == "120000.00"
    )
    payload = OutboxEvent.objects.get(type="insurance_policy.claim.decided").payload
    assert (payload["status"], payload["amount"], payload["policy_id"]) == (
        "approved",
        "80000.50",
        str(policy.pk),
    )


def test_no_claim_on_a_policy_whose_premium_is_not_paid(customer_client, customer):
    policy = policy_make(customer, paid=False)
    events = OutboxEvent.objects.count()

    response = file_claim(customer_client, policy)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "policy_not_active")
    assert Claim.objects.count() == 0
    assert OutboxEvent.objects.count() == events
    assert Policy.objects.get().status == "pending_payment"


def test_a_rejected_claim_reports_an_amount_of_zero(manager_client, customer):
    claim = claim_make(customer)

    response = decide(manager_client, claim, decision="rejected")

    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == ("rejected", None)
    payload = outbox_payload("insurance_policy.claim.decided", claim)
    assert (payload["status"], payload["amount"]) == ("rejected", "0.00")
    assert outbox_payload("insurance_policy.claim.filed", claim)["amount"] == "50000.00"


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({"amount_claimed": "10.001"}, 400, "validation_error", "amount_claimed"),
        ({"amount_claimed": "-1.00"}, 400, "validation_error", "amount_claimed"),
        ({"amount_claimed": "9999999999999999"}, 400, "validation_error", "amount_claimed"),
        ({"amount_claimed": True}, 400, "validation_error", "amount_claimed"),
        ({"amount_claimed": "1000000.01"}, 400, "amount_exceeds_coverage", "amount_claimed"),
        ({"incident_date": "yesterday"}, 400, "validation_error", "incident_date"),
        ({"incident_date": -1}, 400, "incident_outside_policy_period", "incident_date"),
        ({"incident_date": 1}, 400, "incident_in_future", "incident_date"),
        ({"description": ""}, 400, "validation_error", "description"),
    ],
)
def test_invalid_claims_are_refused_and_nothing_is_written(
    customer_client, customer, fields, status, code, field
):
    policy = policy_make(customer)  # covers 1,000,000.00 from today
    if isinstance(fields.get("incident_date"), int):
        days = fields["incident_date"]
        fields = {"incident_date": (timezone.localdate() + timedelta(days=days)).isoformat()}
    events = OutboxEvent.objects.count()

    response = file_claim(customer_client, policy, **fields)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert field in response.json()["error"]["details"]
    assert Claim.objects.count() == 0
    assert OutboxEvent.objects.count() == events


def test_an_incident_after_the_policy_ended_is_refused(customer_client, customer):
    policy = policy_make(customer)
    today = timezone.localdate()
    Policy.objects.filter(pk=policy.pk).update(
        start_date=today - timedelta(days=400), end_date=today - timedelta(days=36)
    )

    response = file_claim(
        customer_client, policy, incident_date=(today - timedelta(days=35)).isoformat()
    )

    assert response.json()["error"]["code"] == "incident_outside_policy_period"
    assert Claim.objects.count() == 0


def test_no_claim_on_a_cancelled_policy(customer_client, customer):
    policy = policy_make(customer)
    services.policy_cancel(policy_id=policy.pk, user=customer)

    response = file_claim(customer_client, policy)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "policy_not_active")
    assert Claim.objects.count() == 0


def test_a_client_cannot_decide_a_claim(customer_client, customer):
    claim = claim_make(customer)

    response = decide(customer_client, claim, decision="approved", amount_approved="10.00")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == ("filed", None)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"decision": "approved"}, "amount_approved_required"),
        (
            {"decision": "approved", "amount_approved": "50000.01"},
            "amount_approved_exceeds_claimed",
        ),
        ({"decision": "approved", "amount_approved": "0.00"}, "validation_error"),
        ({"decision": "rejected", "amount_approved": "10.00"}, "validation_error"),
        ({"decision": "maybe"}, "validation_error"),
    ],
)
def test_an_invalid_decision_is_refused_and_the_claim_stays_filed(
    manager_client, customer, body, code
):
    claim = claim_make(customer)  # 50,000.00 claimed

    response = decide(manager_client, claim, **body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.decided_at) == ("filed", None, None)
    assert not OutboxEvent.objects.filter(type="insurance_policy.claim.decided").exists()


def test_deciding_twice_is_a_conflict(manager_client, customer):
    claim = claim_make(customer)
    decide(manager_client, claim, decision="rejected")

    again = decide(manager_client, claim, decision="approved", amount_approved="100.00")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "claim_already_decided"
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved) == ("rejected", None)
    assert OutboxEvent.objects.filter(type="insurance_policy.claim.decided").count() == 1


def test_another_clients_policy_and_claims_are_404(customer, other_customer):
    claim = claim_make(customer)
    intruder = client_for(other_customer)

    filed = file_claim(intruder, claim.policy)
    read = intruder.get(reverse("insurance-claim-detail", args=[claim.pk]))
    listed = intruder.get(reverse("insurance-claims")).json()

    assert (filed.status_code, read.status_code) == (404, 404)
    assert listed["count"] == 0
    assert Claim.objects.count() == 1


def test_no_claim_on_a_lapsed_policy(customer_client, customer):
    policy = policy_make(customer, paid=False)
    services.policies_unpaid_lapse(now=policy.payment_due_by + timedelta(seconds=1))

    response = file_claim(customer_client, policy)

    assert (response.status_code, response.json()["error"]["code"]) == (409, "policy_not_active")
    assert Claim.objects.count() == 0


# FOUR EYES (common/four_eyes.py)
# ------------------------------------------------------------------------------
@pytest.fixture
def second_manager(db):
    return UserFactory(role="manager")


def no_decision_taken(claim) -> bool:
    claim.refresh_from_db()
    return (claim.status, claim.amount_approved, claim.decided_by_id, claim.decided_at) == (
        "filed",
        None,
        None,
        None,
    ) and not OutboxEvent.objects.filter(type="insurance_policy.claim.decided").exists()


@pytest.mark.parametrize(
    "body",
    [{"decision": "approved", "amount_approved": "100.00"}, {"decision": "rejected"}],
)
def test_a_manager_cannot_decide_a_claim_on_their_own_policy(manager, manager_client, body):
    # Given a manager who bought and paid a policy for their own car, and claimed on it
    claim = claim_make(manager)

    response = decide(manager_client, claim, **body)

    assert (response.status_code, response.json()["error"]["code"]) == (403, "own_record")
    assert no_decision_taken(claim)
    assert ClaimDecisionRecord.objects.count() == 0


def test_an_approval_above_the_threshold_waits_for_a_second_manager(
    manager, manager_client, second_manager, customer, settings
):
    settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal("10000.00")
    claim = claim_make(customer, amount="50000.00")

    first = decide(manager_client, claim, decision="approved", amount_approved="40000.00")

    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "filed"
    assert no_decision_taken(claim)
    (record,) = ClaimDecisionRecord.objects.filter(claim=claim)
    assert (record.decided_by_id, record.decision, record.amount, record.final) == (
        manager.pk,
        "approved",
        Decimal("40000.00"),
        False,
    )
    assert [(d["decided_by_id"], d["amount"], d["final"]) for d in first.json()["decisions"]] == [
        (str(manager.pk), "40000.00", False)
    ]

    # The same manager approving again is not a second pair of eyes.
    again = decide(manager_client, claim, decision="approved", amount_approved="40000.00")

    assert (again.status_code, again.json()["error"]["code"]) == (
        403,
        "second_approver_required",
    )
    assert no_decision_taken(claim)
    assert ClaimDecisionRecord.objects.filter(claim=claim).count() == 1

    # A second manager's approval decides it.
    second = decide(
        client_for(second_manager), claim, decision="approved", amount_approved="40000.00"
    )

    assert second.status_code == 200, second.json()
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.decided_by_id) == (
        "approved",
        Decimal("40000.00"),
        second_manager.pk,
    )
    assert list(
        ClaimDecisionRecord.objects.filter(claim=claim)
        .order_by("created_at")
        .values_list("decided_by_id", "final")
    ) == [(manager.pk, False), (second_manager.pk, True)]
    assert [d["final"] for d in second.json()["decisions"]] == [False, True]
    payload = outbox_payload("insurance_policy.claim.decided", claim)
    assert (payload["status"], payload["amount"]) == ("approved", "40000.00")


def test_an_approval_up_to_the_threshold_is_decided_by_one_manager(
    manager, manager_client, customer, settings
):
    settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal("10000.00")
    claim = claim_make(customer, amount="50000.00")

    response = decide(manager_client, claim, decision="approved", amount_approved="10000.00")

    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.status, claim.amount_approved, claim.decided_by_id) == (
        "approved",
        Decimal("10000.00"),
        manager.pk,
    )
    (record,) = ClaimDecisionRecord.objects.filter(claim=claim)
    assert (record.decided_by_id, record.final) == (manager.pk, True)
    assert outbox_payload("insurance_policy.claim.decided", claim)["amount"] == "10000.00"


def test_a_rejection_above_the_threshold_is_decided_by_one_manager(
    manager, manager_client, customer, settings
):
    settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal("10000.00")
    claim = claim_make(customer, amount="50000.00")

    response = decide(manager_client, claim, decision="rejected")

    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by_id) == ("rejected", manager.pk)
    (record,) = ClaimDecisionRecord.objects.filter(claim=claim)
    assert (record.decision, record.final) == ("rejected", True)


def test_the_default_threshold_is_500000_roubles(manager, manager_client, second_manager, customer):
    # Given a 1,000,000.00 KASKO policy and a claim of 600,000.00
    claim = claim_make(customer, amount="600000.00")

    at = decide(manager_client, claim, decision="approved", amount_approved="500000.00")
    claim_above = claim_make(customer, amount="600000.00")  # on a policy of its own
    above = decide(manager_client, claim_above, decision="approved", amount_approved="500000.01")

    assert (at.json()["status"], above.json()["status"]) == ("approved", "filed")
    assert ClaimDecisionRecord.objects.get(claim=claim_above).final is False
