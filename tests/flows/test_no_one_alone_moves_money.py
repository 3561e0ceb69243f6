"""The money rule as a property of every path (docs/security.md, "Money only from money"):
random sequences of API calls by a customer, two managers, an admin and the payment
provider (the fake one, which captures what it is asked to) on one car's order: the order's
item (its quantity), payments, refunds, trade-ins (submit, offer, accept, decline, withdraw,
inspect), a loan from the manual lender (applied for, its disbursement recorded by staff),
KASKO (quoted, bought, its premium paid), claims on it (filed, approved or rejected) and
status changes.
After every step the databases must say:

- no order is `paid`, `processing` or `completed` unless verified money covers its total:
  charges the provider captured, less refunds, trade-in credits that the customer accepted
  and staff inspected, and the customer's own loan that a lender paid;
- one staff member acting alone (the customer placing the order, then nobody else doing
  anything) never makes the order paid;
- the order's paid amount is its ledger, to the kopeck;
- no payment's refunds pass the four-eyes threshold without two people's approval, and no
  policy's approved claims pass theirs without two people's.

`make test` runs a dozen sequences (tests/properties.py); `make soak` 150 of each machine,
not the other properties' 500: a sequence is a dozen API calls with their events, some
1.4 s, and 500 of each would add a quarter of an hour to the soak."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.tests.factories import UserFactory
from conftest import client_for
from financing.models import LoanApplication
from financing.tests.factories import terms
from insurance.models import Claim, Policy
from insurance.tests.factories import insured_vehicle_make
from orders.models import Order, OrderItem
from orders.tests.factories import order_make, product_make
from payments.models import LedgerTransaction, Payment, Refund, RefundApproval
from tests.properties import PROPERTY_EXAMPLES
from tradein.models import TradeIn
from tradein.tests import factories as tradein_factories

pytestmark = [pytest.mark.sized, pytest.mark.django_db(transaction=True, databases="__all__")]

SOAK_SEQUENCES = 150
PRICE = Decimal("1000000.00")  # one trade-in credit under the threshold could cover it
PAID = ("paid", "processing", "completed")
CAPTURED = ("completed", "partially_refunded", "refunded")  # a payment's, once the provider took it
APPROVED = ("pending", "completed")  # a refund's, once decided: sent to the provider, or done
AMOUNTS = st.sampled_from(["400000.00", "1000000.00", "1400000.00", "1600000.00"])
STATUSES = st.sampled_from(["paid", "processing", "completed", "cancelled", "pending"])
STAFF = st.sampled_from(["manager", "second manager", "admin"])
# Around the claims' four-eyes threshold (INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE, 500,000):
# two under it that pass it together, and one over it alone.
CLAIMED = st.sampled_from(["300000.00", "450000.00", "600000.00"])
TRADE_IN_STEPS = st.sampled_from(["accept", "decline", "withdraw"])
# A trade-in's statuses after which another may be put forward: the review's bypass credited
# one order three times, each under the threshold.
SETTLED = ("inspected", "declined", "withdrawn", "expired")


def ledger_net(order_id) -> Decimal:
    """The order's ledger: charges, credits and disbursements in, refunds (negative) out."""
    rows = LedgerTransaction.objects.filter(payable_id=order_id).values_list("amount", flat=True)
    return sum(rows, Decimal(0))


def verified_money(order: Order) -> Decimal:
    """What verified sources moved for the order: the provider's captures less refunds, and
    credits of trade-ins their customer accepted and staff inspected, and the loans of the
    customer's own application that a lender paid."""
    payments = Payment.objects.filter(payable_id=order.pk, status__in=CAPTURED)
    captured = sum((p.amount for p in payments), Decimal(0))
    refunded = sum(
        (r.amount for r in Refund.objects.filter(payment__in=payments, status="completed")),
        Decimal(0),
    )
    credits = TradeIn.objects.filter(
        order_id=order.pk,
        customer_id=order.customer_id,
        status__in=("inspected", "completed"),
        accepted_at__isnull=False,
        inspected_by_id__isnull=False,
    )
    loans = LoanApplication.objects.filter(
        order_id=order.pk, customer_id=order.customer_id, disbursed_at__isnull=False
    ).exclude(status="returned")
    return (
        captured
        - refunded
        + sum((t.offer_amount or Decimal(0) for t in credits), Decimal(0))
        + sum((loan.loan_amount for loan in loans), Decimal(0))
    )


