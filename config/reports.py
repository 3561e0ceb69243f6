"""The sales report: the orders sold in a range of dealership days, totalled by day, week or
month, by model, by manager and by payment provider, each order with its loans and policies
(docs/admin.md, "Reports"). The staff page (config/report_pages.py) shows it, and it is
downloaded as CSV or XLSX there or written by `manage.py sales_report`.

A sale is `orders.figures.sold_orders`, the dashboard's own definition, and revenue is the
sum of those orders' `total_amount`: the report matches the dashboard to the kopeck.

config sits above every app, so it reads each app's data through that app's own `reports`
selectors. The orders are read a chunk at a time (keyset pagination on (sold_at, id)) and
each chunk's payments, loans, policies, managers and vehicles by IN-lists on their own
databases: a year of orders is never in memory, only the totals, which are small (one entry
per period, model, manager and provider)."""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import IO
from uuid import UUID

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_cards
from catalog.choices import DEFAULT_CURRENCY
from catalog.selectors import vehicles_get
from common.figures import dealership_today, dealership_zone
from common.spreadsheets import QUOTING, cell_escape
from crm.figures import manager_customers
from crm.reports import customer_managers
from financing.choices import ApplicationStatus
from financing.reports import order_loans
from insurance.choices import InsuranceType, PolicyStatus
from insurance.reports import order_policies
from orders.choices import OrderStatus
from orders.reports import SoldOrder, sold_order_chunks
from payments.choices import provider_label
from payments.reports import order_payments

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


def report_customers(user) -> list[UUID] | None:
    """Whose orders `user` sees: an admin everyone's (None), a manager their own CRM
    clients' (the dashboard's scope, `crm.figures.manager_customers`)."""
    return None if user is None else manager_customers(user=user)


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
    """The report of `query` for the orders of `customers` (None: all). Iterating `rows()`
    once fills the totals; `totals()` runs it without keeping the rows when nobody has."""

    query: ReportQuery
    customers: list[UUID] | None = None
    chunk_size: int = CHUNK_SIZE
    by_period: dict[tuple[date, str], Tally] = field(default_factory=dict)
    by_model: dict[tuple[str, str], Tally] = field(default_factory=dict)
    by_manager: dict[tuple[str, str], Tally] = field(default_factory=dict)
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
            customers=self.customers,
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


# Files: the same report as CSV (streamed) or XLSX (written to a temporary file).

ORDER_COLUMNS = [
    _("Order"),
    _("Sold at"),
    _("Period"),
    _("Customer"),
    _("E-mail"),
    _("Manager"),
    _("Vehicles and products"),
    _("Status"),
    _("Currency"),
    _("Total"),
    _("Paid"),
    _("Payment providers"),
    _("Loans"),
    _("Loans disbursed"),
    _("Policies"),
    _("Premiums"),
]
# Where the order's total is among ORDER_COLUMNS: what the revenue adds up.
TOTAL_COLUMN = 9
PERIOD_COLUMNS = [_("Period"), _("Currency"), _("Orders"), _("Revenue"), _("Paid")]
MODEL_COLUMNS = [_("Model"), _("Currency"), _("Orders"), _("Units"), _("Revenue")]
MANAGER_COLUMNS = [_("Manager"), _("Currency"), _("Orders"), _("Revenue"), _("Paid")]
PROVIDER_COLUMNS = [_("Payment provider"), _("Currency"), _("Payments"), _("Paid"), _("Refunded")]
TOTAL_LABEL = _("Total")


def _order_cells(row: OrderRow, *, when, day) -> list:
    return [
        str(row.id)[:8],
        when(row.sold_at),
        day(row.period),
        row.customer_name,
        row.customer_email,
        row.manager,
        row.vehicles,
        row.status,
        row.currency,
        row.total_amount,
        row.paid_amount,
        row.providers,
        row.loans,
        row.loans_disbursed,
        row.policies,
        row.premiums,
    ]


def _sections(report: SalesReport, *, day=date.isoformat) -> list[tuple[str, list, list[list]]]:
    """The breakdowns: (title, header, rows), each total last; a period's first day as
    `day` writes it."""
    periods = [
        [day(start), currency, t.orders, t.revenue, t.paid]
        for start, currency, t in report.period_lines()
    ] + [
        [str(TOTAL_LABEL), currency, t.orders, t.revenue, t.paid]
        for currency, t in report.total_lines()
    ]
    return [
        (str(_("By period")), PERIOD_COLUMNS, periods),
        (
            str(_("By model")),
            MODEL_COLUMNS,
            [[n, c, t.orders, t.units, t.revenue] for n, c, t in report.model_lines()],
        ),
        (
            str(_("By manager")),
            MANAGER_COLUMNS,
            [[n, c, t.orders, t.revenue, t.paid] for n, c, t in report.manager_lines()],
        ),
        (
            str(_("By payment provider")),
            PROVIDER_COLUMNS,
            [[n, c, t.orders, t.paid, t.refunded] for n, c, t in report.provider_lines()],
        ),
    ]


def _text(value):
    """A cell as a file holds it: text escaped so that no spreadsheet runs it as a formula
    (docs/security.md, "CSV exports"), numbers as they are."""
    if isinstance(value, str):
        return cell_escape(value)
    if value is None:
        return ""
    return value


class _Line:
    """What csv.writer writes to: hands back the line instead of keeping it."""

    def write(self, value: str) -> str:
        return value


