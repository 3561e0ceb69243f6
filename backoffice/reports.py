"""The sales report: the orders sold in a range of dealership days, totalled by day, week or
month, by model, by manager and by payment provider, each order with its loans and policies
(docs/admin.md, "Reports"). The staff page (backoffice/views.py) shows it, and it is
downloaded as CSV or XLSX there (backoffice/exports.py) or written by `manage.py sales_report`.

A sale is `orders.selectors.dashboard.sold_orders`, the dashboard's own definition, and revenue is the
sum of those orders' `total_amount`: the report matches the dashboard to the kopeck.

The back office reads each app's data through that app's own `selectors.sales`. The orders are read a chunk at a time (keyset pagination on (sold_at, id)) and
each chunk's payments, loans, policies, managers and vehicles by IN-lists on their own
databases: a year of orders is never in memory, only the totals, which are small (one entry
per period, model, manager and provider)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from uuid import UUID

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_cards
from catalog.choices import DEFAULT_CURRENCY
from catalog.selectors import vehicles_get
from common.figures import EVERY_SHOWROOM, ShowroomPick, dealership_today, dealership_zone
from crm.selectors.sales import customer_managers
from financing.choices import ApplicationStatus
from financing.selectors.sales import order_loans
from insurance.choices import InsuranceType, PolicyStatus
from insurance.selectors.sales import order_policies
from orders.choices import OrderStatus, source_label
from orders.selectors.sales import SoldOrder, sold_order_chunks
from payments.choices import provider_label
from payments.selectors.sales import order_payments

GROUPS = {"day": _("by day"), "week": _("by week"), "month": _("by month")}
MAX_DAYS = 366
CHUNK_SIZE = 1000
ZERO = Decimal("0.00")
# A loan in this status has been paid out by the lender.
DISBURSED = ApplicationStatus.DISBURSED


class ReportQueryError(ValueError):
    """A query string the report cannot answer; its message is for the person who sent it."""


@dataclass(frozen=True)
class ReportQuery:
    date_from: date
    date_to: date
    group: str = "day"
    # Whose sales: the whole group's, a showroom's or the group's own (common.figures).
    showroom: ShowroomPick = EVERY_SHOWROOM

    @property
    def file_stem(self) -> str:
        return f"sales-{self.date_from.isoformat()}-{self.date_to.isoformat()}-{self.group}"


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportQueryError(
            gettext("“%(name)s” must be a date such as 2026-01-31, not “%(value)s”.")
            % {"name": name, "value": value[:40]}
        ) from None


def report_query(params) -> ReportQuery:
    """The report asked for by `params` (`from`, `to`, `group`; a query string or the
    command's options). Without dates: this month up to today, by day."""
    today = dealership_today()
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    date_from = _parse_day(raw_from, "from") if raw_from else today.replace(day=1)
    date_to = _parse_day(raw_to, "to") if raw_to else today
    group = (params.get("group") or "day").strip()
    if group not in GROUPS:
        raise ReportQueryError(
            gettext("“group” must be day, week or month, not “%(value)s”.") % {"value": group[:40]}
        )
    if date_from > date_to:
        raise ReportQueryError(gettext("The start of the range is after its end."))
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ReportQueryError(
            gettext("A report covers at most %(days)d days; choose a shorter range.")
            % {"days": MAX_DAYS}
        )
    return ReportQuery(date_from, date_to, group)


def period_start(day: date, group: str) -> date:
    if group == "week":
        return day - timedelta(days=day.weekday())  # weeks begin on Monday in Russia
    if group == "month":
        return day.replace(day=1)
    return day


def period_starts(query: ReportQuery) -> list[date]:
    """Every period of the range, the empty ones too, so that a chart shows the gaps."""
    starts, day = [], period_start(query.date_from, query.group)
    while day <= query.date_to:
        starts.append(day)
        if query.group == "month":
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if query.group == "week" else 1)
    return starts


