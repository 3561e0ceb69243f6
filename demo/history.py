"""Ninety days of dealership history for `manage.py seed_demo`, ending now: managers,
leads who become customers, a few hundred orders with their payments, loans, policies,
refunds and cancellations, showroom events and test drives (docs/operations.md, "Demo data").

It is made in two steps. `plan()` draws every step from a fixed seed, so that the history is
the same on every run; only "now" is the real one, so that it always ends today. `History`
then carries the steps out in time order through the services, each under a clock moved
to the step's moment (time-machine), so that every row, history entry, event, ledger row and
CRM timeline entry the step makes, in whichever app, carries that moment. In embedded mode
(and in the test suite) the events are delivered at once, so the consumers' rows do too.

A step the services refuse (a service that disagrees with the plan, say a car sold out
in services mode, where events arrive later) is skipped and counted, never fatal."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts import selectors as accounts_selectors
from accounts import services as accounts_services
from accounts.choices import Role
from catalog import demo as catalog_demo
from catalog import selectors as catalog_selectors
from common.api.exceptions import ApplicationError, NotFound
from common.money import to_cents
from crm import selectors as crm_selectors
from crm import services as crm_services
from demo.plan import (
    ADMIN_EMAIL,
    DAYS,
    INCOME_MULTIPLE,
    INSURANCE_DRIVER,
    MANAGERS,
    MARKER_EMAIL,
    VEHICLE_MIN_STOCK,
    DemoCar,
    Plan,
)
from demo.planner import Planner
from demo.service_history import ServiceVisits, service_days
from demo.service_plan import ServicePlanner
from financing import selectors as financing_selectors
from financing import services as financing_services
from insurance import services as insurance_services
from orders import services as orders_services
from payments import services as payments_services
from showroom import selectors as showroom_selectors
from showroom import services as showroom_services
from showroom.selectors.showrooms import showrooms_for_buyers

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class History(ServiceVisits):
    """Carries a plan out through the services, each step at its moment."""

    def __init__(self, stdout, verbosity: int):
        self.stdout = stdout
        self.verbosity = verbosity
        self.admin = demo_admin()
        self.managers: list = []
        self.users: dict = {}
        self.clients: dict = {}
        self.orders: dict = {}
        self.paid: dict[str, Decimal] = {}
        self.payments: dict[str, list] = {}
        self.applications: dict = {}
        self.policies: dict = {}
        self.claims: dict = {}
        self.events: dict = {}
        self.drives: dict = {}
        self.skipped = 0
        # What is on the lot by name: the cars of a model one by one (a product per car),
        # an accessory as its one product.
        self.products: dict[str, list] = defaultdict(list)
        on_sale = catalog_selectors.product_list().filter(stock_quantity__gt=0)
        for product in on_sale.order_by("created_at", "pk"):
            self.products[product.name].append(product)
        self.demo_cars = demo_cars_by_name(self.admin)
        self.visits_init()

    def run(self, plan: Plan) -> None:
        total = plan.count("order")
        done = 0
        with time_machine.travel(plan.steps[0].at, tick=False) as clock:
            for step in plan.steps:
                clock.move_to(step.at)
                try:
                    getattr(self, f"do_{step.action}")(**step.args)
                except (ApplicationError, NotFound, KeyError, LookupError) as exc:
                    self.skipped += 1
                    # Logged at any verbosity: the summary counts the skips, the log says why.
                    logger.warning("Demo step skipped: %s %s: %r", step.action, step.args, exc)
                    if self.verbosity > 1:
                        self.stdout.write(f"  skipped {step.action} {step.args}: {exc}")
                if step.action == "order":
                    done += 1
                    if done % 50 == 0 or done == total:
                        self.stdout.write(f"  Seeding orders: {done}/{total}")

    # -- people ----------------------------------------------------------------------
    def manager(self, index: int):
        return self.managers[index]

    def do_manager(self, *, index: int) -> None:
        email, full_name, phone = MANAGERS[index]
        user = accounts_selectors.user_get_by_email(email=email)
        if user is None:
            # The plan's salespeople sell in every showroom (docs/showrooms.md).
            user = accounts_services.user_create(
                actor=self.admin,
                email=email,
                role=Role.MANAGER,
                full_name=full_name,
                phone=phone,
                whole_group=True,
            )
        self.managers.append(user)

    def do_lead(self, *, person, name, email, phone, source, manager) -> None:
        self.clients[person] = crm_services.client_create(
            actor=self.manager(manager), name=name, email=email, phone=phone, source=source
        ).pk

    def do_activity(self, *, person, manager, kind, summary) -> None:
        crm_services.activity_log(
            client_id=self.clients[person], author=self.manager(manager), kind=kind, summary=summary
        )

    def do_register(self, *, person, name, email, phone) -> None:
        user = accounts_services.user_create(
            actor=self.admin, email=email, role=Role.CLIENT, full_name=name, phone=phone
        )
        # The customer follows the link of the verification e-mail, as buyers do before a
        # hold or a loan that scoring approves (docs/security.md, "Money only from money").
        token = accounts_services.email_verify_token(user=user)
        self.users[person] = accounts_services.email_verify_confirm(token=token)

    def client_of(self, person):
        """The person's CRM record: made or linked from their account's events."""
        if person not in self.clients:
            with transaction.atomic(using="crm"):
                client = crm_services.client_for_user(self.users[person].pk)
            self.clients[person] = client.pk
        return self.clients[person]

    def do_assign(self, *, person, manager) -> None:
        """The sign-up came in with the manager whose turn it was (docs/crm.md,
        "Assignment"); the plan's manager looks after them, so the admin reassigns the lead
        when the turn gave it to another, as an admin evening out the work would."""
        client_id = self.client_of(person)
        planned = self.manager(manager)
        client = crm_selectors.client_get(user=self.admin, client_id=client_id)
        if client.manager_id is None:  # assignment off (CRM_LEAD_ASSIGNMENT=none)
            crm_services.client_take(actor=planned, client_id=client_id)
        elif client.manager_id != planned.pk:
            crm_services.client_update(actor=self.admin, client_id=client_id, manager_id=planned.pk)

    def do_activate(self, *, person, manager) -> None:
        client_id = self.client_of(person)
        client = crm_selectors.client_get(user=self.admin, client_id=client_id)
        if client.status == "lead":
            crm_services.client_update(
                actor=self.manager(manager), client_id=client_id, status="active"
            )

    # -- orders and money ------------------------------------------------------------
    def do_order(self, *, order, person, items) -> None:
        created, _ = orders_services.order_create(
            customer=self.users[person],
            items=[{"product_id": self.unit(name).pk, "quantity": q} for name, q in items],
        )
        self.orders[order] = created
        self.paid[order] = Decimal("0.00")

    def unit(self, name: str):
        """A car of the model `name` not ordered yet in this run, or the accessory."""
        products = self.products[name]
        return products.pop(0) if products[0].kind == "vehicle" else products[0]

    def do_pay(self, *, order, person, method, share) -> None:
        placed = self.orders[order]
        if share == "rest":
            amount = placed.total_amount - self.paid[order]
        elif share == "down":
            amount = self.applications[order].down_payment
        else:
            amount = to_cents(placed.total_amount * Decimal(share))
        self._pay(person, amount, method, order_id=placed.pk, key=order)

    def _pay(self, person, amount: Decimal, method: str, *, key: str, **payable) -> None:
        number = len(self.payments.get(key, ())) + 1
        payment, _ = payments_services.payment_create(
            user=self.users[person],
            amount=amount,
            method=method,
            idempotency_key=f"demo-history-{key}-{number}",
            **payable,
        )
        # Embedded, the payment was charged as it was created; in services mode a worker
        # would charge it later: here and now, so that the history holds together.
        payment = payments_services.payment_process(payment_id=payment.pk)
        self.payments.setdefault(key, []).append(payment.pk)
        if payment.status == "completed" and "order_id" in payable:
            self.paid[key] += amount

    def do_cancel(self, *, order, person, reason) -> None:
        orders_services.order_status_set(
            order_id=self.orders[order].pk,
            status="cancelled",
            user=self.users[person] if person else None,
            reason=reason,
        )

    def do_status(self, *, order, status, manager) -> None:
        orders_services.order_status_set(
            order_id=self.orders[order].pk, status=status, user=self.manager(manager)
        )

    def do_refund(self, *, order, manager, share, reason) -> None:
        payment_id = self.payments[order][-1]
        placed = self.orders[order]
        amount = to_cents(placed.total_amount * Decimal(share)) if "." in share else Decimal(share)
        payments_services.payment_refund(
            payment_id=payment_id, reason=reason, amount=amount, user=self.manager(manager)
        )

    # -- loans -----------------------------------------------------------------------
    def do_loan(self, *, order, person, outcome, down, term) -> None:
        placed = self.orders[order]
        terms = {
            "vehicle_price": placed.total_amount,
            "down_payment": to_cents(placed.total_amount * Decimal(down)),
            "term_months": term,
            "financing_type": "car_loan",
        }
        offer = financing_selectors.loan_offer_today(**terms, monthly_income=Decimal(1))
        self.applications[order] = financing_services.application_create(
            user=self.users[person],
            order_id=placed.pk,
            employment_status="employed",
            monthly_income=to_cents(offer.monthly_payment * INCOME_MULTIPLE[outcome]),
            **terms,
        )

    def do_loan_decide(self, *, order, manager, decision) -> None:
        financing_services.application_decide(
            application_id=self.applications[order].pk,
            decision=decision,
            reason="Доход подтверждён работодателем"
            if decision == "approved"
            else "Доход не подтверждён",
            user=self.manager(manager),
        )

    def do_loan_check(self, *, order) -> None:
        """The lender pays out (the fake lender has by now, in any mode)."""
        application = self.applications[order]
        status = (
            financing_selectors.application_list(user=self.admin)
            .filter(pk=application.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status == "approved":
            financing_services.lenders_poll()

    # -- insurance -------------------------------------------------------------------
    def do_insure(self, *, order, person, kind) -> None:
        placed = self.orders[order]
        car = next(iter(catalog_selectors.vehicles_get(product_ids=placed_products(placed))))
        quote = insurance_services.quote_create(
            user=self.users[person],
            order_id=placed.pk,
            insurance_type=kind,
            product_id=car,
            engine_power_hp=150 if kind == "osago" else None,
            **INSURANCE_DRIVER,
        )
        self.policies[order] = insurance_services.quote_purchase(quote_id=quote.pk)

    def do_premium(self, *, order, person) -> None:
        policy = self.policies[order]
        self._pay(person, policy.premium, "card", policy_id=policy.pk, key=f"{order}-premium")

    def do_claim(self, *, order, person, amount) -> None:
        self.claims[order] = insurance_services.claim_file(
            policy_id=self.policies[order].pk,
            user=self.users[person],
            incident_date=timezone.localdate() - timedelta(days=1),
            description="Повреждение заявлено в страховой отдел салона",
            amount_claimed=Decimal(amount),
        )

    def do_claim_decide(self, *, order, manager, approve) -> None:
        claim = self.claims[order]
        insurance_services.claim_decide(
            claim_id=claim.pk,
            user=self.manager(manager),
            decision="approved" if approve else "rejected",
            amount_approved=to_cents(claim.amount_claimed * Decimal("0.9")) if approve else None,
            reason="Смета ремонта партнёрского кузовного цеха" if approve else "Не покрыто полисом",
        )

    # -- the showroom ----------------------------------------------------------------
    def do_event(self, *, event, category, title, description, start, capacity) -> None:
        starts = datetime.fromisoformat(start)
        found = showroom_selectors.category_list().filter(name=category).first()
        category_id = (found or showroom_services.category_create(name=category)).pk
        self.events[event] = showroom_services.event_create(
            user=self.admin,
            title=title,
            description=description,
            category_id=category_id,
            start_date=starts,
            end_date=starts + timedelta(hours=6),
            location="Главный зал салона",
            capacity=capacity,
            status="published",
        ).pk

    def do_event_register(self, *, event, person) -> None:
        showroom_services.registration_create(event_id=self.events[event], user=self.users[person])

    def do_event_finish(self, *, event) -> None:
        showroom_services.event_update(event_id=self.events[event], status="finished")

    def do_drive_book(self, *, drive, person, car, start) -> None:
        starts = datetime.fromisoformat(start)
        self.drives[drive] = showroom_services.test_drive_book(
            user=self.users[person],
            vehicle_id=self.demo_cars[car][0],
            start_time=starts,
            end_time=starts + timedelta(hours=1),
        ).pk

    def do_drive_cancel(self, *, drive) -> None:
        showroom_services.test_drive_cancel(test_drive_id=self.drives[drive])

    def do_drive_outcome(self, *, drive, outcome, manager) -> None:
        showroom_services.test_drive_outcome_set(
            test_drive_id=self.drives[drive], outcome=outcome, user=self.manager(manager)
        )


def placed_products(order) -> set:
    return {item.product_id for item in order.line_items}


def catalog_for_plan() -> tuple[list, list]:
    """What the plan may sell, by name and in name order, as the catalog's demo declares it
    (not as the database holds it now): the same plan before and after a run. Every model
    keeps a few on the lot for the small demo's orders."""
    vehicles = [
        (model.name, Decimal(model.price), model.units - 3)
        for model in catalog_demo.NEW
        if model.units >= VEHICLE_MIN_STOCK
    ]
    accessories = [
        (name, Decimal(price), stock - 3) for name, price, stock in catalog_demo.ACCESSORIES
    ]
    return sorted(vehicles), sorted(accessories)


