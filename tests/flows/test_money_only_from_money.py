"""Money only from money (docs/security.md, "Money only from money"): the attacks a security
review of the deal made, each as it was found, and the books afterwards. The ledger records
only money a verified source moved, and every four-eyes threshold guards a total."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import OutboxEvent as AccountsOutbox
from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from common.events.signing import sign
from common.tasks import event_deliver_task, event_dispatch_task
from conftest import client_for, run_concurrently
from financing.models import ApplicationDecision, LoanApplication
from financing.reasons import reason_label
from financing.tests.factories import application_make, car_order_make, lender_has_it, terms
from insurance import services as insurance_services
from insurance.models import Claim
from insurance.tests.factories import policy_make, vehicle_order_make
from orders.models import Order, OrderItem
from orders.tests.factories import order_make, vehicle_make
from payments.models import InboxEvent as PaymentsInbox
from payments.models import LedgerTransaction, Refund
from payments.tests.factories import paid_order_of
from showroom.models import TestDrive
from showroom.tests.factories import resource_make, tomorrow_at
from tests.forgeries import forged_disbursement

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def second_manager(db):
    return UserFactory(role="manager")


def ledger_rows(order_id) -> list:
    return list(LedgerTransaction.objects.filter(payable_id=order_id).values_list("type", "amount"))


# 1. A CAR PAID BY NOBODY
# ------------------------------------------------------------------------------
def test_an_unverified_account_with_no_down_payment_and_a_made_up_income_gets_no_loan_by_itself(
    run_on_commit,
):
    buyer = UserFactory(email_verified_at=None)
    order = car_order_make(buyer, "3450000.00")

    with run_on_commit():
        response = client_for(buyer).post(
            "/api/v1/financing/applications/",
            {
                "order_id": str(order.pk),
                **terms(
                    vehicle_price="3450000.00",
                    down_payment="0.00",
                    employment_status="unemployed",
                    monthly_income="99999999.00",
                    existing_monthly_debts="0.00",
                ),
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    application = LoanApplication.objects.get(pk=response.json()["id"])
    assert application.status == "pending_review"  # a person decides, not the declared income
    assert application.sent_to_lender_at is None and application.disbursed_at is None
    reasons = " ".join(reason_label(item) for item in application.reasons)
    assert "income counts up to 1,000,000\xa0RUB" in reasons
    assert "above 3,000,000\xa0RUB" in reasons
    assert "down payment under 10%" in reasons
    assert "without a verified e-mail" in reasons
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert ledger_rows(order.pk) == []


@pytest.mark.parametrize(
    ("fields", "held"),
    [
        ({"email_verified_at": None}, "without a verified e-mail"),
        ({"down_payment": "50000.00"}, "down payment under 10%"),
    ],
)
def test_scoring_approves_by_itself_only_within_its_limits(fields, held):
    buyer = UserFactory(email_verified_at=fields.pop("email_verified_at", "2026-01-01T00:00Z"))

    application = application_make(buyer, **fields)

    assert application.status == "pending_review"
    assert any(held in reason_label(item) for item in application.reasons)


def test_the_calculator_shows_an_unverified_buyer_what_scoring_leaves_to_a_manager():
    response = client_for(UserFactory(email_verified_at=None)).post(
        "/api/v1/financing/calculator", terms(), format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "pending_review"


# 2. A STAFF MEMBER DISBURSED THEIR OWN LOAN
# ------------------------------------------------------------------------------
def disburse(client, application, reference="MADE-UP-1"):
    return client.post(
        reverse("financing-application-disburse", args=[application.pk]),
        {"amount": str(application.loan_amount), "reference": reference},
        format="json",
    )


def test_a_disbursement_on_a_loan_never_sent_to_a_lender_is_refused(manager, run_on_commit):
    own = application_make(manager)  # a manager's own order, approved by scoring
    other = application_make(UserFactory())

    with run_on_commit():
        by_self = disburse(client_for(manager), own)
        by_hand = disburse(client_for(manager), other)

    assert by_self.status_code == by_hand.status_code == 409
    assert by_hand.json()["error"]["code"] == "disbursement_not_by_hand"
    for application in (own, other):
        application.refresh_from_db()
        assert (application.status, application.disbursement_reference) == ("approved", None)
        assert Order.objects.get(pk=application.order_id).status == "pending"
        assert ledger_rows(application.order_id) == []


def test_the_applicant_cannot_record_the_disbursement_of_their_own_loan(manager, run_on_commit):
    own = application_make(manager)
    lender_has_it(own)  # with the manual lender, whose money staff record

    with run_on_commit():
        response = disburse(client_for(manager), own)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_record"
    own.refresh_from_db()
    assert (own.status, own.disbursement_reference) == ("approved", None)
    assert ledger_rows(own.order_id) == []


def test_a_large_disbursement_by_hand_takes_a_second_staff_member_with_the_same_reference(
    settings, manager, second_manager, run_on_commit
):
    settings.FINANCING_SECOND_APPROVAL_ABOVE = Decimal("500000")
    application = application_make(UserFactory())  # 800,000.00
    lender_has_it(application)

    with run_on_commit():
        first = disburse(client_for(manager), application, "BANK-7")
        again = disburse(client_for(manager), application, "BANK-7")
        other = disburse(client_for(second_manager), application, "BANK-8")
    application.refresh_from_db()
    assert (first.status_code, again.status_code, other.status_code) == (200, 403, 200)
    assert (application.status, application.disbursement_reference) == ("approved", None)
    assert ledger_rows(application.order_id) == []

    with run_on_commit():
        second = disburse(client_for(second_manager), application, "BANK-7")

    assert second.status_code == 200
    application.refresh_from_db()
    assert (application.status, application.disbursement_reference) == ("disbursed", "BANK-7")
    records = ApplicationDecision.objects.filter(application=application)
    assert sorted(records.values_list("reference", "final")) == [
        ("BANK-7", False),
        ("BANK-7", True),
        ("BANK-8", False),
    ]
    assert ledger_rows(application.order_id) == [("loan_disbursement", Decimal("800000.00"))]


# 3. FOUR EYES ON REFUNDS SPLIT
# ------------------------------------------------------------------------------
def refund(client, payment, amount: str):
    return client.post(
        reverse("payments-refund", args=[payment.pk]), {"amount": amount, "reason": "Goodwill"}
    )


def test_two_refunds_at_the_threshold_do_not_both_complete_alone(
    settings, customer, manager_client, provider, run_on_commit
):
    settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal("100000")
    _order, payment = paid_order_of(customer, run_on_commit, price="300000.00")

    with run_on_commit():
        first = refund(manager_client, payment, "100000.00")
        second = refund(manager_client, payment, "100000.00")

    assert (first.status_code, second.status_code) == (201, 202)
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("100000.00")
    assert Refund.objects.get(pk=second.json()["id"]).status == "awaiting_approval"


# 4. CLAIMS PAST THE COVERAGE
# ------------------------------------------------------------------------------
def claim(user, policy, amount: str):
    return client_for(user).post(
        f"/api/v1/insurance/policies/{policy.pk}/claims",
        {
            "incident_date": str(policy.start_date),
            "description": "Hail",
            "amount_claimed": amount,
        },
        format="json",
    )


def test_claims_on_a_policy_stay_within_its_coverage(customer):
    policy = policy_make(
        customer, vehicle_order_make(customer, "3990000.00"), coverage_amount=Decimal("3990000.00")
    )

    answers = [claim(customer, policy, "499000.00").status_code for _ in range(9)]

    assert answers == [201] * 7 + [400] * 2
    claimed = sum(Claim.objects.filter(policy=policy).values_list("amount_claimed", flat=True))
    assert claimed == Decimal("3493000.00") <= policy.coverage_amount


def test_the_second_approver_cannot_raise_the_amount_alone(
    settings, customer, manager, second_manager
):
    settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE = Decimal("500000")
    policy = policy_make(
        customer, vehicle_order_make(customer, "3990000.00"), coverage_amount=Decimal("3990000.00")
    )
    filed = insurance_services.claim_file(
        policy_id=policy.pk,
        user=customer,
        incident_date=policy.start_date,
        description="Total loss",
        amount_claimed=Decimal("3000000.00"),
    )

    for user, amount in ((manager, "600000.00"), (second_manager, "3000000.00")):
        insurance_services.claim_decide(
            claim_id=filed.pk,
            user=user,
            decision="approved",
            reason="Assessed",
            amount_approved=Decimal(amount),
        )

    filed.refresh_from_db()
    assert (filed.status, filed.amount_approved) == ("filed", None)  # it starts over
    insurance_services.claim_decide(
        claim_id=filed.pk,
        user=manager,
        decision="approved",
        reason="Agreed",
        amount_approved=Decimal("3000000.00"),
    )
    filed.refresh_from_db()
    assert (filed.status, filed.amount_approved) == ("approved", Decimal("3000000.00"))


def test_staff_cannot_decide_a_claim_they_filed(manager, manager_client, customer):
    policy = policy_make(customer)
    filed = insurance_services.claim_file(
        policy_id=policy.pk,
        user=manager,
        incident_date=policy.start_date,
        description="Filed at the desk",
        amount_claimed=Decimal("1000.00"),
    )

    response = manager_client.post(
        f"/api/v1/insurance/claims/{filed.pk}/decision",
        {"decision": "approved", "reason": "Mine", "amount_approved": "1000.00"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_record"
    filed.refresh_from_db()
    assert (filed.status, filed.amount_approved) == ("filed", None)


# CONCURRENCY
# ------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_twenty_refunds_of_99000_at_once_complete_at_most_the_threshold_alone(
    settings, customer, manager, provider, run_on_commit
):
    settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE = Decimal("100000")
    _order, payment = paid_order_of(customer, run_on_commit, price="3000000.00")

    statuses = run_concurrently(
        20, lambda: refund(client_for(manager), payment, "99000.00").status_code
    )

    assert sorted(statuses) == [201] + [202] * 19
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("99000.00")
    assert Refund.objects.filter(status="completed").count() == 1
    assert Refund.objects.filter(status="awaiting_approval").count() == 19


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_twenty_claims_at_once_on_one_policy_stay_within_its_coverage(customer):
    policy = policy_make(
        customer, vehicle_order_make(customer, "3990000.00"), coverage_amount=Decimal("3990000.00")
    )

    statuses = run_concurrently(20, lambda: claim(customer, policy, "499000.00").status_code)

    assert sorted(statuses) == [201] * 7 + [400] * 13
    claimed = sum(Claim.objects.filter(policy=policy).values_list("amount_claimed", flat=True))
    assert claimed == Decimal("3493000.00")


# A POLICY ON A CAR NOBODY PAID FOR
# ------------------------------------------------------------------------------
def test_a_policy_on_an_unpaid_order_covers_nothing_until_the_car_is_paid(customer):
    policy = policy_make(customer, car_paid=False)  # the premium paid, the car not
    assert (policy.status, policy.cover_starts_on) == ("active", None)

    refused = claim(customer, policy, "1390000.00")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "cover_not_started"
    assert not Claim.objects.filter(policy=policy).exists()
    shown = client_for(customer).get(f"/api/v1/insurance/policies/{policy.pk}/").json()
    assert shown["cover_starts_on"] is None

    insurance_services.order_policies_car_paid(order_id=policy.order_id)  # as orders reports

    policy.refresh_from_db()
    assert policy.cover_starts_on == policy.start_date is not None
    assert claim(customer, policy, "1000.00").status_code == 201


def test_the_cover_starts_when_orders_reports_the_car_paid(customer, provider, run_on_commit):
    order = vehicle_order_make(customer)
    policy = policy_make(customer, order, car_paid=False)

    with run_on_commit():
        client_for(customer).post(
            reverse("payments-list"),
            {"order_id": str(order.pk), "amount": str(order.total_amount), "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"pay-{order.pk}",
        )

    assert Order.objects.get(pk=order.pk).status == "paid"
    policy.refresh_from_db()
    assert policy.car_paid_at is not None and policy.cover_starts_on is not None


# MONEY GOING BACK CHANGES STATE
# ------------------------------------------------------------------------------
def test_a_premium_refunded_in_full_cancels_the_policy(customer):
    policy = policy_make(customer)

    insurance_services.policy_premium_paid(  # payments reports the premium gone back
        policy_id=policy.pk, paid_amount=Decimal("0.00"), version=policy.paid_version + 1
    )

    policy.refresh_from_db()
    assert (policy.status, policy.refund_amount) == ("cancelled", Decimal("0.00"))
    assert claim(customer, policy, "1000.00").status_code == 409


def test_an_order_refunded_below_its_total_owes_again_and_in_full_is_cancelled(
    customer, manager_client, provider, run_on_commit
):
    order, payment = paid_order_of(customer, run_on_commit, price="90000.00")
    whole, whole_payment = paid_order_of(customer, run_on_commit, price="60000.00")

    with run_on_commit():
        part = refund(manager_client, payment, "40000.00")
        all_of_it = refund(manager_client, whole_payment, "60000.00")

    assert (part.status_code, all_of_it.status_code) == (201, 201)
    order.refresh_from_db()
    whole.refresh_from_db()
    assert (order.status, order.paid_amount) == ("pending", Decimal("50000.00"))
    assert (whole.status, whole.paid_amount) == ("cancelled", Decimal("0.00"))
    assert list(order.history.values_list("to_status", "reason")) == [
        ("pending", ""),
        ("paid", "Paid in full"),
        ("pending", "Refunded below its total"),
    ]
    assert whole.history.last().reason == "Refunded in full"


# 5. FORGED EVENTS
# ------------------------------------------------------------------------------
def test_a_worker_acts_on_no_event_without_a_valid_signature(customer, caplog):
    application = application_make(customer)
    event, names = forged_disbursement(application)
    genuine = application_make(customer)  # a message the relay did sign, for another loan
    signed_event, _ = forged_disbursement(genuine)
    replayed = {**signed_event, "payload": event["payload"]}  # its signature, this payload

    outcomes = [
        event_dispatch_task.apply(args=[event, names]).get(),  # unsigned
        event_dispatch_task.apply(args=[event, names], kwargs={"signature": "0" * 64}).get(),
        event_dispatch_task.apply(
            args=[replayed, names], kwargs={"signature": sign(signed_event, names)}
        ).get(),
        event_deliver_task.apply(args=[names[0], event]).get(),  # a retry, unsigned
    ]

    assert outcomes == [{}, {}, {}, False]
    refusals = [r for r in caplog.records if "signature does not hold" in r.getMessage()]
    assert len(refusals) == 4
    assert all(event["id"] in r.getMessage() for r in refusals[:2])
    for loan in (application, genuine):
        assert LedgerTransaction.objects.filter(loan_application_id=loan.pk).count() == 0
        assert Order.objects.get(pk=loan.order_id).status == "pending"
        assert PaymentsInbox.objects.count() == 0


def test_the_same_event_signed_by_the_relay_is_applied(customer):
    application = application_make(customer)
    event, names = forged_disbursement(application)

    results = event_dispatch_task.apply(
        args=[event, names], kwargs={"signature": sign(event, names)}
    ).get()

    assert results and all(results.values())  # the check above refuses only the signature
    assert LedgerTransaction.objects.filter(loan_application_id=application.pk).count() == 1


# 7. HOLDS
# ------------------------------------------------------------------------------
def test_forty_cars_are_not_held_by_raising_a_quantity(settings, customer):
    settings.ORDERS_MAX_UNPAID_VEHICLES = 2
    car = vehicle_make(price="1100000.00")  # one car, one unit
    order = order_make(customer, (car, 1))
    item = order.line_items[0]

    response = client_for(customer).patch(
        f"/api/v1/orders/{order.pk}/items/{item.pk}/", {"quantity": 40}, format="json"
    )

    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "unpaid_vehicle_limit"
    assert OrderItem.objects.get(pk=item.pk).quantity == 1
    car.refresh_from_db()
    assert car.stock_quantity == 0  # the one unit the order held, and no more


def test_holding_a_vehicle_or_booking_a_test_drive_needs_a_verified_email():
    throwaway = UserFactory(email_verified_at=None)
    car = vehicle_make()
    vehicle_id = uuid.uuid4()
    resource_make(name="Demo", vehicle_id=vehicle_id)
    start = tomorrow_at(10)

    ordered = client_for(throwaway).post(
        "/api/v1/orders/", {"items": [{"product_id": str(car.pk), "quantity": 1}]}, format="json"
    )
    booked = client_for(throwaway).post(
        "/api/v1/showroom/test-drives/",
        {
            "vehicle_id": str(vehicle_id),
            "start_time": start.isoformat(),
            "end_time": (start + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )

    assert (ordered.status_code, booked.status_code) == (403, 403)
    assert ordered.json()["error"]["code"] == booked.json()["error"]["code"] == "email_not_verified"
    assert not Order.objects.filter(customer_id=throwaway.pk).exists()
    assert not TestDrive.objects.filter(user_id=throwaway.pk).exists()
    car.refresh_from_db()
    assert car.stock_quantity == 1


# 6. AN ACCOUNT TAKEN OVER FROM A STOLEN ACCESS TOKEN
# ------------------------------------------------------------------------------
def test_a_stolen_access_token_alone_cannot_move_the_account_to_another_mailbox(
    django_capture_on_commit_callbacks,
):
    victim = UserFactory(email="victim@example.com")
    stolen = client_for(victim)  # an access token of a session not signed in just now

    with django_capture_on_commit_callbacks(execute=True):
        bare = stolen.patch("/api/v1/users/me", {"email": "thief@example.com"}, format="json")
        wrong = stolen.patch(
            "/api/v1/users/me",
            {"email": "thief@example.com", "current_password": "guessed"},
            format="json",
        )

    assert (bare.status_code, wrong.status_code) == (403, 403)
    assert bare.json()["error"]["code"] == "reauthentication_required"
    assert User.objects.get(pk=victim.pk).email == "victim@example.com"
    assert not AccountsOutbox.objects.filter(type="user.email_change_requested").exists()
    assert not [m for m in mail.outbox if "thief@example.com" in m.to]

    with django_capture_on_commit_callbacks(execute=True):
        owner = stolen.patch(
            "/api/v1/users/me",
            {"email": "new@example.com", "current_password": PASSWORD},
            format="json",
        )

    assert owner.status_code == 200, owner.json()
    assert AccountsOutbox.objects.filter(type="user.email_change_requested").count() == 1
    assert User.objects.get(pk=victim.pk).email == "victim@example.com"  # until confirmed
