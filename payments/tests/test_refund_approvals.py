"""Four eyes on refunds (docs/deal.md, "Who decides"): staff never refund their own payment,
and a refund above PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE waits, its amount held, until a
second staff member decides it. The system's refunds (the cancellation saga) never wait."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import client_for
from orders import selectors as orders_selectors
from orders import services as orders_services
from payments.models import LedgerTransaction, Refund, RefundApproval
from payments.tests.factories import paid_order_of

pytestmark = pytest.mark.django_db(databases="__all__")
THRESHOLD = Decimal("500.00")


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = THRESHOLD


@pytest.fixture
def second_manager(db):
    return UserFactory(role="manager")


@pytest.fixture
def payment(customer, run_on_commit):
    return paid_order_of(customer, run_on_commit)[1]


def refund(client, payment, amount: str, reason: str = "A scratch on delivery"):
    return client.post(
        reverse("payments-refund", args=[payment.pk]), {"amount": amount, "reason": reason}
    )


def decide(client, refund_id, decision: str, reason: str = "Checked the invoice"):
    return client.post(
        reverse("payments-refund-decision", args=[refund_id]),
        {"decision": decision, "reason": reason},
    )


def refund_rows(payment) -> list:
    return list(
        LedgerTransaction.objects.filter(payment=payment, type="refund").values_list(
            "amount", flat=True
        )
    )


def test_staff_cannot_refund_their_own_payment(manager, manager_client, provider, run_on_commit):
    _order, own = paid_order_of(manager, run_on_commit, price="100.00")

    response = refund(manager_client, own, "100.00")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_record"
    assert not Refund.objects.exists()
    own.refresh_from_db()
    assert (own.status, own.refunded_amount) == ("completed", Decimal("0.00"))
    assert refund_rows(own) == []
    assert provider.records("refunds") == {}


def test_a_refund_at_the_threshold_is_carried_out_at_once(manager_client, payment, provider):
    response = refund(manager_client, payment, str(THRESHOLD))

    assert response.status_code == 201
    made = Refund.objects.get()
    assert made.status == "completed"
    assert not RefundApproval.objects.exists()
    assert refund_rows(payment) == [-THRESHOLD]


def test_a_refund_above_the_threshold_waits_with_its_amount_held(
    manager, manager_client, payment, provider, run_on_commit
):
    with run_on_commit():
        response = refund(manager_client, payment, "600.00")

    assert response.status_code == 202
    assert response.json()["status"] == "awaiting_approval"
    waiting = Refund.objects.get()
    assert (waiting.status, waiting.amount, waiting.created_by_id) == (
        "awaiting_approval",
        Decimal("600.00"),
        manager.pk,
    )
    approval = RefundApproval.objects.get()
    assert (approval.refund_id, approval.decided_by_id, approval.decision, approval.final) == (
        waiting.pk,
        manager.pk,
        "approved",
        False,
    )
    assert [row["final"] for row in response.json()["decisions"]] == [False]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0.00"))
    assert refund_rows(payment) == []
    assert provider.records("refunds") == {}

    # then: what is held cannot be refunded again meanwhile; the rest, under the threshold on
    # its own but not with what the payment already gives back, waits for a second approver too
    with run_on_commit():
        over = refund(manager_client, payment, "400.01")
        rest = refund(manager_client, payment, "400.00")

    assert over.status_code == 409
    assert over.json()["error"]["code"] == "refund_exceeds_captured"
    assert rest.status_code == 202
    assert Refund.objects.get(pk=rest.json()["id"]).status == "awaiting_approval"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("completed", Decimal("0.00"))
    assert refund_rows(payment) == []
    assert Refund.objects.get(pk=waiting.pk).status == "awaiting_approval"


def test_the_one_who_asked_cannot_approve_their_own_refund(manager_client, payment, provider):
    waiting_id = refund(manager_client, payment, "600.00").json()["id"]

    response = decide(manager_client, waiting_id, "approved")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_record"
    assert Refund.objects.get(pk=waiting_id).status == "awaiting_approval"
    assert RefundApproval.objects.count() == 1
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("0.00")
    assert provider.records("refunds") == {}


def test_a_second_manager_approves_and_the_refund_is_carried_out(
    customer, manager, manager_client, second_manager, payment, provider, run_on_commit
):
    waiting_id = refund(manager_client, payment, "600.00").json()["id"]

    with run_on_commit():
        response = decide(client_for(second_manager), waiting_id, "approved")

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    done = Refund.objects.get(pk=waiting_id)
    assert done.status == "completed"
    approvals = RefundApproval.objects.filter(refund=done).order_by("created_at")
    assert [(row.decided_by_id, row.decision, row.final) for row in approvals] == [
        (manager.pk, "approved", False),
        (second_manager.pk, "approved", True),
    ]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("600.00"))
    assert refund_rows(payment) == [Decimal("-600.00")]
    assert list(provider.records("refunds")) == [str(done.pk)]
    order = orders_selectors.order_get(user=customer, order_id=payment.payable_id)
    assert order.paid_amount == Decimal("400.00")


def test_a_rejected_refund_frees_its_amount(
    manager_client, second_manager, payment, provider, run_on_commit
):
    waiting_id = refund(manager_client, payment, "600.00").json()["id"]

    response = decide(client_for(second_manager), waiting_id, "rejected", "Not our fault")

    assert response.status_code == 200
    assert Refund.objects.get(pk=waiting_id).status == "rejected"
    assert RefundApproval.objects.filter(final=True).get().decision == "rejected"
    assert provider.records("refunds") == {}
    # then: the whole payment can be refunded again (up to the threshold at once)
    with run_on_commit():
        again = refund(manager_client, payment, str(THRESHOLD))
    assert again.status_code == 201
    payment.refresh_from_db()
    assert payment.refunded_amount == THRESHOLD
    assert refund_rows(payment) == [-THRESHOLD]


def test_a_refund_decided_already_cannot_be_decided_again(
    manager_client, second_manager, payment, provider, run_on_commit
):
    waiting_id = refund(manager_client, payment, "600.00").json()["id"]
    second = client_for(second_manager)
    with run_on_commit():
        decide(second, waiting_id, "approved")

    again = decide(second, waiting_id, "rejected")

    assert again.status_code == 409
    assert Refund.objects.get(pk=waiting_id).status == "completed"
    assert RefundApproval.objects.count() == 2
    assert len(provider.records("refunds")) == 1


def test_a_client_cannot_decide_a_refund(manager_client, customer_client, payment, provider):
    waiting_id = refund(manager_client, payment, "600.00").json()["id"]

    response = decide(customer_client, waiting_id, "approved")

    assert response.status_code == 403
    assert Refund.objects.get(pk=waiting_id).status == "awaiting_approval"
    assert RefundApproval.objects.count() == 1


def test_the_cancellation_saga_refunds_above_the_threshold_without_waiting(
    customer, payment, provider, run_on_commit
):
    with run_on_commit():
        orders_services.order_status_set(
            order_id=payment.payable_id, status="cancelled", user=customer
        )

    made = Refund.objects.get()
    assert (made.status, made.amount, made.created_by_id) == (
        "completed",
        Decimal("1000.00"),
        None,
    )
    assert not RefundApproval.objects.exists()
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("1000.00"))
    assert refund_rows(payment) == [Decimal("-1000.00")]
