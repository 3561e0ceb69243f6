"""The service department's steps of the demo history (demo/service_plan.py draws them):
carried out through the service app's services, and payments' for the money, by each
showroom's advisor (its manager, demo/staff.py) and the customers, at each step's moment
as every step of `History` is (docs/service.md, "Demo")."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from demo import staff
from demo.service_plan import ServiceDays
from payments import services as payments_services
from service import demo as service_demo
from service import selectors as service_selectors
from service import services as service_services
from service.choices import LineKind, LineState, WarrantyClaimStatus
from showroom.selectors.showrooms import showrooms_for_buyers

if TYPE_CHECKING:
    from accounts.models import User

FUEL = ["quarter", "half", "half", "three_quarters", "full"]


def service_days() -> ServiceDays:
    """The demo showrooms with an advisor, and the days all of them open (their cards' week
    and days off): the plan books visits on those."""
    names = {name for name, _, _ in staff.MANAGERS}
    cards = [card for card in showrooms_for_buyers() if card.name in names]
    weekdays = frozenset(range(1, 8))
    closed: frozenset = frozenset()
    for card in cards:
        weekdays &= frozenset(day.weekday for day in card.week if day.opens and day.closes)
        closed |= frozenset(day for day, opens, closes in card.holidays if not (opens and closes))
    return ServiceDays(tuple(sorted(card.name for card in cards)), weekdays, closed)


class ServiceVisits:
    """The service's steps of `History`, which holds the people and the orders they name."""

    users: dict
    orders: dict

    def visits_init(self) -> None:
        showrooms = {card.name: card.id for card in showrooms_for_buyers()}
        self.service_showrooms: dict[str, Any] = {}  # name: (showroom id, its advisor)
        for name, email, _ in staff.MANAGERS:
            advisor = accounts_selectors.user_get_by_email(email=email)
            if name in showrooms and advisor is not None:
                self.service_showrooms[name] = (showrooms[name], advisor)
        self.catalogue = service_demo.catalogue_ids()
        # visit: (work order id, its advisor, its customer's account or None), and the
        # booking of one booked.
        self.visits: dict[str, tuple[Any, User, User | None]] = {}
        self.bookings: dict[str, tuple[Any, User, User, dict]] = {}
        self.proposed: dict[str, list] = {}

    def _advisor_of(self, showroom_id) -> "User":
        for shown_id, advisor in self.service_showrooms.values():
            if str(shown_id) == str(showroom_id):
                return advisor
        raise LookupError(f"No demo advisor in the showroom {showroom_id}")

    # -- the car comes in ------------------------------------------------------------
    def do_service_book(self, *, visit, person, order, complaint, driven, start) -> None:
        """The buyer books their car, the one of their order, in the showroom it was sold
        from (the first with a service where it stood in none)."""
        product_ids = {item.product_id for item in self.orders[order].line_items}
        cars = catalog_selectors.vehicles_get(product_ids=product_ids).values()
        car = next(iter(cars), None)
        if car is None:
            raise LookupError(f"No car in the order {order}")
        showroom_id = catalog_selectors.vehicle_showroom_id(vehicle_id=car.product_id)
        if showroom_id is None or not any(
            str(showroom_id) == str(shown) for shown, _ in self.service_showrooms.values()
        ):
            showroom_id = next(iter(self.service_showrooms.values()))[0]
        customer = self.users[person]
        booking = service_services.booking_create(
            user=customer,
            showroom_id=showroom_id,
            start_time=datetime.fromisoformat(start),
            complaint=complaint,
            vin=car.vin,
            mileage_km=(car.mileage_km or 0) + driven,
            name=customer.full_name,
            phone=str(customer.phone),
            email=customer.email,
        )
        car_terms = {"make": car.make, "model": car.model, "year": car.year}
        self.bookings[visit] = (booking.pk, self._advisor_of(showroom_id), customer, car_terms)

    def do_service_open(self, *, visit, lines) -> None:
        booking_id, advisor, customer, car = self.bookings[visit]
        work_order = service_services.work_order_open(
            user=advisor, booking_id=booking_id, fuel_level=FUEL[len(self.visits) % 5], **car
        )
        self.visits[visit] = (work_order.pk, advisor, customer)
        self._lines(visit, lines)

    def do_service_drive_in(self, *, visit, showroom, name, phone, mileage, lines, **car) -> None:
        showroom_id, advisor = self.service_showrooms[showroom]
        work_order = service_services.work_order_open(
            user=advisor,
            showroom_id=showroom_id,
            customer_name=name,
            customer_phone=phone,
            mileage_in=mileage,
            fuel_level=FUEL[len(self.visits) % 5],
            **car,
        )
        self.visits[visit] = (work_order.pk, advisor, None)
        self._lines(visit, lines)

    def _lines(self, visit: str, lines: list) -> list:
        """Add the plan's lines, a maintenance menu's operations and parts for ["menu", name]."""
        work_order_id, advisor, _ = self.visits[visit]
        added = []
        for kind, *spec, pay_type in self._spelled(work_order_id, advisor, lines):
            data: dict[str, Any] = {"pay_type": pay_type}
            if kind == "op":
                data.update(kind=LineKind.LABOUR, operation_id=self.catalogue[spec[0]])
            elif kind == "part":
                data.update(
                    kind=LineKind.PART, part_id=self.catalogue[spec[0]], quantity=Decimal(spec[1])
                )
            elif kind == "work":
                data.update(kind=LineKind.LABOUR, name=spec[0], norm_hours=Decimal(spec[1]))
            else:
                data.update(kind=LineKind.PART, name=spec[0], unit_price=Decimal(spec[1]))
            line = service_services.line_add(user=advisor, work_order_id=work_order_id, **data)
            added.append(line.pk)
        return added

    def _spelled(self, work_order_id, advisor, lines: list) -> list:
        spelled = []
        for line in lines:
            if line[0] != "menu":
                spelled.append(line)
                continue
            work_order = service_selectors.work_order_get(user=advisor, work_order_id=work_order_id)
            menu = (
                service_selectors.menu_list()
                .filter(make=work_order.make, model=work_order.model, name=line[1])
                .first()
            )
            if menu is None:
                raise LookupError(f"No {line[1]} for {work_order.make} {work_order.model}")
            codes = {pk: code for code, pk in self.catalogue.items()}
            spelled += [["op", codes[op.pk], "customer"] for op in menu.operations.all()]
            spelled += [
                ["part", codes[part.part_id], str(part.quantity), "customer"]
                for part in menu.parts.all()
            ]
        return spelled

    # -- its course ------------------------------------------------------------------
    def do_service_sign(self, *, visit, how, instruction, limit) -> None:
        work_order_id, advisor, customer = self.visits[visit]
        service_services.work_order_sign(
            user=customer if how == "site" else advisor,
            work_order_id=work_order_id,
            channel=how,
            instruction=instruction,
            instruction_limit=Decimal(limit),
        )

    def do_service_start(self, *, visit) -> None:
        work_order_id, advisor, _ = self.visits[visit]
        service_services.work_order_start(user=advisor, work_order_id=work_order_id)

    def do_service_propose(self, *, visit, lines) -> None:
        self.proposed[visit] = self._lines(visit, lines)

    def do_service_decide(self, *, visit, approve, channel) -> None:
        """The customer's word on each job proposed, on the site or by phone to the advisor;
        one their advance instruction decided is not asked about."""
        work_order_id, advisor, customer = self.visits[visit]
        work_order = service_selectors.work_order_get(user=advisor, work_order_id=work_order_id)
        waiting = {line.pk for line in work_order.lines.all() if line.state == LineState.PROPOSED}
        for line_id in self.proposed[visit]:
            if line_id in waiting:
                service_services.line_decide(
                    user=customer if channel == "site" else advisor,
                    work_order_id=work_order_id,
                    line_id=line_id,
                    approve=approve,
                    channel=channel,
                )

    def do_service_done(self, *, visit, mechanic) -> None:
        """The technician's jobs marked done, each by name (the completion act's "by whom")."""
        work_order_id, advisor, _ = self.visits[visit]
        work_order = service_selectors.work_order_get(user=advisor, work_order_id=work_order_id)
        for line in work_order.lines_counted():
            if line.kind == LineKind.LABOUR and line.done_at is None:
                service_services.line_done(
                    user=advisor, work_order_id=work_order_id, line_id=line.pk, mechanic=mechanic
                )

    def do_service_complete(self, *, visit) -> None:
        work_order_id, advisor, _ = self.visits[visit]
        service_services.work_order_complete(user=advisor, work_order_id=work_order_id)

    def do_service_pay(self, *, visit, method) -> None:
        """What the customer owes, paid: by card from their account, or at the cash desk,
        taken by the advisor (a walk-in has no account)."""
        work_order_id, advisor, customer = self.visits[visit]
        work_order = service_selectors.work_order_get(user=advisor, work_order_id=work_order_id)
        if work_order.balance <= 0:
            return  # the warranty paid for it all
        payment, _ = payments_services.payment_create(
            user=customer if customer is not None and method == "card" else advisor,
            amount=work_order.balance,
            method=method,
            work_order_id=work_order_id,
            idempotency_key=f"demo-history-{visit}-1",
        )
        payments_services.payment_process(payment_id=payment.pk)

    def do_service_hand_over(self, *, visit, km) -> None:
        work_order_id, advisor, _ = self.visits[visit]
        work_order = service_selectors.work_order_get(user=advisor, work_order_id=work_order_id)
        service_services.work_order_hand_over(
            user=advisor, work_order_id=work_order_id, mileage_out=work_order.mileage_in + km
        )

    def do_service_close(self, *, visit) -> None:
        work_order_id, advisor, _ = self.visits[visit]
        service_services.work_order_close(user=advisor, work_order_id=work_order_id)

    def do_service_claim(self, *, visit, status, note) -> None:
        """The warranty claim the done order opened, moved as the manufacturer answers."""
        work_order_id, advisor, _ = self.visits[visit]
        claim = (
            service_selectors.warranty_claim_list(user=advisor)
            .filter(work_order_id=work_order_id)
            .first()
        )
        if claim is None:
            raise LookupError(f"No warranty claim of {visit}")
        service_services.warranty_claim_move(
            user=advisor, claim_id=claim.pk, status=WarrantyClaimStatus(status), note=note
        )

    def do_service_parts(self) -> None:
        """The week's delivery: every showroom's shelf topped up."""
        for showroom_id, _ in self.service_showrooms.values():
            service_demo.shelves_top_up(showroom_id)
