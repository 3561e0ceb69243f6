"""The dashboard's tiles as a table: what each one shows, how it is worked out from the
measures of a window, and which admin list it opens (docs/dashboard.md, "What each figure counts"). A new tile
is a row here and, where it needs a new measure, a selector in its app."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypedDict
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from catalog.choices import DEFAULT_CURRENCY
from common.figures import Period
from crm.selectors.dashboard import leads_by_source
from financing.selectors.dashboard import APPROVED
from orders.choices import PAID_STATUSES, source_label
from orders.selectors.dashboard import orders_by_source
from payments.choices import UNSETTLED_STATUSES

# One window's measures by name ("sold_revenue", "created", ...): sums of money and counts.
Measures = Mapping[str, Any]
Figure = str | int | None


class TileValues(TypedDict):
    value: Figure
    previous: Figure
    count: int | None
    href: str


class TileFigures(TypedDict):
    key: str
    label: str
    kind: str
    help: str
    values: dict[str, TileValues]


def money(measure: str) -> Callable[[Measures], str]:
    """A sum of money, with two decimals ("1234.50")."""
    return lambda f: as_money(f[measure])


def count(measure: str) -> Callable[[Measures], int]:
    return lambda f: f[measure]


def average(total: str, of: str) -> Callable[[Measures], str]:
    """`total` divided by `of`, as money; 0.00 when there is nothing to divide."""
    return lambda f: as_money(None if not f[of] else (f[total] or Decimal("0")) / f[of])


def percent(part: str, *whole: str) -> Callable[[Measures], str | None]:
    """`part` of the sum of `whole`, with one decimal ("66.7"); None when the sum is 0."""

    def value(f: Measures) -> str | None:
        total = sum(f[name] for name in whole)
        return None if not total else f"{Decimal(f[part] * 100) / Decimal(total):.1f}"

    return value


def counted(*measures: str) -> Callable[[Measures], int]:
    """How many rows a tile's value is made of: the sum of `measures`."""
    return lambda f: sum(f[name] for name in measures)


def as_money(value: Any) -> str:
    """Money as the figures carry it: a string with two decimals ("1234.50")."""
    return f"{(value or Decimal('0')):.2f}"


@dataclass(frozen=True)
class AdminList:
    """The admin's list of what a tile counts, filtered to the tile's period by the admin's
    date-range filter (django-admin-rangefilter) on `dated_by`, unless that is None."""

    model: str  # "app_label.model"
    dated_by: str | None = "created_at"
    filters: Mapping[str, str] = field(default_factory=dict)

    def href(self, period: Period) -> str:
        app_label, model = self.model.split(".")
        params = dict(self.filters)
        if self.dated_by:
            params[f"{self.dated_by}__range__gte"] = period.date_from.isoformat()
            params[f"{self.dated_by}__range__lte"] = period.date_to.isoformat()
        url = reverse(f"admin:{app_label}_{model}_changelist")
        return f"{url}?{urlencode(params)}" if params else url


@dataclass(frozen=True)
class Tile:
    key: str
    label: Promise
    kind: Literal["money", "count", "percent"]
    help: Promise
    value: Callable[[Measures], Figure]
    opens: AdminList
    # How many rows make the value: a money tile's sum, a percent tile's whole.
    count: Callable[[Measures], int] | None = None

    def figures(self, periods: list[Period], by_window: Mapping[str, Measures]) -> TileFigures:
        """The tile's value for each period and the period before it."""
        values: dict[str, TileValues] = {}
        for period in periods:
            current = by_window[period.key]
            values[period.key] = {
                "value": self.value(current),
                "previous": self.value(by_window[f"{period.key}_previous"]),
                "count": None if self.count is None else self.count(current),
                "href": self.opens.href(period),
            }
        return {
            "key": self.key,
            "label": str(self.label),
            "kind": self.kind,
            "help": str(self.help),
            "values": values,
        }


