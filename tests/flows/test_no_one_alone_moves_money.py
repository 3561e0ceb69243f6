"""The money rule as a property of every path of the deal (docs/security.md, "Money only from
money"; docs/deal.md, "Where the paths meet"): random sequences of calls by a customer, two
managers, an admin, the payment provider (the fake one, which captures what it is asked to),
the partner banks (the demo banks, and two HTTP banks that call back signed) and the relay
that carries the events, on one order (a car and its mats, a car and twenty mats, or
accessories only):

- the order's items (their quantity), card payments (a prepayment, what is due, the
  balance), refunds and their second approval, status changes and cancellation;
- trade-ins (submit, offer, accept, decline, withdraw, inspect);
- the loan: applied for (after a prepayment, with a larger down payment), decided by staff,
  given up by the buyer, sent to the banks with the dealer's credit discount, the banks'
  offers and refusals, the buyer's choice, their signed `disbursed` from the chosen bank and
  from another, with the right amount and a wrong one; a disbursement recorded by hand for
  the manual lender, and a lender's overpayment returned;
- insurance: KASKO bought and its premium paid, OSAGO quoted on the order's page and bought
  by the API or by the page's button, claims filed and decided;
- the relay falling behind (events wait in the outboxes and arrive late, one app's at a
  time, in another order than they were emitted) and catching up.

After every step the databases must say:

- the order's verified money (charges the provider captured less refunds, trade-in credits
  the customer accepted and staff inspected, a loan its lender paid: the chosen bank by its
  signed callback, the manual lender as staff recorded it under four eyes, a demo bank's
  lender by itself) never passes its total, and covers it before the order is `paid`,
  `processing` or `completed`;
- one staff member acting alone (the customer placing the order, then nobody else doing
  anything) never makes the order paid;
- the order's paid amount is its ledger, to the kopeck (a lender's money held to return is
  not in either), and so is the deal at a glance;
- a loan's schedule is its amount, and the chosen offer's; the schedule document in force
  states the chosen offer's loan;
- a credit discount only on an order with a car, and only while its approved loan stands;
- the policy bought by a button is the quote whose button it was, at its premium;
- no payment's refunds pass the four-eyes threshold without two people's approval, and no
  policy's approved claims pass theirs without two people's.

What needs the events delivered is checked whenever the relay has caught up; the schedule
document in the runs whose dealership signs papers (each is a PDF).

`make test` runs 15 sequences of 20 steps of the whole deal and a dozen of 12 steps of the
other two machines (tests/properties.py); `make soak` 500 and 150 (a sequence of the whole
deal takes some 2.5 s with its events). Each finding of the review of issue 82 is replayed
below as the machine's rules in a fixed order, and so is each way past the total the machine
found beyond them."""

import itertools
import json
import uuid
from contextlib import contextmanager, suppress
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from common.api.exceptions import ApplicationError
from common.events import publishing
from common.events.registry import outbox_apps
from conftest import client_for
from documents import demo as documents_demo
from documents.models import Document, LegalEntity
from documents.tests.factories import legal_entity_make
from financing import services as financing_services
from financing.banks.http import signed_headers
from financing.models import (
    ApplicationDecision,
    Bank,
    BankCallback,
    BankOffer,
    BankProgramme,
    LoanApplication,
    LoanInstallment,
)
from financing.tests.factories import banks_make, credit_discount_make, terms
from insurance.models import Claim, Policy, Quote
from orders import selectors as orders_selectors
from orders import services as order_services
from orders.models import Order, OrderItem
from orders.tests.factories import category_make
from payments.models import LedgerTransaction, Payment, Refund, RefundApproval
from showroom import services as showroom_services
from showroom.tests.factories import showroom_make
from tests.loopback import LoopbackServer
from tests.properties import PROPERTY_EXAMPLES
from tradein.models import TradeIn
from tradein.tests import factories as tradein_factories

pytestmark = [pytest.mark.sized, pytest.mark.django_db(transaction=True, databases="__all__")]

# The whole deal: 15 sequences of 20 steps in `make test`, `make soak`'s 500; the other
# machines a dozen sequences of 12 steps and 150, as before (tests/properties.py).
DEAL_EXAMPLES = max(PROPERTY_EXAMPLES, 15)
SOAK_SEQUENCES = 150
PRICE = Decimal("1000000.00")  # one trade-in credit under the threshold could cover it
PAID = ("paid", "processing", "completed")
CAPTURED = ("completed", "partially_refunded", "refunded")  # a payment's, once the provider took it
APPROVED = ("pending", "completed")  # a refund's, once decided: sent to the provider, or done
# The ledger's rows of a lender's money held to return: never the buyer's (docs/deal.md).
LENDERS_MONEY_HELD = ("loan_overpayment", "loan_overpayment_return")
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

# Yekaterinburg's showroom and its legal entity (`partners` makes them).
URAL: dict = {}
# The order: what the buyer puts in it.
CAR_AND_MATS = "a car and its mats"
CAR_AND_20_MATS = "a car and twenty mats"
ACCESSORIES = "accessories only"
# The loan's terms: a fifth down, or more than what the buyer has paid already (a loan after
# a prepayment); an income scoring approves, and one it leaves to staff.
DOWN = st.sampled_from(["a fifth", "what is paid and more"])
APPROVED_INCOME, REVIEWED_INCOME = "100000.00", "45000.00"
INCOMES = st.sampled_from([APPROVED_INCOME, REVIEWED_INCOME])
# The partner banks: the three demo banks (financing/demo.py) and two HTTP banks of the test's
# own, which answer and disburse by signed callbacks.
DEMO_BANKS = ("demo-stolichny", "demo-volga", "demo-region")
HTTP_BANKS = ("bank-a", "bank-b")
BANK_SETS = {
    "the demo banks": DEMO_BANKS,
    "two HTTP banks": HTTP_BANKS,
    "every bank": DEMO_BANKS + HTTP_BANKS,
}
ANSWERS = st.sampled_from(["offer", "refusal", "nothing"])
SECRET = "the-test-banks-secret"
# The money the loan's four eyes guard here: the loans of these orders (some 800,000) pass it.
LOAN_SECOND_APPROVAL_ABOVE = Decimal("500000")
# Drivers on the order's page: a young one's OSAGO costs more than an experienced one's.
DRIVERS = {
    "young": {"driver_age": 19, "driver_experience_years": 1},
    "experienced": {"driver_age": 40, "driver_experience_years": 15},
}
WHICH = st.sampled_from(["the first", "the last"])
# The apps whose events the deal waits for, one of which the relay carries at a time.
DEAL_APPS = ("payments", "orders", "financing", "insurance", "tradein")
_serial = itertools.count(10**13)


