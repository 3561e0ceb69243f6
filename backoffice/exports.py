"""The sales report as files (docs/admin.md, "Reports"): every table as CSV, streamed a line
at a time, or the whole report as an XLSX workbook with a sheet per table."""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backoffice.reports import OrderRow, SalesReport, Tally
from backoffice.service_report import SERVICE_COLUMNS, ServiceSheet
from catalog.choices import DEFAULT_CURRENCY
from common.spreadsheets import QUOTING, cell_escape

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
SOURCE_COLUMNS = [_("Source"), _("Currency"), _("Orders"), _("Revenue"), _("Paid")]
PROVIDER_COLUMNS = [_("Payment provider"), _("Currency"), _("Payments"), _("Paid"), _("Refunded")]
TOTAL_LABEL = _("Total")


def _order_cells(row: OrderRow, *, when, day) -> list:
    return [
        row.number,
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
            str(_("By source")),
            SOURCE_COLUMNS,
            [[n, c, t.orders, t.revenue, t.paid] for n, c, t in report.source_lines()],
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
BREAKDOWNS = ("periods", "models", "managers", "sources", "providers")
CSV_TABLES = ("orders", *BREAKDOWNS, "service")


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
    if table == "service":  # the work orders of the range (backoffice/service_report.py)
        sheet = ServiceSheet(report.query)
        yield "\ufeff" + writer.writerow([str(c) for c in SERVICE_COLUMNS])
        for cells in sheet.rows(when=_minute, day=date.isoformat):
            yield writer.writerow([_text(c) for c in cells])
        yield writer.writerow([_text(c) for c in sheet.total_row()])
        return
    for _row in report.rows():  # the breakdowns are totalled as the orders are read
        pass
    _title, header, rows = dict(zip(BREAKDOWNS, _sections(report), strict=True))[table]
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
    "sources": _("By source"),
    "providers": _("By provider"),
    "orders": _("Orders"),
    "service": _("Service"),
}


# Columns wide enough for their usual content, in characters.
SHEET_WIDTHS = {
    "summary": [12, 9, 9, 16, 16],
    "models": [28, 9, 9, 9, 16],
    "managers": [28, 9, 9, 16, 16],
    "sources": [18, 9, 9, 16, 16],
    "providers": [18, 9, 10, 16, 16],
    "orders": [10, 17, 11, 28, 28, 24, 32, 12, 9, 15, 15, 18, 32, 15, 40, 13],
    "service": [16, 11, 28, 24, 15, 15, 15, 22, 17],
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
        ("summary", "models", "managers", "sources", "providers"),
        _sections(report, day=lambda day: day),
        strict=True,
    ):
        sheets[key].append([str(c) for c in header])
        for cells in rows:
            sheets[key].append(_xlsx_cells(sheets[key], cells, currency=cells[1]))
    service, sheet = sheets["service"], ServiceSheet(report.query)
    service.append([str(c) for c in SERVICE_COLUMNS])
    for cells in sheet.rows(when=_naive, day=lambda day: day):
        service.append(_xlsx_cells(service, cells, currency=DEFAULT_CURRENCY))
    service.append(_xlsx_cells(service, sheet.total_row(), currency=DEFAULT_CURRENCY))
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
