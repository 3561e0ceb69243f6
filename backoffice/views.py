"""The back office's staff pages. The dashboard (docs/dashboard.md) shows every figure as
numbers without JavaScript, and serves the same figures as JSON, which its script fetches again
when the staff feed says they changed. The sales report (docs/admin.md, "Reports") has its
chart and its CSV and XLSX downloads. Both are of the showroom picked, every record of it: a
showroom's manager picks among their showrooms, the group's managers and the admins among them
all and the group's (docs/dashboard.md, "Who sees what"); a query string the report cannot
answer is a 400 page saying why."""

import dataclasses
from collections.abc import Iterator
from uuid import UUID

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from backoffice.dashboard import CHANGED_PUSH, figures
from backoffice.exports import CSV_TABLES, csv_lines, xlsx_file
from backoffice.reports import (
    GROUPS,
    MAX_DAYS,
    ReportQuery,
    ReportQueryError,
    SalesReport,
    report_query,
)
from common.figures import EVERY_SHOWROOM, GROUP_OWN, ShowroomPick
from common.middleware import download_language
from common.showrooms import showroom_names, showroom_scope
from onec import selectors as onec_selectors

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def showroom_picks(user) -> list[tuple[str, str]]:
    """The showrooms whose figures `user` may ask for, (value, label) in the page's order: a
    showroom's manager their showrooms'; the group's managers and the admins the group's
    total, each showroom's and the group's own (docs/showrooms.md, "Staff per showroom")."""
    scope = showroom_scope(user)
    showrooms = [(str(pk), name) for pk, name in showroom_names() if scope is None or pk in scope]
    if scope is not None:
        return showrooms
    every, own = (EVERY_SHOWROOM, gettext("The whole group")), (GROUP_OWN, gettext("No showroom"))
    return [every, *showrooms, own]


def showroom_pick(user, asked: str | None) -> ShowroomPick | None:
    """The showroom `asked` for (a value of `showroom_picks`), or the first `user` may see;
    None for one they may not, or no such one."""
    picks = [value for value, _label in showroom_picks(user)]
    value = asked or (picks[0] if picks else None)
    if value is None or value not in picks:
        return None
    for named in (EVERY_SHOWROOM, GROUP_OWN):
        if value == named:
            return named
    return UUID(value)


def _showroom_asked(request) -> ShowroomPick:
    """`?showroom=`, one of the user's picks; another showroom's, or none such, is a 404."""
    showroom = showroom_pick(request.user, request.GET.get("showroom"))
    if showroom is None:
        raise Http404(gettext("There is no such showroom of yours."))
    return showroom


@staff_member_required
def dashboard_page(request):
    showroom = _showroom_asked(request)
    showrooms = showroom_picks(request.user)
    return render(
        request,
        "dashboard/index.html",
        {
            "figures": figures(user=request.user, showroom=showroom),
            "showrooms": showrooms,
            "showroom": str(showroom),
            "showroom_label": dict(showrooms)[str(showroom)],
            "changed_push": CHANGED_PUSH,
            "time_zone": settings.DEALERSHIP_TIME_ZONE,
            "onec": onec_selectors.exchange_status(),
        },
    )


@staff_member_required
def dashboard_figures(request):
    response = JsonResponse(figures(user=request.user, showroom=_showroom_asked(request)))
    # Another user's figures, or older ones, must never come out of a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def _bad_query(request, error: ReportQueryError):
    return render(
        request,
        "reports/sales.html",
        {
            "error": str(error),
            "groups": GROUPS,
            "max_days": MAX_DAYS,
            "params": request.GET,
            "showrooms": showroom_picks(request.user),
            "showroom": request.GET.get("showroom", ""),
        },
        status=400,
    )


def _report_query(request) -> ReportQuery:
    """The report the query string asks for, of a showroom the user may see (`showroom`: a
    404 for another's). ReportQueryError for dates or a grouping it cannot answer."""
    showroom = _showroom_asked(request)
    return dataclasses.replace(report_query(request.GET), showroom=showroom)


def _links(query: ReportQuery) -> dict:
    params = urlencode(
        {
            "from": query.date_from.isoformat(),
            "to": query.date_to.isoformat(),
            "group": query.group,
            "showroom": str(query.showroom),
        }
    )
    csv = reverse("sales-report-csv")
    return {
        "csv_url": f"{csv}?{params}",
        # One CSV file per table (the orders, then each breakdown): (title, link).
        "csv_tables": [
            (title, f"{csv}?{params}&table={table}") for table, title in CSV_TABLE_TITLES.items()
        ],
        "xlsx_url": f"{reverse('sales-report-xlsx')}?{params}",
    }


CSV_TABLE_TITLES = {
    "orders": _("orders"),
    "periods": _("by period"),
    "models": _("by model"),
    "managers": _("by manager"),
    "providers": _("by payment provider"),
    "service": _("service work orders"),
}


@staff_member_required
def sales_report_page(request):
    try:
        query = _report_query(request)
    except ReportQueryError as error:
        return _bad_query(request, error)
    report = SalesReport(query).totals()
    periods = report.period_lines()
    # The chart shows the report's main currency (the one with most revenue: roubles here).
    currency = max(report.total, key=lambda c: report.total[c].revenue, default="RUB")
    chart = {
        "periods": [start.isoformat() for start, c, _t in periods if c == currency],
        "revenue": [str(t.revenue) for _s, c, t in periods if c == currency],
        "orders": [t.orders for _s, c, t in periods if c == currency],
        "currency": currency,
    }
    return render(
        request,
        "reports/sales.html",
        {
            "query": query,
            "groups": GROUPS,
            "showrooms": showroom_picks(request.user),
            "showroom": str(query.showroom),
            "max_days": MAX_DAYS,
            "report": report,
            "totals": sorted(report.total.items()),
            "periods": periods,
            "chart": chart,
            **_links(query),
        },
    )


def _in_language(lines: Iterator[str], language: str) -> Iterator[str]:
    """The lines of a streamed file, each written in `language` (they are written as the
    response is sent, after the view has returned)."""
    with translation.override(language):
        yield from lines


@staff_member_required
def sales_report_csv(request):
    try:
        query = _report_query(request)
    except ReportQueryError as error:
        return _bad_query(request, error)
    table = request.GET.get("table", "orders")
    if table not in CSV_TABLES:
        message = gettext("“table” must be one of %(tables)s.") % {"tables": ", ".join(CSV_TABLES)}
        return _bad_query(request, ReportQueryError(message))
    report = SalesReport(query)
    lines = _in_language(csv_lines(report, table), download_language(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = query.file_stem if table == "orders" else f"{query.file_stem}-{table}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@staff_member_required
def sales_report_xlsx(request):
    try:
        query = _report_query(request)
    except ReportQueryError as error:
        return _bad_query(request, error)
    report = SalesReport(query)
    with translation.override(download_language(request)):
        workbook = xlsx_file(report)
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"{query.file_stem}.xlsx",
        content_type=XLSX_TYPE,
    )
