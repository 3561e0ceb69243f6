"""The planner's steps of a deal: an order and its vehicle, its loan, payments, cancellation
and insurance, drawn for one customer (demo/planner.py)."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from demo.plan import CANCEL_REASONS, MANAGERS, Person


class DealSteps:
    """The deal's steps of `Planner`, which holds the random source, the stock and the plan
    these steps add to."""

    rng: random.Random
    now: datetime
    vehicles: list[tuple]
    accessories: list[tuple]
    prices: dict[str, Decimal]
    after_sale: dict[str, tuple[str, str]]

    def add(self, at: datetime, action: str, **args) -> None:
        raise NotImplementedError

    def pick(self, goods: list[tuple], weights=None, quantity: int = 1) -> str | None:
        raise NotImplementedError

    def order(self, key: str, customer: Person, moment: datetime) -> None:
        rng = self.rng
        vehicle = rng.random() < 0.75 and self.pick(
            self.vehicles, [6 if price < 3_000_000 else 3 for _, price, _ in self.vehicles]
        )
        if vehicle:
            items = [(vehicle, 1)]
            if rng.random() < 0.3:
                accessory = self.pick(self.accessories)
                if accessory:
                    items.append((accessory, 1))
        else:
            quantity = rng.randint(1, 2)
            accessory = self.pick(self.accessories, quantity=quantity)
            if accessory is None:
                return
            items = [(accessory, quantity)]
        customer.orders += 1
        first = customer.orders == 1
        self.add(moment, "order", order=key, person=customer.key, items=items)
        paid_at = None
        if not vehicle:
            if rng.random() < 0.85:
                paid_at = moment + timedelta(minutes=rng.randint(10, 90))
                self.pay(key, customer, paid_at, rng.choice(["cash", "card"]), "rest")
            else:
                self.cancel(key, customer, moment + timedelta(hours=rng.randint(2, 20)))
            if paid_at and rng.random() < 0.12:  # part of it brought back: a staff refund
                self.after_sale[key] = ("0.5", "Один товар возвращён неиспользованным")
        else:
            customer.busy_until = moment + timedelta(days=7)
            price = sum((self.prices[name] * quantity for name, quantity in items), Decimal(0))
            paid_at = self.vehicle_deal(key, customer, moment, price)
        if paid_at is None:
            return
        if first:  # an hour after paying, and not before a manager has taken them on
            self.add(
                max(paid_at + timedelta(hours=1), customer.taken_at + timedelta(minutes=5)),
                "activate",
                person=customer.key,
                manager=customer.manager,
            )
        if vehicle and rng.random() < 0.35:
            self.insure(key, customer, paid_at + timedelta(hours=rng.randint(1, 20)))
        if paid_at < self.now - timedelta(days=10) and rng.random() < 0.55:
            processing = paid_at + timedelta(days=rng.randint(1, 3))
            self.add(processing, "status", order=key, status="processing", manager=customer.manager)
            if rng.random() < 0.7:
                done = processing + timedelta(days=rng.randint(2, 6))
                self.add(done, "status", order=key, status="completed", manager=customer.manager)
                # Money given back after the sale: before it, a refund would leave the order
                # owing what went back (docs/deal.md, "Cancelling").
                refund = self.after_sale.get(key)
                if refund and (at := done + timedelta(days=rng.randint(1, 3))) < self.now:
                    share, reason = refund
                    self.add(
                        at,
                        "refund",
                        order=key,
                        manager=customer.manager,
                        share=share,
                        reason=reason,
                    )

    def vehicle_deal(self, key: str, customer: Person, moment: datetime, price: Decimal):
        """How a car's order of `price` goes; returns when it was paid in full, if it was."""
        rng = self.rng
        r = rng.random()
        if r < 0.30:  # paid in full the same day
            paid_at = moment + timedelta(hours=rng.randint(1, 5))
            self.pay(key, customer, paid_at, rng.choice(["card", "bank_transfer"]), "rest")
            return paid_at
        if r < 0.45:  # a deposit now, the rest within days
            deposit_at = moment + timedelta(minutes=rng.randint(20, 90))
            self.pay(key, customer, deposit_at, "card", rng.choice(["0.10", "0.15", "0.20"]))
            paid_at = deposit_at + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 3))
            self.pay(key, customer, paid_at, "bank_transfer", "rest")
            return paid_at
        if r < 0.72:  # on credit
            return self.loan(key, customer, moment, price)
        if r < 0.82:  # the customer cancels before paying
            self.cancel(key, customer, moment + timedelta(hours=rng.randint(2, 20)))
            return None
        if r < 0.88:  # never paid: the dealership cancels it
            self.add(
                moment + timedelta(hours=rng.randint(24, 30)),
                "cancel",
                order=key,
                person=None,
                reason="Не оплачен вовремя",
            )
            return None
        if r < 0.94:  # paid, then cancelled: refunded in full
            paid_at = moment + timedelta(hours=rng.randint(1, 5))
            self.pay(key, customer, paid_at, "card", "rest")
            self.cancel(key, customer, paid_at + timedelta(days=rng.randint(1, 3)))
            return None
        paid_at = moment + timedelta(hours=rng.randint(1, 5))
        self.pay(key, customer, paid_at, "card", "rest")
        self.after_sale[key] = ("25000", "Скидка при выдаче в знак доброй воли")
        return paid_at

    def loan(self, key: str, customer: Person, moment: datetime, price: Decimal):
        rng = self.rng
        applied = moment + timedelta(minutes=rng.randint(15, 60))
        outcome = rng.choices(["approved", "review", "rejected"], weights=[60, 25, 15])[0]
        down = rng.choice(["0.20", "0.25", "0.30", "0.40"])
        term = rng.choice([24, 36, 48, 60])
        if (
            outcome == "approved"
            and price * (1 - Decimal(down)) > settings.FINANCING_AUTO_APPROVE_MAX
        ):
            outcome = "review"  # scoring approves no loan that large by itself: a manager does
        self.add(
            applied, "loan", order=key, person=customer.key, outcome=outcome, down=down, term=term
        )
        approved = outcome == "approved"
        if outcome == "review":
            decided = applied + timedelta(hours=rng.randint(3, 26))
            approved = rng.random() < 0.7
            self.add(
                decided,
                "loan_decide",
                order=key,
                manager=customer.manager,
                decision="approved" if approved else "rejected",
            )
            if approved and price * (1 - Decimal(down)) > settings.FINANCING_SECOND_APPROVAL_ABOVE:
                decided += timedelta(hours=rng.randint(1, 4))  # four eyes: another manager
                second = (customer.manager + 1) % len(MANAGERS)
                self.add(decided, "loan_decide", order=key, manager=second, decision="approved")
            applied = decided
        if not approved:
            if rng.random() < 0.5:
                paid_at = applied + timedelta(hours=rng.randint(2, 30))
                self.pay(key, customer, paid_at, "bank_transfer", "rest")
                return paid_at
            self.cancel(key, customer, applied + timedelta(hours=rng.randint(2, 20)))
            return None
        down_at = applied + timedelta(hours=rng.randint(1, 20))
        self.pay(key, customer, down_at, "card", "down")
        paid_at = down_at + timedelta(days=rng.randint(1, 3))
        self.add(paid_at, "loan_check", order=key)
        return paid_at

    def pay(self, key: str, customer: Person, at: datetime, method: str, share: str) -> None:
        self.add(at, "pay", order=key, person=customer.key, method=method, share=share)

    def cancel(self, key: str, customer: Person, at: datetime) -> None:
        reason = self.rng.choice(CANCEL_REASONS)
        self.add(at, "cancel", order=key, person=customer.key, reason=reason)

    def insure(self, key: str, customer: Person, at: datetime) -> None:
        rng = self.rng
        kind = rng.choice(["kasko", "kasko", "osago"])
        self.add(at, "insure", order=key, person=customer.key, kind=kind)
        if rng.random() < 0.1:
            return  # never paid: it lapses
        paid_at = at + timedelta(hours=rng.randint(1, 24))
        self.add(paid_at, "premium", order=key, person=customer.key)
        if paid_at < self.now - timedelta(days=15) and rng.random() < 0.2:
            filed = paid_at + timedelta(days=rng.randint(5, 12))
            self.add(
                filed,
                "claim",
                order=key,
                person=customer.key,
                amount=rng.choice(["30000", "45000", "62000", "120000"]),
            )
            decided = filed + timedelta(days=rng.randint(1, 4))
            if decided < self.now:
                self.add(
                    decided,
                    "claim_decide",
                    order=key,
                    manager=customer.manager,
                    approve=rng.random() < 0.65,
                )
