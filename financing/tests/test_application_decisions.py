"""Staff decide the applications the scoring left pending review, once, with a reason."""

import pytest

from financing.models import OutboxEvent
from financing.tests.factories import application_make, decision_url, detail_url

pytestmark = pytest.mark.django_db(databases="__all__")


def test_a_manager_decides_an_application_pending_review(
    customer, manager, manager_client, customer_client
):
    application = application_make(customer, monthly_income="40000.00")

    response = manager_client.post(
        decision_url(application), {"decision": "approved", "reason": "Stable employer"}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("approved", manager.pk)
    assert application.decided_at is not None
    assert application.reasons[-1] == "Staff decision: Stable employer"
    event = OutboxEvent.objects.get(type="financing.approved")
    assert (event.payload["id"], event.payload["status"]) == (str(application.pk), "approved")
    assert customer_client.get(detail_url(application)).json()["status"] == "approved"


def test_a_client_cannot_decide_even_their_own_application(customer, customer_client):
    application = application_make(customer, monthly_income="40000.00")

    response = customer_client.post(
        decision_url(application), {"decision": "approved", "reason": "Trust me"}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    application.refresh_from_db()
    assert (application.status, application.decided_by_id) == ("pending_review", None)
    assert not OutboxEvent.objects.filter(type="financing.approved").exists()


def test_an_application_already_decided_cannot_be_decided_again(customer, admin_client):
    application = application_make(customer)  # approved by scoring

    response = admin_client.post(
        decision_url(application), {"decision": "rejected", "reason": "Changed my mind"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "application_not_pending"
    application.refresh_from_db()
    assert application.status == "approved"
    assert not OutboxEvent.objects.filter(type="financing.rejected").exists()


def test_a_decision_must_be_approve_or_reject_with_a_reason(customer, manager_client):
    application = application_make(customer, monthly_income="40000.00")

    withdrawn = manager_client.post(decision_url(application), {"decision": "withdrawn"})

    assert withdrawn.status_code == 400
    assert set(withdrawn.json()["error"]["details"]) == {"decision", "reason"}
    application.refresh_from_db()
    assert application.status == "pending_review"