PAID_ORDERS = AdminList("orders.order", filters={"status__in": ",".join(PAID_STATUSES)})
LOANS = "financing.loanapplication"
POLICIES_PAID = AdminList("insurance.policy", filters={"status__in": "active,cancelled"})
# The work orders handed over: the list filters by the day they were opened (docs/dashboard.md).
SERVICE_HANDED_OVER = AdminList("service.workorder", filters={"status__in": "handed_over,closed"})

# In the order the page shows them. The measures are named by backoffice/dashboard.py.
TILES: tuple[Tile, ...] = (
    Tile(
        key="revenue",
        label=_("Revenue"),
        kind="money",
        help=_("Orders paid in the period: the sum of their totals."),
        value=money("sold_revenue"),
        count=count("sold_count"),
        opens=PAID_ORDERS,
    ),
    Tile(
        key="orders",
        label=_("Orders"),
        kind="count",
        help=_("Orders placed in the period, cancelled ones too."),
        value=count("created"),
        opens=AdminList("orders.order"),
    ),
    Tile(
        key="average_order",
        label=_("Average order"),
        kind="money",
        help=_("Revenue divided by the number of orders paid."),
        value=average("sold_revenue", of="sold_count"),
        count=count("sold_count"),
        opens=PAID_ORDERS,
    ),
    Tile(
        key="pending_payments",
        label=_("Pending payments"),
        kind="money",
        help=_("Payments started in the period and not captured yet."),
        value=money("pending_amount"),
        count=count("pending_count"),
        opens=AdminList(
            "payments.payment",
            filters={"status__in": ",".join(UNSETTLED_STATUSES), "currency": DEFAULT_CURRENCY},
        ),
    ),
    Tile(
        key="refunds",
        label=_("Refunds"),
        kind="money",
        help=_("Refunds asked for in the period and paid back."),
        value=money("refunds_amount"),
        count=count("refunds_count"),
        opens=AdminList("payments.refund", filters={"status__exact": "completed"}),
    ),
    Tile(
        key="loans_approved",
        label=_("Loans approved"),
        kind="count",
        help=_("Loan applications approved in the period."),
        value=count("loans_approved"),
        opens=AdminList(LOANS, filters={"status__in": ",".join(APPROVED)}),
    ),
    Tile(
        key="loans_declined",
        label=_("Loans declined"),
        kind="count",
        help=_("Loan applications declined in the period."),
        value=count("loans_declined"),
        opens=AdminList(LOANS, filters={"status__exact": "rejected"}),
    ),
    Tile(
        key="loans_disbursed",
        label=_("Loans disbursed"),
        kind="count",
        help=_("Loans the lender paid out in the period."),
        value=count("disbursed_count"),
        opens=AdminList(LOANS, filters={"status__in": "disbursed,returned"}),
    ),
    Tile(
        key="approval_rate",
        label=_("Approval rate"),
        kind="percent",
        help=_("Approved of the loan applications decided in the period."),
        value=percent("loans_approved", "loans_approved", "loans_declined"),
        count=counted("loans_approved", "loans_declined"),
        opens=AdminList(LOANS),
    ),
    Tile(
        key="policies_sold",
        label=_("Policies sold"),
        kind="count",
        help=_("Insurance policies whose premium was paid in the period."),
        value=count("policies_count"),
        opens=POLICIES_PAID,
    ),
    Tile(
        key="premium_collected",
        label=_("Premium collected"),
        kind="money",
        help=_("Premiums paid in the period."),
        value=money("policies_premium"),
        count=count("policies_count"),
        opens=POLICIES_PAID,
    ),
    Tile(
        key="test_drives_booked",
        label=_("Test drives booked"),
        kind="count",
        help=_("Test drives booked in the period, for any day."),
        value=count("drives_booked"),
        opens=AdminList("showroom.testdrive", dated_by=None),
    ),
    Tile(
        key="test_drives_completed",
        label=_("Test drives completed"),
        kind="count",
        help=_("Test drives due in the period that took place."),
        value=count("drives_completed"),
        opens=AdminList(
            "showroom.testdrive", dated_by="start_time", filters={"status__exact": "completed"}
        ),
    ),
    Tile(
        key="test_drives_no_show",
        label=_("No-shows"),
        kind="count",
        help=_("Test drives due in the period that the client missed."),
        value=count("drives_no_show"),
        opens=AdminList(
            "showroom.testdrive", dated_by="start_time", filters={"status__exact": "no_show"}
        ),
    ),
    Tile(
        key="registrations",
        label=_("Event registrations"),
        kind="count",
        help=_("Registrations for showroom events made in the period."),
        value=count("registrations_count"),
        opens=AdminList("showroom.registration"),
    ),
    Tile(
        key="new_clients",
        label=_("New clients"),
        kind="count",
        help=_("Clients who came to the CRM in the period."),
        value=count("clients_count"),
        opens=AdminList("crm.client"),
    ),
    Tile(
        key="lead_conversion",
        label=_("Lead → order"),
        kind="percent",
        help=_("Of the clients who came in the period, those who have placed an order since."),
        value=percent("clients_converted", "clients_count"),
        count=count("clients_converted"),
        opens=AdminList("crm.client"),
    ),
    Tile(
        key="used_stock",
        label=_("Used cars bought"),
        kind="money",
        help=_("Used cars taken into stock in the period (trade-ins): what the dealership paid."),
        value=money("used_paid"),
        count=count("used_count"),
        opens=AdminList("catalog.product", filters={"condition__exact": "used"}),
    ),
    # The service department (docs/dashboard.md, "Service").
    Tile(
        key="service_bay_load",
        label=_("Bay load"),
        kind="percent",
        help=_("Hours booked in the service bays of those they stand open in the period."),
        value=percent("service_booked", "service_open"),
        count=count("service_bookings"),
        opens=AdminList(
            "service.booking", dated_by="start_time", filters={"status__exact": "booked"}
        ),
    ),
    Tile(
        key="service_revenue",
        label=_("Service revenue"),
        kind="money",
        help=_("What customers pay for the work orders handed over in the period."),
        value=money("service_revenue"),
        count=count("service_orders"),
        opens=SERVICE_HANDED_OVER,
    ),
    Tile(
        key="service_average_order",
        label=_("Average work order"),
        kind="money",
        help=_("Service revenue divided by the work orders handed over with a sum to pay."),
        value=average("service_revenue", of="service_orders"),
        count=count("service_orders"),
        opens=SERVICE_HANDED_OVER,
    ),
    Tile(
        key="service_extra_approved",
        label=_("Extra work approved"),
        kind="percent",
        help=_("Approved of the proposed jobs decided in the period."),
        value=percent("service_approved", "service_approved", "service_declined"),
        count=counted("service_approved", "service_declined"),
        opens=AdminList("service.workorder", dated_by=None),
    ),
)


def sources_table(*, date_from, date_to, currency: str, showroom) -> list[dict[str, object]]:
    """Leads, orders and revenue per source over the charts' days (docs/feeds.md, "Sources"),
    the busiest first: the CRM's leads, and the orders placed and paid. Three queries."""
    leads = leads_by_source(date_from=date_from, date_to=date_to, showroom=showroom)
    orders = orders_by_source(
        date_from=date_from, date_to=date_to, currency=currency, showroom=showroom
    )

    def busiest(source: str) -> tuple[int, str]:
        placed = orders.get(source, {}).get("orders", 0)
        return -(leads.get(source, 0) + (placed if isinstance(placed, int) else 0)), source

    return [
        {
            "source": source,
            "label": source_label(source),
            "leads": leads.get(source, 0),
            "orders": orders.get(source, {}).get("orders", 0),
            "paid": orders.get(source, {}).get("paid", 0),
            "revenue": as_money(orders.get(source, {}).get("revenue")),
        }
        for source in sorted({*leads, *orders}, key=busiest)
    ]
