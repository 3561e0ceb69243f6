"""The sales report's staff pages: the report with its chart, and its CSV and XLSX downloads
(config/reports.py; docs/admin.md, "Reports"). A manager sees their own CRM clients' orders,
an admin everyone's; a query string the report cannot answer is a 400 page saying why."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from config.reports import (
    GROUPS,
    MAX_DAYS,
    ReportQuery,
    ReportQueryError,
    SalesReport,
    csv_lines,
    report_customers,
    report_query,
    xlsx_file,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bad_query(request, error: ReportQueryError):
    return render(
        request,
        "reports/sales.html",
        {"error": str(error), "groups": GROUPS, "max_days": MAX_DAYS, "params": request.GET},
        status=400,
    )


def _links(query: ReportQuery) -> dict:
    params = urlencode(
        {"from": query.date_from.isoformat(), "to": query.date_to.isoformat(), "group": query.group}
    )
    return {
        "csv_url": f"{reverse('sales-report-csv')}?{params}",
        "xlsx_url": f"{reverse('sales-report-xlsx')}?{params}",
    }


@staff_member_required
def sales_report_page(request):
    try:
        query = report_query(request.GET)
    except ReportQueryError as error:
        return _bad_query(request, error)
    report = SalesReport(query, report_customers(request.user)).totals()
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
            "max_days": MAX_DAYS,
            "report": report,
            "totals": sorted(report.total.items()),
            "periods": periods,
            "chart": chart,
            **_links(query),
        },
    )


@staff_member_required
def sales_report_csv(request):
    try:
        query = report_query(request.GET)
    except ReportQueryError as error:
        return _bad_query(request, error)
    report = SalesReport(query, report_customers(request.user))
    response = StreamingHttpResponse(csv_lines(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{query.file_stem}.csv"'
    return response


@staff_member_required
def sales_report_xlsx(request):
    try:
        query = report_query(request.GET)
    except ReportQueryError as error:
        return _bad_query(request, error)
    report = SalesReport(query, report_customers(request.user))
    return FileResponse(
        xlsx_file(report),
        as_attachment=True,
        filename=f"{query.file_stem}.xlsx",
        content_type=XLSX_TYPE,
    )
