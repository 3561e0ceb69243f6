"""What a car saves with a loan, as the feeds state it (docs/feeds.md, "Discounts"): the
largest of the dealer's credit discounts in force today that a car can take, by the rules
financing applies when an application goes to the banks (`financing.offers`), read from
this app's copy of them."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from catalog.selectors.feeds import FeedVehicle
from integrations.models import CreditDiscount

DB = "integrations"


@dataclass(frozen=True)
class Discounts:
    rules: tuple[CreditDiscount, ...]

    @classmethod
    def in_force(cls, day: date | None = None) -> "Discounts":
        """The credit discounts offered on `day` (today by default), largest first."""
        day = day or timezone.localdate()
        rules = CreditDiscount.objects.using(DB).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            is_active=True,
            valid_from__lte=day,
        )
        return cls(tuple(rules.order_by("-amount", "id")))

    def credit(self, car: FeedVehicle) -> Decimal | None:
        """The largest discount `car` can take: for its kind of car, make and price, the loan
        after it at least the discount's least (the buyer may borrow the whole price after
        it; the term is theirs to choose). None: none holds."""
        for rule in self.rules:  # largest first
            if (
                (not rule.condition or rule.condition == car.condition)
                and (rule.max_price is None or car.price <= rule.max_price)
                and (not rule.makes or car.make.casefold() in {m.casefold() for m in rule.makes})
                and car.price - rule.amount >= max(rule.min_loan_amount, Decimal("0.01"))
            ):
                return rule.amount
        return None