class Deal(RuleBasedStateMachine):
    """One car's order and everyone who can touch its money. `alone` names the staff
    member who, in the one-person runs, takes every step after the customer's order."""

    alone: str | None = None

    def __init__(self):
        super().__init__()
        self.people = {
            "customer": UserFactory(),
            "manager": UserFactory(role="manager"),
            "second manager": UserFactory(role="manager"),
            "admin": UserFactory(role="admin"),
        }
        # A car KASKO prices (insurance/tests), and an accessory whose quantity may change.
        car = insured_vehicle_make(price=str(PRICE))
        mats = product_make(stock=3, price="15000.00")
        self.order = order_make(self.people["customer"], (car, 1), (mats, 1))
        self.item = OrderItem.objects.get(order=self.order, product_id=mats.pk)
        self.policy: str | None = None
        self.claims: list[str] = []
        self.trade_ins: list[str] = []
        self.loan: str | None = None
        self.payments: list[str] = []
        self.keys = 0
        self.handed_over = False  # seen completed: what is refunded after it is after-sale

    def client(self, who: str):
        return client_for(self.people[self.alone or who])

    def key(self) -> str:
        self.keys += 1
        return f"{self.order.pk}-{self.keys}"

    def trade_in_now(self) -> str | None:
        """The status of the latest trade-in put forward, if any: each step below is tried
        only where it could do something, so that a run reaches deep sequences."""
        if not self.trade_ins:
            return None
        return TradeIn.objects.get(pk=self.trade_ins[-1]).status

    def policy_now(self) -> str | None:
        return Policy.objects.get(pk=self.policy).status if self.policy else None

    def claim_now(self) -> str | None:
        return Claim.objects.get(pk=self.claims[-1]).status if self.claims else None

    # THE STEPS
    # --------------------------------------------------------------------------
    @precondition(lambda self: self.trade_in_now() in (None, *SETTLED))
    @rule(who=st.sampled_from(["customer", "manager"]))
    def submit_a_trade_in(self, who):
        car = {**tradein_factories.OLD_CAR, "vin": tradein_factories.vin_make()}
        answer = self.client(who).post(
            "/api/v1/trade-ins/", {**car, "order_id": str(self.order.pk)}, format="json"
        )
        if answer.status_code == 201:
            self.trade_ins.append(answer.json()["id"])

    @precondition(lambda self: self.trade_in_now() == "submitted")
    @rule(who=STAFF, amount=AMOUNTS)
    def offer(self, who, amount):
        self.client(who).post(
            f"/api/v1/trade-ins/{self.trade_ins[-1]}/offer",
            {"amount": amount, "valid_until": (timezone.now() + timedelta(days=3)).isoformat()},
            format="json",
        )

    @precondition(lambda self: self.trade_in_now() in ("offered", "accepted"))
    @rule(who=st.sampled_from(["customer", "manager", "admin"]), step=TRADE_IN_STEPS)
    def customers_step(self, who, step):
        self.client(who).post(f"/api/v1/trade-ins/{self.trade_ins[-1]}/{step}")

    @precondition(lambda self: self.trade_in_now() == "accepted")
    @rule(who=STAFF)
    def inspect(self, who):
        self.client(who).post(
            f"/api/v1/trade-ins/{self.trade_ins[-1]}/inspect",
            {"mileage_km": 150000, "findings": "As described."},
            format="json",
        )

    # Money from the customer's card: not one staff member's doing.
    @precondition(lambda self: not self.alone)
    @rule(amount=st.sampled_from(["100000.00", "700000.00", "the balance"]))
    def customer_pays(self, amount):
        if amount == "the balance":
            order = Order.objects.get(pk=self.order.pk)
            amount = str(max(order.total_amount - order.paid_amount, Decimal("0.01")))
        answer = client_for(self.people["customer"]).post(
            "/api/v1/payments/",
            {"order_id": str(self.order.pk), "amount": amount, "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )
        if answer.status_code in (200, 201):
            self.payments.append(answer.json()["id"])

    @precondition(lambda self: bool(self.payments))
    @rule(who=STAFF, amount=st.sampled_from(["50000.00", "100000.00", "150000.00"]))
    def refund(self, who, amount):
        self.client(who).post(
            f"/api/v1/payments/{self.payments[-1]}/refund",
            {"amount": amount, "reason": "Asked for"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )

    @rule(who=st.sampled_from(["customer", "manager", "admin"]), status=STATUSES)
    def status_change(self, who, status):
        self.client(who).post(
            f"/api/v1/orders/{self.order.pk}/status",
            {"status": status, "reason": "Because"},
            format="json",
        )

    @precondition(lambda self: self.loan is None)
    @rule(who=st.sampled_from(["customer", "manager"]))
    def apply_for_a_loan(self, who):
        answer = self.client(who).post(
            "/api/v1/financing/applications/",
            {"order_id": str(self.order.pk), **terms(vehicle_price=str(PRICE))},
            format="json",
        )
        if answer.status_code == 201:
            self.loan = answer.json()["id"]

    @precondition(lambda self: self.loan is not None)
    @rule(who=STAFF)
    def record_the_disbursement(self, who):
        loan = LoanApplication.objects.get(pk=self.loan)
        self.client(who).post(
            f"/api/v1/financing/applications/{self.loan}/disburse",
            {"amount": str(loan.loan_amount), "reference": "BANK-1"},
            format="json",
        )

    @rule(who=st.sampled_from(["customer", "manager", "admin"]), quantity=st.sampled_from([1, 3]))
    def change_the_quantity(self, who, quantity):
        self.client(who).patch(
            f"/api/v1/orders/{self.order.pk}/items/{self.item.pk}/",
            {"quantity": quantity},
            format="json",
        )

    @precondition(lambda self: self.policy is None)
    @rule(who=st.sampled_from(["customer", "manager"]))
    def buy_kasko(self, who):
        quote = self.client(who).post(
            "/api/v1/insurance/quotes/",
            {
                "order_id": str(self.order.pk),
                "insurance_type": "kasko",
                "coverage_amount": "1000000.00",
            },
            format="json",
        )
        if quote.status_code != 201:
            return
        bought = self.client(who).post(f"/api/v1/insurance/quotes/{quote.json()['id']}/purchase")
        if bought.status_code == 201:
            self.policy = bought.json()["id"]

    # The premium from the customer's card, as the car's price above.
    @precondition(lambda self: self.policy is not None and not self.alone)
    @rule()
    def customer_pays_the_premium(self):
        policy = Policy.objects.get(pk=self.policy)
        client_for(self.people["customer"]).post(
            "/api/v1/payments/",
            {"policy_id": self.policy, "amount": str(policy.premium), "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )

    @precondition(lambda self: self.policy_now() == "active")
    @rule(who=st.sampled_from(["customer", "manager"]), amount=CLAIMED)
    def file_a_claim(self, who, amount):
        answer = self.client(who).post(
            f"/api/v1/insurance/policies/{self.policy}/claims",
            {
                "incident_date": timezone.localdate().isoformat(),
                "description": "A dent in the door",
                "amount_claimed": amount,
            },
            format="json",
        )
        if answer.status_code == 201:
            self.claims.append(answer.json()["id"])

    @precondition(lambda self: self.claim_now() == "filed")
    @rule(who=STAFF, approve=st.booleans())
    def decide_the_claim(self, who, approve):
        claim = Claim.objects.get(pk=self.claims[-1])
        body = {"decision": "approved" if approve else "rejected", "reason": "Checked"}
        if approve:
            body["amount_approved"] = str(claim.amount_claimed)
        self.client(who).post(f"/api/v1/insurance/claims/{claim.pk}/decision", body, format="json")

    # WHAT ALWAYS HOLDS
    # --------------------------------------------------------------------------
    @invariant()
    def paid_only_by_verified_money(self):
        """No order reaches paid, processing or completed but by verified money. A completed
        order stays so when money goes back after the handover, by design (an after-sale
        refund, under four eyes past its threshold: orders.services.status), so it is held
        to its money when it is first seen completed, not after."""
        order = Order.objects.get(pk=self.order.pk)
        if order.status in PAID and not self.handed_over:
            assert verified_money(order) >= order.total_amount, (order.status, self.trade_ins)
        self.handed_over = self.handed_over or order.status == "completed"
        if self.alone:
            assert order.status not in PAID, f"{self.alone} alone made the order {order.status}"

    @invariant()
    def the_paid_amount_is_the_ledger(self):
        order = Order.objects.get(pk=self.order.pk)
        assert order.paid_amount == ledger_net(order.pk)

    @invariant()
    def refunds_past_the_threshold_took_two_people(self):
        """Each refund staff asked for that takes a payment's refunds past the threshold was
        approved by two people. (A cancelled order's refunds, which the system makes, go back
        to the card they came from and need nobody's approval.)"""
        threshold = django_settings.PAYMENTS_REFUND_SECOND_APPROVAL_ABOVE
        for payment in Payment.objects.filter(payable_id=self.order.pk):
            refunded = Decimal(0)
            approved = Refund.objects.filter(
                payment=payment, created_by_id__isnull=False, status__in=APPROVED
            ).order_by("created_at")
            for refund in approved:
                refunded += refund.amount
                deciders = RefundApproval.objects.filter(refund=refund).values_list(
                    "decided_by_id", flat=True
                )
                assert refunded <= threshold or len(set(deciders)) >= 2, refund.pk

    @invariant()
    def claims_past_the_threshold_took_two_people(self):
        """Each approved claim that takes what its policy pays out past the threshold was
        approved by two people."""
        threshold = django_settings.INSURANCE_CLAIM_SECOND_APPROVAL_ABOVE
        for policy in Policy.objects.filter(order_id=self.order.pk):
            paid_out = Decimal(0)
            for claim in Claim.objects.filter(policy=policy, status="approved").order_by(
                "decided_at"
            ):
                paid_out += claim.amount_approved
                approvers = claim.decisions.filter(decision="approved").values_list(
                    "decided_by_id", flat=True
                )
                assert paid_out <= threshold or len(set(approvers)) >= 2, claim.pk


class OneManagerAlone(Deal):
    alone = "manager"


class InsuredDeal(Deal):
    """The deal after the customer paid the car and a KASKO policy's premium, all through
    the API: claims come only on a policy that covers, which random sequences from the start
    reach once in dozens."""

    def __init__(self):
        super().__init__()
        self.customer_pays("the balance")
        self.buy_kasko("customer")
        self.customer_pays_the_premium()
        assert self.policy_now() == "active", self.policy_now()


@pytest.mark.parametrize(
    "machine", [Deal, OneManagerAlone, InsuredDeal], ids=["everyone", "one-manager", "insured"]
)
def test_no_one_alone_makes_a_car_paid_and_the_books_add_up(machine, provider, settings):
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("1500000")
    settings.FINANCING_LENDER = "manual"  # the lender pays by transfer; staff record it
    run_state_machine_as_test(
        machine,
        settings=hypothesis_settings(
            max_examples=min(PROPERTY_EXAMPLES, SOAK_SEQUENCES),
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
