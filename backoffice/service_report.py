"""The sales report's service sheet (docs/admin.md, "Reports"): the work orders opened in the
report's range of dealership days, of the showroom picked, whatever became of them: number,
date, showroom, advisor, the customer's, the warranty's and the dealer's own totals of the
lines that count, status, and when the car was handed over. Read from the service a chunk at
a time (`service.selectors.work_order_report_chunks`); written as CSV or as a sheet of the
XLSX by backoffice/exports.py."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from backoffice.reports import CHUNK_SIZE, ZERO, ReportQuery, _label
from common.figures import dealership_zone
from common.showrooms import showroom_names
from service import selectors as service_selectors
from service.choices import WorkOrderStatus

SERVICE_COLUMNS = [
    _("Work order"),
    _("Opened"),
    _("Showroom"),
    _("Advisor"),
    _("Customer's total"),
    _("Warranty total"),
    _("Internal total"),
    _("Status"),
    _("Handed over"),
]
# Where the totals are among SERVICE_COLUMNS: what the total row adds up.
MONEY_COLUMNS = (4, 5, 6)


@dataclass
class ServiceSheet:
    """The service sheet of `query`; iterating `rows()` once fills `totals` (the customer's,
    the warranty's and the internal) and `count`."""

    query: ReportQuery
    chunk_size: int = CHUNK_SIZE
    totals: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO])
    count: int = 0

    def rows(self, *, when, day) -> Iterator[list]:
        """Each work order's cells, its moments as `when` writes them (the dealership's wall
        clock) and its day as `day` does."""
        zone = dealership_zone()
        names = dict(showroom_names())
        chunks = service_selectors.work_order_report_chunks(
            date_from=self.query.date_from,
            date_to=self.query.date_to,
            showroom=self.query.showroom,
            size=self.chunk_size,
        )
        for chunk in chunks:
            for row in chunk:
                sums = [row.customer_total, row.warranty_total, row.internal_total]
                self.totals = [
                    total + amount for total, amount in zip(self.totals, sums, strict=True)
                ]
                self.count += 1
                opened: datetime = row.created_at.astimezone(zone)
                handed_over = row.handed_over_at.astimezone(zone) if row.handed_over_at else None
                yield [
                    row.number,
                    day(opened.date()),
                    names.get(row.showroom_id, str(row.showroom_id)),
                    row.advisor,
                    *sums,
                    _label(WorkOrderStatus, row.status),
                    when(handed_over) if handed_over else None,
                ]

    def total_row(self) -> list:
        total: list = [None] * len(SERVICE_COLUMNS)
        total[0] = str(_("Total"))
        for column, amount in zip(MONEY_COLUMNS, self.totals, strict=True):
            total[column] = amount
        return total