@dataclass
class Tally:
    """Orders and money of one line of a breakdown, in one currency."""

    orders: int = 0
    units: int = 0
    revenue: Decimal = ZERO
    paid: Decimal = ZERO
    refunded: Decimal = ZERO


@dataclass(frozen=True)
class OrderRow:
    """One sold order as the report lists it."""

    id: UUID
    number: str
    sold_at: datetime  # on the dealership's clock
    period: date
    customer_name: str
    customer_email: str
    manager: str
    vehicles: str
    status: str
    currency: str
    total_amount: Decimal
    paid_amount: Decimal
    providers: str
    loans: str
    loans_disbursed: Decimal
    policies: str
    premiums: Decimal


OTHER_PRODUCTS = _("Other products")
NO_MANAGER = _("No manager")


@dataclass
class SalesReport:
    """The report of `query`: every order sold of its showroom picked, whoever reads it, as
    on the dashboard (docs/dashboard.md, "Who sees what"). Iterating `rows()` once fills the
    totals; `totals()` runs it without keeping the rows when nobody has."""

    query: ReportQuery
    chunk_size: int = CHUNK_SIZE
    by_period: dict[tuple[date, str], Tally] = field(default_factory=dict)
    by_model: dict[tuple[str, str], Tally] = field(default_factory=dict)
    by_manager: dict[tuple[str, str], Tally] = field(default_factory=dict)
    by_source: dict[tuple[str, str], Tally] = field(default_factory=dict)
    by_provider: dict[tuple[str, str], Tally] = field(default_factory=dict)
    total: dict[str, Tally] = field(default_factory=dict)
    _done: bool = False
    _manager_names: dict[str, str] = field(default_factory=dict)

    def rows(self) -> Iterator[OrderRow]:
        if self._done:
            raise RuntimeError("A report is read once.")
        zone = dealership_zone()
        chunks = sold_order_chunks(
            date_from=self.query.date_from,
            date_to=self.query.date_to,
            showroom=self.query.showroom,
            size=self.chunk_size,
        )
        for chunk in chunks:
            order_ids = [order.id for order in chunk]
            payments = order_payments(order_ids=order_ids)
            loans = order_loans(order_ids=order_ids)
            policies = order_policies(order_ids=order_ids)
            managers = customer_managers(customer_ids=list({o.customer_id for o in chunk}))
            self._learn_managers(managers.values())
            vehicles = vehicles_get(
                product_ids={line.product_id for o in chunk for line in o.lines if line.is_vehicle}
            )
            for order in chunk:
                manager_id = managers.get(order.customer_id)
                yield self._row(
                    order,
                    zone=zone,
                    manager=self._manager_names.get(str(manager_id), "") if manager_id else "",
                    vehicles=vehicles,
                    payments=payments.get(order.id, []),
                    loans=loans.get(order.id, []),
                    policies=policies.get(order.id, []),
                )
        self._done = True

    def totals(self) -> "SalesReport":
        if not self._done:
            for _row in self.rows():
                pass
        return self

    def _learn_managers(self, manager_ids: Iterable[UUID]) -> None:
        # Managers are few: each is read once, however many chunks name them.
        unknown = {str(m) for m in manager_ids} - set(self._manager_names)
        for user_id, card in user_cards(user_ids=unknown).items():
            self._manager_names[user_id] = card.full_name or card.email

    def _row(self, order: SoldOrder, *, zone, manager, vehicles, payments, loans, policies):
        currency = order.currency
        sold_at = order.sold_at.astimezone(zone)
        period = period_start(sold_at.date(), self.query.group)
        for line in (
            self.by_period.setdefault((period, currency), Tally()),
            self.by_manager.setdefault((manager or "", currency), Tally()),
            self.by_source.setdefault((source_label(order.source), currency), Tally()),
        ):
            line.orders += 1
            line.revenue += order.total_amount
            line.paid += order.paid_amount
        total = self.total.setdefault(currency, Tally())
        total.orders += 1
        total.revenue += order.total_amount
        total.paid += order.paid_amount
        # Each line goes to its vehicle's model, accessories to one line of their own: the
        # models add up to the revenue.
        names, counted = [], set()
        for item in order.lines:
            vehicle = vehicles.get(item.product_id) if item.is_vehicle else None
            model = (
                f"{vehicle.make} {vehicle.model}".strip() if vehicle else None
            ) or item.product_name
            key = (model if item.is_vehicle else "", currency)
            line = self.by_model.setdefault(key, Tally())
            if key not in counted:
                line.orders += 1
                counted.add(key)
            line.units += item.quantity
            line.revenue += item.line_total
            names.append(model if item.quantity == 1 else f"{model} × {item.quantity}")
        for payment in payments:
            line = self.by_provider.setdefault(
                (provider_label(payment.provider), payment.currency), Tally()
            )
            line.orders += 1
            line.paid += payment.amount
            line.refunded += payment.refunded_amount
        return OrderRow(
            id=order.id,
            number=order.number,
            sold_at=sold_at,
            period=period,
            customer_name=order.customer_name,
            customer_email=order.customer_email,
            manager=manager,
            vehicles="; ".join(names),
            status=_label(OrderStatus, order.status),
            currency=currency,
            total_amount=order.total_amount,
            paid_amount=order.paid_amount,
            providers=", ".join(sorted({provider_label(p.provider) for p in payments})),
            loans="; ".join(
                f"{_label(ApplicationStatus, loan.status)} {loan.loan_amount} {loan.currency}"
                for loan in loans
            ),
            loans_disbursed=sum(
                (loan.loan_amount for loan in loans if loan.status == DISBURSED), ZERO
            ),
            policies="; ".join(
                f"{_insurance_type(p.insurance_type)} {p.number} {p.premium} {p.currency} "
                f"({_label(PolicyStatus, p.status)})"
                for p in policies
            ),
            premiums=sum((p.premium for p in policies), ZERO),
        )

    # The breakdowns as rows for a table, a sheet or the page, biggest first.

    def total_lines(self) -> list[tuple[str, Tally]]:
        """The totals by currency; an empty report totals nothing in roubles."""
        return sorted(self.total.items()) or [(DEFAULT_CURRENCY, Tally())]

    def period_lines(self) -> list[tuple[date, str, Tally]]:
        currencies = [currency for currency, _tally in self.total_lines()]
        return [
            (start, currency, self.by_period.get((start, currency), Tally()))
            for start in period_starts(self.query)
            for currency in currencies
        ]

    def model_lines(self) -> list[tuple[str, str, Tally]]:
        return _biggest_first(self.by_model, str(OTHER_PRODUCTS))

    def manager_lines(self) -> list[tuple[str, str, Tally]]:
        return _biggest_first(self.by_manager, str(NO_MANAGER))

    def source_lines(self) -> list[tuple[str, str, Tally]]:
        """Where the buyers came from (docs/feeds.md, "Sources")."""
        return _biggest_first(self.by_source, "")

    def provider_lines(self) -> list[tuple[str, str, Tally]]:
        return [
            (name, currency, tally)
            for (name, currency), tally in sorted(
                self.by_provider.items(), key=lambda item: (-item[1].paid, item[0])
            )
        ]


def _biggest_first(lines: dict, blank: str) -> list[tuple[str, str, Tally]]:
    ordered = sorted(lines.items(), key=lambda item: (-item[1].revenue, item[0]))
    return [(name or blank, currency, tally) for (name, currency), tally in ordered]


def _label(choices, value: str) -> str:
    # Read once per report and language: a lazy label costs a catalogue look-up per use.
    return _labels(choices, get_language()).get(value, value)


@cache
def _labels(choices, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _insurance_type(value: str) -> str:
    # The short name (OSAGO, KASKO) reads better in a cell than the long label.
    return value.upper() if value in InsuranceType.values else value