# The tables of the report, each a file of its own as CSV (`?table=`), a sheet as XLSX.
CSV_TABLES = ("orders", "periods", "models", "managers", "providers")


def csv_delimiter() -> str:
    """`;` for a Russian reader, whose Excel splits on it (its decimal comma takes `,`); `,`
    otherwise."""
    return ";" if (get_language() or "").startswith("ru") else ","


def csv_lines(report: SalesReport, table: str = "orders") -> Iterator[str]:
    """One table of the report as CSV, a line at a time (docs/admin.md, "Reports"): the sold
    orders with their total rows, or one breakdown (`CSV_TABLES`). It starts with a
    byte-order mark, so that Excel reads the Cyrillic as UTF-8, and is separated as the
    reader's Excel expects (`csv_delimiter`)."""
    writer = csv.writer(_Line(), quoting=QUOTING, delimiter=csv_delimiter())
    if table == "orders":
        yield "\ufeff" + writer.writerow([str(c) for c in ORDER_COLUMNS])
        for row in report.rows():
            yield writer.writerow(
                [_text(c) for c in _order_cells(row, when=_minute, day=date.isoformat)]
            )
        for currency, tally in report.total_lines():
            yield writer.writerow(_total_row(currency, tally, ""))
        return
    for _row in report.rows():  # the breakdowns are totalled as the orders are read
        pass
    _title, header, rows = dict(zip(CSV_TABLES[1:], _sections(report), strict=True))[table]
    yield "\ufeff" + writer.writerow([str(c) for c in header])
    for cells in rows:
        yield writer.writerow([_text(c) for c in cells])


def _total_row(currency: str, tally: "Tally", blank: object) -> list:
    total: list = [blank] * len(ORDER_COLUMNS)
    total[0], total[8], total[TOTAL_COLUMN], total[10] = (
        str(TOTAL_LABEL),
        currency,
        tally.revenue,
        tally.paid,
    )
    return total


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _naive(moment: datetime) -> datetime:
    # XLSX has no time zones: the dealership's wall clock, as the column's title says.
    return moment.replace(tzinfo=None, microsecond=0)


SHEETS = {
    "summary": _("Summary"),
    "models": _("By model"),
    "managers": _("By manager"),
    "providers": _("By provider"),
    "orders": _("Orders"),
}


# Columns wide enough for their usual content, in characters.
SHEET_WIDTHS = {
    "summary": [12, 9, 9, 16, 16],
    "models": [28, 9, 9, 9, 16],
    "managers": [28, 9, 9, 16, 16],
    "providers": [18, 9, 10, 16, 16],
    "orders": [10, 17, 11, 28, 28, 24, 32, 12, 9, 15, 15, 18, 32, 15, 40, 13],
}


def xlsx_write(report: SalesReport, out: IO[bytes]) -> None:
    """The report as an XLSX workbook into `out`: a sheet per breakdown, then the orders.
    openpyxl's write-only mode keeps each sheet in a temporary file of its own as rows are
    appended, so the orders stream through; the small breakdowns are written once the
    orders are through and their totals known."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheets = {key: workbook.create_sheet(str(title)[:31]) for key, title in SHEETS.items()}
    # Widths must be set before a write-only sheet's first row.
    for key, widths in SHEET_WIDTHS.items():
        for letter, width in zip("ABCDEFGHIJKLMNOP", widths, strict=False):
            sheets[key].column_dimensions[letter].width = width
        sheets[key].freeze_panes = "A2"  # the header stays as the rows scroll
    orders = sheets["orders"]
    orders.append([str(c) for c in ORDER_COLUMNS])
    for row in report.rows():
        cells = _order_cells(row, when=_naive, day=lambda day: day)
        orders.append(_xlsx_cells(orders, cells, currency=row.currency))
    for currency, tally in report.total_lines():
        orders.append(_xlsx_cells(orders, _total_row(currency, tally, None), currency=currency))
    for key, (_title, header, rows) in zip(
        ("summary", "models", "managers", "providers"),
        _sections(report, day=lambda day: day),
        strict=True,
    ):
        sheets[key].append([str(c) for c in header])
        for cells in rows:
            sheets[key].append(_xlsx_cells(sheets[key], cells, currency=cells[1]))
    workbook.save(out)


# How a cell reads in a spreadsheet: money with two decimals and its currency sign, days and
# times as the dealership writes them; each stays a number or a date, for sums and filters.
XLSX_MONEY = {"RUB": '#,##0.00" ₽"'}
XLSX_DATE, XLSX_DATETIME = "DD.MM.YYYY", "DD.MM.YYYY HH:MM"


def _xlsx_cells(sheet, cells: list, *, currency: str) -> list:
    from openpyxl.cell import WriteOnlyCell

    written = []
    for value in cells:
        cell = WriteOnlyCell(sheet, value=_text(value) if isinstance(value, str) else value)
        if isinstance(value, Decimal):
            cell.number_format = XLSX_MONEY.get(currency, "#,##0.00")
        elif isinstance(value, datetime):
            cell.number_format = XLSX_DATETIME
        elif isinstance(value, date):
            cell.number_format = XLSX_DATE
        written.append(cell)
    return written


def xlsx_file(report: SalesReport) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound: a response streams it from disk
    and closing it deletes it."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    try:
        xlsx_write(report, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