def demo_admin() -> "User":
    """The demo's admin, whom the history's staff steps act as (`seed` checks it is there)."""
    admin = accounts_selectors.user_get_by_email(email=ADMIN_EMAIL)
    if admin is None:
        raise LookupError(f"No {ADMIN_EMAIL}: the history comes after the demo's users.")
    return admin


def demo_cars_by_name(admin: "User") -> dict[str, tuple[UUID, UUID | None]]:
    """The demo cars of the showroom by their vehicle's name, what a test drive books: the
    vehicle's id and the showroom's the car stands in."""
    names = {p.pk: p.name for p in catalog_selectors.product_list()}
    return {
        names[r.vehicle_id]: (r.vehicle_id, r.showroom_id)
        for r in showroom_selectors.resource_list(user=admin).filter(vehicle_id__isnull=False)
        if r.vehicle_id is not None and r.vehicle_id in names
    }


def demo_cars(admin: "User") -> list[DemoCar]:
    """The demo cars by name, each with the days its showroom opens (every day where it
    stands in none): the plan books a drive only on those."""
    showrooms = {card.id: card for card in showrooms_for_buyers()}
    cars = []
    for name, (_, showroom_id) in sorted(demo_cars_by_name(admin).items()):
        card = showrooms.get(showroom_id) if showroom_id else None
        if card is None:
            cars.append(DemoCar(name, frozenset(range(1, 8))))
            continue
        weekdays = frozenset(day.weekday for day in card.week if day.opens and day.closes)
        closed = frozenset(day for day, opens, closes in card.holidays if not (opens and closes))
        cars.append(DemoCar(name, weekdays, closed))
    return cars


def plan(now: datetime | None = None) -> Plan:
    cars = demo_cars(demo_admin())
    vehicles, accessories = catalog_for_plan()
    # To the minute: a run makes the plan a few seconds after it started.
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    sales = Planner(now, vehicles, accessories, cars).build()
    # The service's visits, drawn after the sales from their buyers (demo/service_plan.py).
    return ServicePlanner(sales, service_days(), {name for name, _, _ in vehicles}).build()


def history_exists() -> bool:
    return accounts_selectors.user_get_by_email(email=MARKER_EMAIL) is not None


def seed(stdout, *, verbosity: int = 1, now: datetime | None = None) -> History | None:
    if history_exists() or accounts_selectors.user_get_by_email(email=ADMIN_EMAIL) is None:
        return None
    the_plan = plan(now)
    stdout.write(
        f"  {DAYS} days of history: {len(the_plan.steps)} steps, "
        f"{the_plan.count('order')} orders, {the_plan.count('register')} customers, "
        f"{the_plan.count('service_sign')} service visits "
        f"(plan {the_plan.fingerprint()[:12]})"
    )
    history = History(stdout, verbosity)
    history.run(the_plan)
    stdout.write(f"  history done ({history.skipped} steps skipped)")
    return history
