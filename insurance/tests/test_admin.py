from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from conftest import browser_for
from insurance.models import Claim, OutboxEvent, Policy
from insurance.tests.factories import claim_make, policy_make

pytestmark = pytest.mark.django_db(databases="__all__")


def action(browser, model: str, name: str, rows, reason: str):
    return browser.post(
        reverse(f"admin:insurance_{model}_changelist"),
        {
            "action": name,
            helpers.ACTION_CHECKBOX_NAME: [str(row.pk) for row in rows],
            "reason": reason,
            "apply": "yes",
        },
    )


def test_a_manager_approves_and_rejects_claims_through_the_service(manager, customer):
    approved, rejected = claim_make(customer, amount="700.00"), claim_make(customer)
    browser = browser_for(manager)

    first = action(browser, "claim", "approve_in_full", [approved], "Photos match")
    second = action(browser, "claim", "reject", [rejected], "Old damage")

    assert (first.status_code, second.status_code) == (302, 302)
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert (approved.status, approved.amount_approved, approved.decided_by_id) == (
        "approved",
        Decimal("700.00"),
        manager.pk,
    )
    assert (rejected.status, rejected.decision_reason) == ("rejected", "Old damage")
    assert OutboxEvent.objects.filter(type="insurance_policy.claim.decided").count() == 2


def test_a_manager_cancels_a_policy_with_its_refund(manager, customer):
    policy = policy_make(customer)

    response = action(browser_for(manager), "policy", "cancel_policies", [policy], "Car sold")

    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.status, policy.cancellation_reason) == ("cancelled", "Car sold")
    assert Decimal("0") < policy.refund_amount < policy.premium


def test_claims_cannot_be_edited_in_the_admin(manager, customer):
    claim = claim_make(customer)

    response = browser_for(manager).post(
        reverse("admin:insurance_claim_change", args=[claim.pk]), {"status": "approved"}
    )

    assert response.status_code == 403
    assert Claim.objects.get().status == "filed"
    assert Policy.objects.get().status == "active"