def relay_everything() -> None:
    """Carry every app's waiting events until none emits more, as the relay does."""
    while sum(publishing.publish_pending(app) for app in outbox_apps()):
        pass


def ledger_net(order_id) -> Decimal:
    """The order's ledger: charges, credits and disbursements in, refunds (negative) out; a
    lender's money held to return is not the order's."""
    rows = LedgerTransaction.objects.filter(payable_id=order_id).exclude(
        type__in=LENDERS_MONEY_HELD
    )
    return sum(rows.values_list("amount", flat=True), Decimal(0))


class BankApi(BaseHTTPRequestHandler):
    """The HTTP banks' API: it takes every application, acceptance and decline it is sent,
    and keeps what each acceptance lent (the chosen offer's id and amount)."""

    accepted: dict[str, Decimal] = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.endswith("/accept"):
            self.accepted[body["offer_id"]] = Decimal(body["amount"])
        answer = json.dumps({"reference": f"BANK-{uuid.uuid4().hex[:12]}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def lent_by_its_lender(loan: LoanApplication) -> bool:
    """Whether the lender the loan went to paid it, as a source no staff member controls
    says: the chosen bank, which took the loan (its API was sent the acceptance, for the
    loan's amount), by its signed callback for its own offer and that amount; the manual
    lender's transfer recorded by staff, two of them above the threshold; a demo bank's
    lender, which the loan went to, by itself."""
    chosen = BankOffer.objects.filter(application=loan, status="chosen").first()
    if loan.lender == "http" and loan.bank_id is not None:
        said = BankCallback.objects.filter(
            bank_id=loan.bank_id, kind="disbursed", body__reference=loan.disbursement_reference
        ).first()
        return (
            said is not None
            and chosen is not None
            and chosen.bank_id == loan.bank_id
            and BankApi.accepted.get(str(chosen.pk)) == loan.loan_amount
            and said.body.get("offer_id") == str(chosen.pk)
            and Decimal(said.body["amount"]) == chosen.amount == loan.loan_amount
        )
    if loan.lender == "manual":
        recorded = ApplicationDecision.objects.filter(
            application=loan, decision="disbursed", reference=loan.disbursement_reference
        ).exclude(decided_by_id=loan.customer_id)
        staff = set(recorded.values_list("decided_by_id", flat=True))
        return len(staff) >= (2 if loan.loan_amount > LOAN_SECOND_APPROVAL_ABOVE else 1)
    if loan.lender == "demo":  # what the demo lender answers when it is sent a loan
        went = loan.lender_reference == f"FAKE-{loan.pk}"
        return went and loan.disbursed_by_id is None and chosen is not None
    return False


def verified_money(order: Order) -> Decimal:
    """What verified sources moved for the order: the provider's captures less refunds, the
    credits of trade-ins their customer accepted and staff inspected, and the customer's own
    loan that its lender paid (and that was not held as an overpayment or returned)."""
    payments = Payment.objects.filter(payable_id=order.pk, status__in=CAPTURED)
    captured = sum((p.amount for p in payments), Decimal(0))
    refunded = sum(
        (r.amount for r in Refund.objects.filter(payment__in=payments, status="completed")),
        Decimal(0),
    )
    # Read row by row: a trade-in counts only if the customer themselves accepted it.
    credits = [
        trade_in.offer_amount or Decimal(0)
        for trade_in in TradeIn.objects.filter(
            order_id=order.pk, status__in=("inspected", "completed")
        )
        if trade_in.accepted_by_id == order.customer_id
        and trade_in.inspected_by_id not in (None, order.customer_id)
    ]
    loans = LoanApplication.objects.filter(
        order_id=order.pk, customer_id=order.customer_id, status="disbursed"
    )
    lent = [loan.loan_amount for loan in loans if lent_by_its_lender(loan)]
    return captured - refunded + sum(credits, Decimal(0)) + sum(lent, Decimal(0))


def product(name: str, price: str, stock: int, **vehicle):
    return catalog_services.product_create(
        name=name,
        price=Decimal(price),
        currency="RUB",
        stock_quantity=stock,
        category=category_make(),
        **vehicle,
    )


class Deal(RuleBasedStateMachine):
    """One order and everyone who can touch its money. `alone` names the staff member who,
    in the one-person runs, takes every step after the customer's order."""

    alone: str | None = None
    order: Order  # placed by the first step, `place_the_order`
    # What every step is checked against, in this order (the replays run them too).
    INVARIANTS = (
        "money_is_verified_and_never_past_the_total",
        "the_paid_amount_is_the_ledger",
        "the_deal_at_a_glance_is_the_ledger",
        "the_loan_is_the_chosen_offers",
        "a_credit_discount_only_with_its_car_loan",
        "the_policy_bought_is_the_button_pressed",
        "refunds_past_the_threshold_took_two_people",
        "claims_past_the_threshold_took_two_people",
        "every_paper_names_the_cars_seller",
    )

    def __init__(self):
        super().__init__()
        self.people = {
            "customer": UserFactory(),
            "manager": UserFactory(role="manager"),
            "second manager": UserFactory(role="manager"),
            "admin": UserFactory(role="admin"),
        }
        self.car = False
        self.policy: str | None = None
        self.claims: list[str] = []
        self.trade_ins: list[str] = []
        self.loans: list[uuid.UUID] = []
        self.payments: list[str] = []
        self.quotes: list[str] = []
        # Each press of a policy's button: the quote, the premium it named, what it charged.
        self.presses: list[tuple[str, Decimal, list[Payment]]] = []
        self.keys = 0
        self.handed_over = False  # seen completed: what is refunded after it is after-sale
        self.late = None  # the relay fallen behind: the settings that hold the events back

    def place(self, lines: str, in_yekaterinburg: bool = False) -> None:
        # A car KASKO and OSAGO price (insurance/tests), named so that it is the order's
        # first line, and an accessory whose quantity may change.
        car = product(
            "A Skoda Octavia",
            str(PRICE),
            1,
            vin=f"XWW{next(_serial):014d}",
            make="Skoda",
            model="Octavia",
            year=timezone.localdate().year,
        )
        if in_yekaterinburg:  # sold by Yekaterinburg's own legal entity
            catalog_services.vehicle_place(product_id=car.pk, showroom_id=URAL["showroom"])
        mats = product("Floor mats", "15000.00", 25)
        cams = product("Dash cam", "12900.00", 80)
        items = {
            CAR_AND_MATS: [(car, 1), (mats, 1)],
            CAR_AND_20_MATS: [(car, 1), (mats, 20)],
            ACCESSORIES: [(cams, 60)],
        }[lines]
        self.order, _ = order_services.order_create(
            customer=self.people["customer"],
            items=[{"product_id": p.pk, "quantity": q} for p, q in items],
        )
        self.car = lines != ACCESSORIES
        self.car_id = car.pk
        self.item = OrderItem.objects.get(order=self.order, product_id=items[-1][0].pk)

    @initialize(
        lines=st.sampled_from([CAR_AND_MATS, CAR_AND_20_MATS, ACCESSORIES]),
        loan=st.sampled_from([None, APPROVED_INCOME, REVIEWED_INCOME]),
        banks=st.sampled_from([None, *sorted(BANK_SETS)]),
        a=ANSWERS,
        b=ANSWERS,
        papers=st.booleans(),
    )
    def place_the_order(self, lines, loan=None, banks=None, a="nothing", b="nothing", papers=False):
        """The order; in most runs the customer's loan applied for with it (on the income
        `loan`), and sent to `banks`, which may answer (the HTTP banks `a` and `b`), so that
        random runs reach the banks' offers and the lenders' money. With `papers`, the
        dealership's legal entity signs documents, the loan's schedule among them (each a
        PDF: not in every run)."""
        LegalEntity.objects.filter(showroom="").update(is_default=papers)
        self.place(lines, in_yekaterinburg=papers)
        if loan is not None:
            self.apply_for_a_loan("customer", "a fifth", loan)
            if banks is not None and self.loans:
                self.ask_the_banks(banks, a, b)

    def teardown(self):
        if self.late is not None:  # what is still waiting is carried, for the next sequence
            try:
                relay_everything()
            finally:
                self.late.disable()
                self.late = None

    def then(self, step: str, /, **arguments) -> None:
        """Take one step and check everything, as Hypothesis does after each (the replays)."""
        getattr(self, step)(**arguments)
        for name in self.INVARIANTS:
            getattr(self, name)()

    def client(self, who: str):
        return client_for(self.people[self.alone or who])

    def storefront(self) -> Client:
        """The customer's browser, signed in."""
        browser = Client()
        browser.force_login(self.people["customer"])
        return browser

    def key(self) -> str:
        self.keys += 1
        return f"{self.order.pk}-{self.keys}"

    def now(self) -> Order:
        return Order.objects.get(pk=self.order.pk)

    def trade_in_now(self) -> str | None:
        """The status of the latest trade-in put forward, if any: each step below is tried
        only where it could do something, so that a run reaches deep sequences."""
        if not self.trade_ins:
            return None
        return TradeIn.objects.get(pk=self.trade_ins[-1]).status

    def loan(self) -> LoanApplication | None:
        return LoanApplication.objects.filter(pk=self.loans[-1]).first() if self.loans else None

    def loan_now(self) -> str | None:
        loan = self.loan()
        return loan.status if loan else None

    def offers_now(self, *statuses: str) -> bool:
        offers = BankOffer.objects.filter(application_id=self.loans[-1]) if self.loans else None
        return offers is not None and offers.filter(status__in=statuses).exists()

    def http_offers_now(self, *statuses: str) -> bool:
        """Whether an HTTP bank was asked about the current loan (and its offer is in one of
        `statuses`, if named)."""
        if not self.loans:
            return False
        offers = BankOffer.objects.filter(application_id=self.loans[-1], bank__code__in=HTTP_BANKS)
        return (offers.filter(status__in=statuses) if statuses else offers).exists()

    def policy_now(self) -> str | None:
        return Policy.objects.get(pk=self.policy).status if self.policy else None

    def claim_now(self) -> str | None:
        return Claim.objects.get(pk=self.claims[-1]).status if self.claims else None

    def charged(self) -> None:
        """With the relay behind, the provider is still asked for a payment just made: its
        charge runs on `payment.created`, whose consumer is payments' own."""
        if self.late is not None:
            publishing.publish_pending("payments")

    # THE STEPS: TRADE-INS
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

    # THE STEPS: THE CUSTOMER'S MONEY AND ITS REFUNDS
    # --------------------------------------------------------------------------
    # Money from the customer's card: not one staff member's doing.
    @precondition(lambda self: not self.alone)
    @rule(amount=st.sampled_from(["100000.00", "700000.00", "what is due", "the balance"]))
    def customer_pays(self, amount):
        if amount == "the balance":
            order = self.now()
            amount = str(max(order.total_amount - order.paid_amount, Decimal("0.01")))
        elif amount == "what is due":  # as the deal at a glance tells the buyer
            deal = orders_selectors.deal_of_buyer(
                user=self.people["customer"], order_id=self.order.pk
            )
            due = [step.amount for step in deal.outstanding if step.code == "payment_due"]
            if not due:
                return
            amount = str(due[0])
        answer = client_for(self.people["customer"]).post(
            "/api/v1/payments/",
            {"order_id": str(self.order.pk), "amount": amount, "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )
        if answer.status_code in (200, 201):
            self.payments.append(answer.json()["id"])
            self.charged()

    @precondition(lambda self: bool(self.payments))
    @rule(who=STAFF, amount=st.sampled_from(["50000.00", "100000.00", "150000.00"]))
    def refund(self, who, amount):
        self.client(who).post(
            f"/api/v1/payments/{self.payments[-1]}/refund",
            {"amount": amount, "reason": "Asked for"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )

    @precondition(
        lambda self: (
            bool(self.payments)
            and Refund.objects.filter(
                payment_id__in=self.payments, status="awaiting_approval"
            ).exists()
        )
    )
    @rule(who=STAFF, approve=st.booleans())
    def decide_the_refund(self, who, approve):
        waiting = Refund.objects.filter(payment_id__in=self.payments, status="awaiting_approval")
        self.client(who).post(
            f"/api/v1/payments/refunds/{waiting.latest('created_at').pk}/decision",
            {"decision": "approved" if approve else "rejected", "reason": "Checked"},
            format="json",
        )

    @rule(who=st.sampled_from(["customer", "manager", "admin"]), status=STATUSES)
    def status_change(self, who, status):
        self.client(who).post(
            f"/api/v1/orders/{self.order.pk}/status",
            {"status": status, "reason": "Because"},
            format="json",
        )

    @rule(
        who=st.sampled_from(["customer", "manager", "admin"]),
        quantity=st.sampled_from([1, 3, 20]),
    )
    def change_the_quantity(self, who, quantity):
        self.client(who).patch(
            f"/api/v1/orders/{self.order.pk}/items/{self.item.pk}/",
            {"quantity": quantity},
            format="json",
        )

    # THE STEPS: THE LOAN, THE BANKS AND THE LENDER
    # --------------------------------------------------------------------------
    @precondition(lambda self: self.loan_now() in (None, "withdrawn", "rejected"))
    @rule(who=st.sampled_from(["customer", "manager"]), down=DOWN, income=INCOMES)
    def apply_for_a_loan(self, who, down, income):
        order = self.now()
        if down == "a fifth":
            down_payment = (order.total_amount / 5).quantize(Decimal("1"))
        else:  # after a prepayment: a down payment larger than what is paid already
            down_payment = order.paid_amount + Decimal("100000.00")
        loan_terms = terms(
            vehicle_price=str(order.total_amount),
            down_payment=str(down_payment),
            monthly_income=income,
        )
        answer = self.client(who).post(
            "/api/v1/financing/applications/",
            {"order_id": str(self.order.pk), **loan_terms},
            format="json",
        )
        if answer.status_code == 201:
            self.loans.append(uuid.UUID(answer.json()["id"]))

    @precondition(lambda self: self.loan_now() == "pending_review")
    @rule(who=STAFF, approve=st.booleans())
    def decide_the_loan(self, who, approve):
        self.client(who).post(
            f"/api/v1/financing/applications/{self.loans[-1]}/decision",
            {"decision": "approved" if approve else "rejected", "reason": "Checked"},
            format="json",
        )

    @precondition(lambda self: self.loan_now() in ("pending_review", "approved"))
    @rule()
    def withdraw_the_loan(self):
        self.client("customer").post(f"/api/v1/financing/applications/{self.loans[-1]}/withdraw")

    @precondition(lambda self: self.loan_now() in ("approved", "withdrawn"))
    @rule(who=STAFF)
    def record_the_disbursement(self, who):
        """The manual lender's transfer, as staff record it (the same reference each time:
        the second staff member confirms the first one's record)."""
        loan = self.loan()
        self.client(who).post(
            f"/api/v1/financing/applications/{loan.pk}/disburse",
            {"amount": str(loan.loan_amount), "reference": f"BANK-{loan.pk}"},
            format="json",
        )

    @precondition(
        lambda self: self.loan_now() in ("pending_review", "approved")
        and not self.loan().asks_banks
    )
    @rule(banks=st.sampled_from(sorted(BANK_SETS)), a=ANSWERS, b=ANSWERS)
    def ask_the_banks(self, banks, a="nothing", b="nothing"):
        """The customer sends the loan to banks; the HTTP banks may answer at once (`a`,
        `b`), the demo banks always do."""
        chosen = Bank.objects.filter(code__in=BANK_SETS[banks]).values_list("pk", flat=True)
        self.client("customer").post(
            f"/api/v1/financing/applications/{self.loans[-1]}/offers/",
            {"banks": [str(pk) for pk in chosen], "consent": True},
            format="json",
        )
        if not self.alone:
            self.banks_answer(a, b)

    def bank_says(self, code: str, body: dict):
        """The HTTP bank's signed callback."""
        raw = json.dumps({"id": uuid.uuid4().hex, **body}).encode()
        headers = signed_headers(SECRET, raw)
        return APIClient().post(
            reverse("financing-bank-callback", args=[code]),
            data=raw,
            content_type="application/json",
            headers={k: v for k, v in headers.items() if k != "Content-Type"},
        )

    def offer_of(self, code: str) -> BankOffer | None:
        if not self.loans:
            return None
        return BankOffer.objects.filter(application_id=self.loans[-1], bank__code=code).first()

    # The banks are outside parties, as the provider: they act in the runs with the customer.
    @precondition(lambda self: not self.alone and self.http_offers_now("requested"))
    @rule(a=ANSWERS, b=ANSWERS)
    def banks_answer(self, a, b):
        for code, answer in zip(HTTP_BANKS, (a, b), strict=True):
            offer = self.offer_of(code)
            if offer is None or offer.status != "requested" or answer == "nothing":
                continue
            said = {"kind": answer, "offer_id": str(offer.pk), "reference": f"OFFER-{offer.pk}"}
            if answer == "offer":
                said["annual_rate"] = "13.50"
            else:
                said["reason"] = "Low income"
            self.bank_says(code, said)

    @precondition(lambda self: self.offers_now("offered"))
    @rule(bank=st.sampled_from(DEMO_BANKS[:2] + HTTP_BANKS))
    def choose_an_offer(self, bank):
        offer = self.offer_of(bank)
        if offer is not None:
            self.client("customer").post(f"/api/v1/financing/offers/{offer.pk}/choose")

    @precondition(lambda self: not self.alone and self.http_offers_now())
    @rule(bank=st.sampled_from(HTTP_BANKS), amount=st.sampled_from(["its offer's", "more"]))
    def bank_disburses(self, bank, amount):
        """A bank's signed `disbursed`, the chosen bank's or another's, for its offer's
        amount or for more (the loan before its credit discount, say)."""
        offer = self.offer_of(bank)
        if offer is None:
            return
        lent = offer.amount or self.loan().loan_amount
        if amount == "more":
            lent += Decimal("100000.00")
        self.bank_says(
            bank,
            {
                "kind": "disbursed",
                "offer_id": str(offer.pk),
                "reference": f"PAY-{uuid.uuid4().hex[:12]}",
                "amount": str(lent),
            },
        )

    @precondition(
        lambda self: LoanApplication.objects.filter(pk__in=self.loans, status="overpaid").exists()
    )
    @rule(who=STAFF)
    def return_the_overpayment(self, who):
        """Finance staff send a lender's money held for it back (the admin's action)."""
        held = LoanApplication.objects.get(pk__in=self.loans, status="overpaid")
        with suppress(ApplicationError):  # the same person twice: refused
            financing_services.application_overpayment_return(
                application_id=held.pk, user=self.people[self.alone or who]
            )

    # THE STEPS: INSURANCE
    # --------------------------------------------------------------------------
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
    @precondition(lambda self: self.policy_now() == "pending_payment" and not self.alone)
    @rule()
    def customer_pays_the_premium(self):
        policy = Policy.objects.get(pk=self.policy)
        answer = client_for(self.people["customer"]).post(
            "/api/v1/payments/",
            {"policy_id": self.policy, "amount": str(policy.premium), "method": "card"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=self.key(),
        )
        if answer.status_code in (200, 201):
            self.charged()

    # OSAGO on the order's page (docs/storefront.md): the customer's browser.
    @precondition(lambda self: self.car and not self.alone and len(self.quotes) < 2)
    @rule(driver=st.sampled_from(sorted(DRIVERS)))
    def quote_osago(self, driver):
        shown = self.storefront().post(
            reverse("storefront:order-insure", args=[self.order.pk]),
            {"insurance_type": "osago", **DRIVERS[driver]},
        )
        quote = parse_qs(urlsplit(shown.get("Location", "")).query).get("quote")
        if quote:
            self.quotes.append(quote[0])

    def quote_of(self, which: str) -> Quote:
        return Quote.objects.get(pk=self.quotes[0 if which == "the first" else -1])

    @precondition(lambda self: Quote.objects.filter(pk__in=self.quotes, status="quoted").exists())
    @rule(which=WHICH)
    def buy_the_quote(self, which):
        """Bought by the API, and left unpaid."""
        quote = self.quote_of(which)
        self.client("customer").post(f"/api/v1/insurance/quotes/{quote.pk}/purchase")

    @precondition(lambda self: bool(self.quotes) and not self.alone)
    @rule(which=WHICH)
    def press_the_button(self, which):
        """The button the order's page shows under a quote, naming its premium."""
        quote = self.quote_of(which)
        mine = Payment.objects.filter(customer_id=quote.customer_id)
        before = list(mine.values_list("pk", flat=True))
        self.storefront().post(
            reverse("storefront:order-insure-buy", args=[self.order.pk]),
            {"quote": quote.pk, "premium": quote.premium, "key": uuid.uuid4()},
        )
        made = mine.exclude(pk__in=before)
        self.presses.append((str(quote.pk), quote.premium, list(made)))
        self.charged()

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

    # THE STEPS: THE RELAY
    # --------------------------------------------------------------------------
    @precondition(lambda self: self.late is None)
    @rule()
    def the_relay_falls_behind(self):
        """From here the events wait in their outboxes, as between processes whose relay is
        slow (docs/deal.md, "Where the paths meet": every copy of the money may be late)."""
        self.late = override_settings(EVENTS_PUBLISH_ON_COMMIT=False)
        self.late.enable()

    @precondition(lambda self: self.late is not None)
    @rule(app=st.sampled_from(DEAL_APPS))
    def the_relay_carries(self, app):
        """One app's waiting events, once: the others' stay behind."""
        publishing.publish_pending(app)

    @precondition(lambda self: self.late is not None)
    @rule()
    def the_relay_catches_up(self):
        relay_everything()
        self.late.disable()
        self.late = None

    # WHAT ALWAYS HOLDS
    # --------------------------------------------------------------------------
    @invariant()
    def money_is_verified_and_never_past_the_total(self):
        """No order's verified money passes its total, and none reaches paid, processing or
        completed but by verified money. A completed order stays so when money goes back
        after the handover, by design (an after-sale refund, under four eyes past its
        threshold: orders.services.status), so it is held to its money when it is first
        seen completed, not after; and a refund reaches the order's status only with its
        event, so that is checked once the relay has caught up."""
        order = self.now()
        verified = verified_money(order)
        assert verified <= order.total_amount, (
            f"verified money {verified} passes the order's total {order.total_amount}"
        )
        if order.status in PAID and not self.handed_over and self.late is None:
            loans = [str(pk) for pk in self.loans]
            assert verified >= order.total_amount, (
                f"{order.status} on {verified} of verified money for a total of "
                f"{order.total_amount} (trade-ins {self.trade_ins}, loans {loans})"
            )
        self.handed_over = self.handed_over or order.status == "completed"
        if self.alone:
            assert order.status not in PAID, f"{self.alone} alone made the order {order.status}"

    @invariant()
    def the_paid_amount_is_the_ledger(self):
        if self.late is None:
            order = self.now()
            assert order.paid_amount == ledger_net(order.pk), (order.paid_amount, self.loans)

    @invariant()
    def the_deal_at_a_glance_is_the_ledger(self):
        """What the buyer's page sums up (`GET orders/{id}/deal`): the payments captured less
        refunded, the loan paid out, the old car's credit recorded."""
        if self.late is not None:
            return
        deal = orders_selectors.deal_of_buyer(user=self.people["customer"], order_id=self.order.pk)
        loan = deal.loan
        lent = (loan.amount or 0) if loan is not None and loan.status == "disbursed" else 0
        # Every old car recorded: an order may take more than one (found: a second trade-in
        # hid the first one's credit, inspected, from the deal).
        credited = sum(
            (t.amount or 0 for t in deal.trade_ins if t.status in ("inspected", "completed")), 0
        )
        shown = deal.captured - deal.refunded + lent + credited
        assert shown == ledger_net(self.order.pk), (
            f"the deal shows {shown}: {deal.captured} captured, {deal.refunded} refunded, "
            f"{lent} lent, {credited} credited; the ledger {ledger_net(self.order.pk)}"
        )

    @invariant()
    def the_loan_is_the_chosen_offers(self):
        """Each application's schedule lends its amount; a chosen offer's amount is the
        loan's; the order's schedule document in force states the chosen offer's loan."""
        loans = {str(loan.pk): loan for loan in LoanApplication.objects.filter(pk__in=self.loans)}
        chosen = {
            str(offer.application_id): offer
            for offer in BankOffer.objects.filter(application_id__in=self.loans, status="chosen")
        }
        for key, loan in loans.items():
            principal = LoanInstallment.objects.filter(application=loan).values_list(
                "principal", flat=True
            )
            assert sum(principal, Decimal(0)) == loan.loan_amount, (loan.pk, loan.loan_amount)
            if key in chosen:
                assert chosen[key].amount == loan.loan_amount, (
                    f"chose {chosen[key].amount} of {chosen[key].bank_id}, "
                    f"the loan is {loan.loan_amount}"
                )
        if self.late is not None or not chosen:
            return
        in_force = Document.objects.filter(
            order_id=self.order.pk, kind="loan_schedule", superseded_by__isnull=True
        )
        if "voided_at" in {field.name for field in Document._meta.get_fields()}:
            in_force = in_force.filter(voided_at__isnull=True)
        paper = in_force.order_by("-created_at").first()
        stated = (paper.facts.get("loan") or {}) if paper is not None else {}
        if stated.get("id") in chosen:
            lent = chosen[stated["id"]].amount
            assert Decimal(stated["loan_amount"]) == lent, (
                f"the schedule in force, {paper.number}, states a loan of "
                f"{stated['loan_amount']}; the chosen offer lends {lent}"
            )

    @invariant()
    def a_credit_discount_only_with_its_car_loan(self):
        """The dealer's credit discount is only for a car, and holds only while the approved
        loan that earned it stands (docs/financing.md, "The credit discount")."""
        order = self.now()
        if order.credit_discount <= 0:
            return
        assert self.car, f"{order.credit_discount} of a car's credit discount on {ACCESSORIES}"
        if self.late is None and order.status != "cancelled":
            loan = LoanApplication.objects.filter(pk=order.credit_discount_loan_id).first()
            status = loan.status if loan else None
            assert status in ("approved", "disbursed"), (
                f"a credit discount of {order.credit_discount} on a {order.status} order "
                f"whose loan is {status}"
            )

    @invariant()
    def the_policy_bought_is_the_button_pressed(self):
        """A policy's button buys that quote's policy and charges the premium it names."""
        for quote_id, premium, charged in self.presses:
            for payment in charged:
                policy = Policy.objects.get(pk=payment.payable_id)
                assert (str(policy.quote_id), payment.amount) == (quote_id, premium), (
                    f"the button of quote {quote_id} at {premium} charged {payment.amount} "
                    f"for the policy of quote {policy.quote_id}"
                )

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

    @invariant()
    def every_paper_names_the_cars_seller(self):
        """Each paper of the order is the seller's: the legal entity of the showroom its car
        stands in, Yekaterinburg's own in the runs with papers, or the group's (docs/showrooms.md,
        "One seller")."""
        stands = catalog_selectors.vehicle_showroom_id(vehicle_id=self.car_id)
        seller = URAL["entity"] if stands == URAL["showroom"] else None
        for paper in Document.objects.filter(order_id=self.order.pk).select_related("legal_entity"):
            expected = seller or LegalEntity.objects.get(is_default=True)
            assert paper.legal_entity_id == expected.pk, (
                f"{paper.number} is {paper.legal_entity.short_name}'s; the car is sold by "
                f"{expected.short_name}"
            )


class OneManagerAlone(Deal):
    alone = "manager"


class InsuredDeal(Deal):
    """The deal after the customer paid the car and a KASKO policy's premium, all through
    the API: claims come only on a policy that covers, which random sequences from the start
    reach once in dozens."""

    @initialize()
    def place_the_order(self):
        self.place(CAR_AND_MATS)
        self.customer_pays("the balance")
        self.buy_kasko("customer")
        self.customer_pays_the_premium()
        assert self.policy_now() == "active", self.policy_now()


@pytest.fixture(scope="module")
def bank_server():
    server = LoopbackServer(BankApi).start()
    yield server
    server.stop()


@pytest.fixture
def partners(bank_server, provider, settings):
    """The payment provider, the demo banks, two HTTP banks on the test's loopback server,
    the dealer's credit discount, and the thresholds the deal is held to."""
    settings.TRADEIN_SECOND_APPROVAL_ABOVE = Decimal("1500000")
    settings.FINANCING_LENDER = "manual"  # the lender pays by transfer; staff record it
    settings.FINANCING_SECOND_APPROVAL_ABOVE = LOAN_SECOND_APPROVAL_ABOVE
    settings.FAKE_LENDER_DISBURSE_AFTER_SECONDS = 0  # a demo bank's lender pays when sent
    banks_make()
    for code in HTTP_BANKS:
        bank = Bank.objects.create(
            name=f"Bank {code[-1].upper()}",
            legal_name=f"АО «Банк {code[-1].upper()}», ИНН 77000000{ord(code[-1])}",
            code=code,
            adapter="http",
            endpoint=bank_server.base_url,
            timeout_seconds=2,
            answer_within_minutes=30,
        )
        financing_services.bank_secret_set(bank_id=bank.pk, secret=SECRET)
        BankProgramme.objects.create(
            bank=bank, name="Auto", annual_rate="14.00", min_term_months=12, max_term_months=84
        )
    credit_discount_make(amount="100000.00")
    legal_entity_make(is_default=False)  # the runs with papers make it the default
    # Yekaterinburg's showroom, which sells under its own legal entity: the runs with papers
    # place their car there (docs/showrooms.md, "One seller").
    ural = legal_entity_make(**documents_demo.URAL_SELLER, showroom="Урал", is_default=False)
    showroom = showroom_make(name="Урал", city="Екатеринбург")  # the catalog hears of it
    showroom.legal_entity_id = ural.pk
    showroom_services.showroom_save(showroom=showroom)
    URAL.update(showroom=showroom.pk, entity=ural)


@pytest.mark.parametrize(
    ("machine", "examples", "steps"),
    [
        (Deal, DEAL_EXAMPLES, 20),
        (OneManagerAlone, min(PROPERTY_EXAMPLES, SOAK_SEQUENCES), 12),
        (InsuredDeal, min(PROPERTY_EXAMPLES, SOAK_SEQUENCES), 12),
    ],
    ids=["everyone", "one-manager", "insured"],
)
def test_no_one_alone_makes_a_car_paid_and_the_books_add_up(machine, examples, steps, partners):
    run_state_machine_as_test(
        machine,
        settings=hypothesis_settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# THE FINDINGS OF ISSUE 82, REPLAYED
# ------------------------------------------------------------------------------
@contextmanager
def replayed(machine=Deal):
    """The machine, to drive step by step (`then`), checked after each as in a random run."""
    deal = machine()
    try:
        yield deal
    finally:
        deal.teardown()


def ledger(order) -> list[tuple[str, Decimal]]:
    rows = LedgerTransaction.objects.filter(payable_id=order.pk).order_by("created_at")
    return list(rows.values_list("type", "amount"))


def test_finding_1_a_loan_approved_after_the_order_was_paid_by_card_pays_nothing(partners):
    """The order paid in full by card with the loan still left to staff; two staff approved
    it and recorded the lender's transfer: paid 180 %."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=REVIEWED_INCOME)
        deal.then("customer_pays", amount="the balance")
        deal.then("decide_the_loan", who="manager", approve=True)
        deal.then("decide_the_loan", who="second manager", approve=True)
        deal.then("record_the_disbursement", who="manager")
        deal.then("record_the_disbursement", who="second manager")

        order, loan = deal.now(), deal.loan()
        assert (order.status, loan.status) == ("paid", "withdrawn")
        assert loan.reasons[-1]["code"] == "order_paid_otherwise"
        assert ledger(order) == [("charge", Decimal("1015000.00"))]


def test_finding_2_a_loan_after_a_prepayment_is_not_left_behind_when_the_order_is_paid(
    partners,
):
    """A tenth prepaid, then a loan with a larger down payment, approved while the relay was
    behind; the buyer's next payment step paid the whole rest before payments heard of the
    loan, which then went to the lender all the same and was paid: the application must not
    be left behind to pay the order again. (Through the API; the checkout's own loan plan is
    storefront/tests/test_loan_after_prepayment.py's.)"""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("customer_pays", amount="100000.00")
        deal.then("the_relay_falls_behind")
        deal.then(
            "apply_for_a_loan", who="customer", down="what is paid and more", income=APPROVED_INCOME
        )
        deal.then("customer_pays", amount="the balance")
        deal.then("the_relay_catches_up")
        deal.then("record_the_disbursement", who="manager")
        deal.then("record_the_disbursement", who="second manager")

        order, loan = deal.now(), deal.loan()
        assert loan.down_payment == Decimal("200000.00")
        assert (order.status, loan.status, loan.sent_to_lender_at) == ("paid", "withdrawn", None)
        assert ledger(order) == [
            ("charge", Decimal("100000.00")),
            ("charge", Decimal("915000.00")),
        ]


def test_finding_7_only_the_chosen_bank_disburses(partners):
    """Two HTTP banks asked, A chosen, B declined: B's signed `disbursed` paid the order with
    money A never lent."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=APPROVED_INCOME)
        deal.then("ask_the_banks", banks="two HTTP banks")
        deal.then("banks_answer", a="offer", b="offer")
        deal.then("choose_an_offer", bank="bank-a")
        deal.then("customer_pays", amount="what is due")
        deal.then("bank_disburses", bank="bank-b", amount="its offer's")
        deal.then("bank_disburses", bank="bank-a", amount="more")

        loan = deal.loan()
        assert (loan.status, loan.lender, loan.bank.code) == ("approved", "http", "bank-a")
        assert loan.sent_to_lender_at is not None and loan.disbursement_reference is None
        assert deal.offer_of("bank-b").status == "declined"
        assert ledger(deal.now()) == [("charge", Decimal("203000.00"))]  # neither B's nor more

        deal.then("bank_disburses", bank="bank-a", amount="its offer's")  # the chosen bank

        order = deal.now()
        assert (order.status, deal.loan().status) == ("paid", "disbursed")
        assert ledger(order)[-1] == ("loan_disbursement", Decimal("712000.00"))


def test_the_schedule_in_force_states_the_chosen_offers_loan(partners):
    """What the papers check of the machine holds to: with the dealership signing papers,
    the schedule drawn on the approval is replaced by the chosen offer's, after its credit
    discount, and given up, it is void."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=APPROVED_INCOME, papers=True)
        deal.then("ask_the_banks", banks="two HTTP banks", a="offer", b="refusal")
        deal.then("choose_an_offer", bank="bank-a")

        loan = deal.loan()
        schedules = Document.objects.filter(order_id=deal.order.pk, kind="loan_schedule")
        in_force = schedules.get(superseded_by__isnull=True)
        assert in_force.legal_entity_id == URAL["entity"].pk  # the car's showroom's seller
        assert in_force.facts["loan"]["id"] == str(loan.pk)
        assert in_force.facts["loan"]["loan_amount"] == str(deal.offer_of("bank-a").amount)
        assert loan.loan_amount == Decimal("712000.00")


def test_finding_8_no_credit_discount_for_a_loan_left_to_staff(partners):
    """An application left to staff went to the banks and took the credit discount; the buyer
    paid the lower price by card and gave the loan up: paid at the discounted price with no
    loan."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=REVIEWED_INCOME)
        deal.then("ask_the_banks", banks="the demo banks")
        deal.then("customer_pays", amount="the balance")
        deal.then("withdraw_the_loan")

        order, loan = deal.now(), deal.loan()
        assert not loan.asks_banks and loan.status == "withdrawn"
        assert (order.status, order.total_amount, order.credit_discount) == (
            "paid",
            Decimal("1015000.00"),
            Decimal("0.00"),
        )


def test_finding_9_the_lines_a_loan_is_sized_on_stay(partners):
    """A car and twenty mats, the loan sized on them and sent; the mats shrunk to one; the
    lender paid: the order paid past its total."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_20_MATS, loan=None)
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=APPROVED_INCOME)
        deal.then("customer_pays", amount="what is due")
        deal.then("change_the_quantity", who="customer", quantity=1)
        deal.then("record_the_disbursement", who="manager")
        deal.then("record_the_disbursement", who="second manager")

        deal.item.refresh_from_db()
        order = deal.now()
        assert (deal.item.quantity, deal.loan().status) == (20, "disbursed")
        assert (order.status, order.total_amount, order.paid_amount) == (
            "paid",
            Decimal("1300000.00"),
            Decimal("1300000.00"),
        )


def test_finding_10_accessories_earn_no_car_discount(partners):
    """Sixty dash cams financed through the banks got the new-car credit discount."""
    with replayed() as deal:
        deal.then("place_the_order", lines=ACCESSORIES, loan=None)
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=APPROVED_INCOME)
        deal.then("ask_the_banks", banks="the demo banks")

        assert deal.loan().asks_banks
        assert deal.now().total_amount == Decimal("774000.00")


def test_finding_11_the_button_buys_its_own_quote_at_its_premium(partners):
    """Two OSAGO quotes, the first bought and unpaid: the second one's button charged the
    first one's premium."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("quote_osago", driver="young")
        deal.then("buy_the_quote", which="the first")
        deal.then("quote_osago", driver="experienced")
        deal.then("press_the_button", which="the last")

        young, experienced = (deal.quote_of(which) for which in ("the first", "the last"))
        assert experienced.premium < young.premium
        (charged,) = deal.presses[-1][2]
        assert charged.amount == experienced.premium
        bought = {
            policy.quote_id: policy.status
            for policy in Policy.objects.filter(order_id=deal.order.pk)
        }
        assert bought == {young.pk: "lapsed", experienced.pk: "active"}


# WHAT THE MACHINE FOUND BEYOND ISSUE 82'S FINDINGS
# ------------------------------------------------------------------------------
# Each was a way past the total on the code after the findings' fixes; each is refused now,
# with nothing written.
def test_a_trade_in_credit_past_what_the_order_owes_is_not_inspected(partners):
    """700,000 paid by card, then an old car taken for 1,000,000 (under the trade-in's
    four-eyes threshold), accepted and inspected: 1,700,000 for a total of 1,015,000."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("customer_pays", amount="700000.00")
        deal.then("submit_a_trade_in", who="customer")
        deal.then("offer", who="manager", amount="1000000.00")
        deal.then("customers_step", who="customer", step="accept")
        deal.then("inspect", who="second manager")

        again = deal.client("admin").post(
            f"/api/v1/trade-ins/{deal.trade_ins[-1]}/inspect",
            {"mileage_km": 150000, "findings": "As described."},
            format="json",
        )
        assert again.status_code == 409, again.content
        error = again.json()["error"]
        assert (error["code"], error["details"]["amount"]) == (
            "trade_in_would_overpay",
            ["At most 315000.00."],
        )
        trade_in = TradeIn.objects.get(pk=deal.trade_ins[-1])
        assert (trade_in.status, trade_in.inspected_by_id) == ("accepted", None)
        assert ledger(deal.now()) == [("charge", Decimal("700000.00"))]


def test_a_line_change_is_held_to_what_payments_received(partners):
    """Sixty dash cams, 100,000 paid while the relay is behind: orders has not heard of it,
    and let the line shrink to one cam, 12,900."""
    with replayed() as deal:
        deal.then("place_the_order", lines=ACCESSORIES, loan=None)
        deal.then("the_relay_falls_behind")
        deal.then("customer_pays", amount="100000.00")
        deal.then("change_the_quantity", who="customer", quantity=1)

        again = deal.client("customer").patch(
            f"/api/v1/orders/{deal.order.pk}/items/{deal.item.pk}/", {"quantity": 2}, format="json"
        )
        assert again.status_code == 409, again.content
        assert again.json()["error"]["details"] == {
            "quantity": ["The order would be paid past its total."]
        }
        deal.item.refresh_from_db()
        assert (deal.item.quantity, deal.now().total_amount) == (60, Decimal("774000.00"))
        assert ledger(deal.now()) == [("charge", Decimal("100000.00"))]


def test_a_loan_with_its_lender_is_not_asked_of_the_banks(partners):
    """The down payment in, the loan of 812,000 went to the manual lender; then the buyer
    sent it to the banks, which took the credit discount off it, and chose bank A, which was
    never sent the loan: its `disbursed` of 712,000 paid the order."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=APPROVED_INCOME)
        deal.then("customer_pays", amount="what is due")
        deal.then("ask_the_banks", banks="two HTTP banks", a="offer", b="offer")
        deal.then("choose_an_offer", bank="bank-a")
        deal.then("bank_disburses", bank="bank-a", amount="its offer's")

        loan, order = deal.loan(), deal.now()
        again = deal.client("customer").post(
            f"/api/v1/financing/applications/{loan.pk}/offers/",
            {"banks": [str(Bank.objects.get(code="bank-a").pk)], "consent": True},
            format="json",
        )
        assert again.status_code == 409, again.content
        assert again.json()["error"]["code"] == "loan_with_its_lender"
        assert loan.sent_to_lender_at is not None
        assert (loan.asks_banks, loan.bank_id, loan.loan_amount) == (
            False,
            None,
            Decimal("812000.00"),
        )
        assert not BankOffer.objects.filter(application_id=loan.pk).exists()
        assert (order.total_amount, order.credit_discount) == (PRICE + 15000, Decimal("0.00"))
        assert ledger(order) == [("charge", Decimal("203000.00"))]


def test_no_credit_discount_below_what_the_order_received(partners):
    """The loan approved while the relay is behind: the order's page (orders) and payments
    have not heard of it, so the buyer pays the whole 1,015,000 by card; then they send the
    loan to the banks, which took the 100,000 credit discount off the price: 915,000 for an
    order that has received 1,015,000."""
    with replayed() as deal:
        deal.then("place_the_order", lines=CAR_AND_MATS, loan=None)
        deal.then("the_relay_falls_behind")
        deal.then("apply_for_a_loan", who="customer", down="a fifth", income=APPROVED_INCOME)
        deal.then("customer_pays", amount="what is due")
        deal.then("ask_the_banks", banks="the demo banks")

        loan = deal.loan()
        again = deal.client("customer").post(
            f"/api/v1/financing/applications/{loan.pk}/offers/",
            {"banks": [str(Bank.objects.get(code="demo-volga").pk)], "consent": True},
            format="json",
        )
        assert again.status_code == 409, again.content
        assert again.json()["error"]["code"] == "loan_would_overpay"
        assert (loan.asks_banks, loan.credit_discount) == (False, Decimal("0.00"))
        assert not BankOffer.objects.filter(application_id=loan.pk).exists()
        order = deal.now()
        assert (order.total_amount, order.credit_discount) == (PRICE + 15000, Decimal("0.00"))
        assert ledger(order) == [("charge", Decimal("1015000.00"))]
