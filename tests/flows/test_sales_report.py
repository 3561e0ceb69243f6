"""The sales report (backoffice/reports.py; docs/admin.md, "Reports"): a month of orders paid
through payments, some with a loan or a policy, read back from the CSV, the XLSX, the page and
the command, each adding up to the sum of the sold orders computed here, to the kopeck."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from backoffice.exports import TOTAL_COLUMN
from conftest import browser_for
from crm.tests.factories import crm_client_make
from financing.tests.factories import application_make
from insurance.tests.factories import policy_make
from orders.models import Order, OrderStatusHistory
from orders.selectors.dashboard import revenue_daily
from orders.tests.factories import order_make, product_make, vehicle_make
from payments.models import Payment
from payments.tests.factories import completed_payment_make
from tests.flows.reports import csv_read, order_rows

pytestmark = pytest.mark.django_db(databases="__all__")

MSK = ZoneInfo("Europe/Moscow")
MONTH = {"from": "2026-10-01", "to": "2026-10-31"}
FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment on the dealership's clock."""
    return datetime(year, month, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def seeded(provider, run_on_commit, manager, admin_user, settings):
    """Orders paid in October 2026 at the dealership (the first and last minutes included),
    one on each side of it, and one never paid; two customers with managers, one without
    (leads wait to be taken: CRM_LEAD_ASSIGNMENT=none)."""
    settings.CRM_LEAD_ASSIGNMENT = "none"
    for member in (manager, admin_user):  # they chose English: the files are in it
        member.language = "en"
        member.save()
    other_manager = UserFactory(role="manager", full_name="Oleg Managerov")
    anna = UserFactory(full_name="Anna Petrova")
    boris = UserFactory(full_name="Boris Ivanov")
    mallory = UserFactory(full_name=FORMULA_NAME)
    crm_client_make(actor=manager, name="Anna Petrova", user_id=anna.pk)
    crm_client_make(
        actor=admin_user, name="Boris Ivanov", user_id=boris.pk, manager_id=other_manager.pk
    )

    def car(price, model="Octavia", make="Skoda"):
        return vehicle_make(price=price, make=make, model=model, year=2026)

    def sell(customer, products, when, *, before_paying=None):
        order = order_make(customer, *[(product, 1) for product in products])
        if before_paying:
            before_paying(order)
        with run_on_commit():
            completed_payment_make(customer, order, str(order.total_amount))
        # When it was paid: its history row's time is the sale's (orders.selectors.dashboard).
        moved = OrderStatusHistory.objects.filter(order=order, to_status="paid").update(
            created_at=when
        )
        assert moved == 1
        return Order.objects.get(pk=order.pk)

    def loan_and_policy(order):
        application_make(anna, order, vehicle_price="1500000.00")
        policy_make(anna, order)

    inside = [
        sell(anna, [car("1500000.00")], at(2026, 10, 1, 0, 30), before_paying=loan_and_policy),
        sell(anna, [car("1234567.89", "Vesta", "Lada")], at(2026, 10, 7, 12, 0)),
        sell(
            boris,
            [car("1600000.01"), product_make(price="12345.67")],
            at(2026, 10, 15, 18, 0),
        ),
        sell(mallory, [product_make(price="999.99")], at(2026, 10, 31, 23, 59)),
    ]
    outside = [
        sell(anna, [car("700000.00")], at(2026, 9, 30, 23, 59)),
        sell(boris, [car("800000.00")], at(2026, 11, 1, 0, 0)),
    ]
    order_make(anna, (car("900000.00"), 1))  # never paid
    return {
        "inside": inside,
        "outside": outside,
        "anna": anna,
        "manager": manager,
        "other_manager": other_manager,
        "admin": admin_user,
    }


def revenue(orders) -> Decimal:
    return sum((order.total_amount for order in orders), Decimal("0.00"))


def money(value) -> Decimal:
    """A figure read back from a file, as a Decimal of kopecks."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def table(user, name: str, **params) -> list[list[str]]:
    """One breakdown's CSV file, its header left out."""
    rows = csv_read(browser_for(user).get(url("sales-report-csv", table=name, **params)))
    return rows[1:]


def url(name, **params) -> str:
    return reverse(name) + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_csv_adds_up_to_the_sold_orders_to_the_kopeck(seeded):
    expected = revenue(seeded["inside"])
    assert expected == Decimal("4347913.56")

    rows = csv_read(browser_for(seeded["admin"]).get(url("sales-report-csv", **MONTH)))
    orders, total = order_rows(rows)

    assert sorted(row[0] for row in orders) == sorted(o.number for o in seeded["inside"])
    assert sum(money(row[TOTAL_COLUMN]) for row in orders) == expected
    assert money(total[TOTAL_COLUMN]) == expected
    # Sold on the dealership's clock: the first and the last minute of the month are in it.
    assert orders[0][1] == "2026-10-01 00:30"
    assert orders[-1][1] == "2026-10-31 23:59"
    # A name that a spreadsheet would run is text.
    (mallory,) = [row for row in orders if "HYPERLINK" in row[3]]
    assert mallory[3] == "'" + FORMULA_NAME
    # The first order's loan and policy, and its manager.
    first = next(row for row in orders if row[0] == seeded["inside"][0].number)
    assert first[5] == seeded["manager"].full_name
    # Its loan was approved, then the order was paid in full by card: the loan is withdrawn
    # (docs/deal.md, "Never paid past the total"), and the report says so with its amount.
    assert "1300000.00 RUB" in first[12] and first[12].startswith("Withdrawn")
    assert first[14].startswith("KASKO ") and "(Active)" in first[14]
    assert money(first[15]) > 0

    admin = seeded["admin"]
    periods = table(admin, "periods", **MONTH)
    assert len(periods) == 31 + 1  # every day, and the total
    assert sum(money(row[3]) for row in periods[:-1]) == expected
    assert periods[-1][0] == "Total" and money(periods[-1][3]) == expected
    models = {row[0]: row for row in table(admin, "models", **MONTH)}
    assert sum(money(row[4]) for row in models.values()) == expected
    assert (models["Skoda Octavia"][2], models["Skoda Octavia"][3]) == ("2", "2")
    assert money(models["Skoda Octavia"][4]) == Decimal("3100000.01")
    assert money(models["Other products"][4]) == Decimal("13345.66")
    managers = {row[0]: money(row[3]) for row in table(admin, "managers", **MONTH)}
    assert managers == {
        seeded["manager"].full_name: Decimal("2734567.89"),
        "Oleg Managerov": Decimal("1612345.68"),
        "No manager": Decimal("999.99"),
    }
    providers = table(admin, "providers", **MONTH)
    captured = Payment.objects.filter(payable_id__in=[o.pk for o in seeded["inside"]])
    assert [(row[0], int(row[2]), money(row[3])) for row in providers] == [
        ("Test provider (no real money)", 4, captured.aggregate(s=Sum("amount"))["s"])
    ]


def test_the_report_matches_the_dashboard_day_by_day(seeded):
    """The dashboard's revenue chart (orders.selectors.dashboard.revenue_daily) and the report count the
    same sales: each day's revenue and orders are the same, to the kopeck."""
    dashboard = revenue_daily(
        date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), currency="RUB"
    )
    days = {
        date.fromisoformat(row[0]): (money(row[3]), int(row[2]))
        for row in table(seeded["admin"], "periods", **MONTH)[:-1]
        if int(row[2])
    }
    assert days == dashboard
    assert len(days) == 4
    assert sum(revenue for revenue, _count in days.values()) == revenue(seeded["inside"])


def test_the_xlsx_has_each_breakdown_and_adds_up_to_the_kopeck(seeded):
    expected = revenue(seeded["inside"])
    response = browser_for(seeded["admin"]).get(url("sales-report-xlsx", group="week", **MONTH))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    assert workbook.sheetnames == [
        "Summary",
        "By model",
        "By manager",
        "By source",
        "By provider",
        "Orders",
        "Service",
    ]
    # Read back as a spreadsheet reads it: money numbers in roubles, days and times as dates,
    # the header frozen, the columns sized.
    sheet = workbook["Orders"]
    total, sold, period = sheet.cell(2, TOTAL_COLUMN + 1), sheet.cell(2, 2), sheet.cell(2, 3)
    assert isinstance(total.value, int | float) and total.number_format == '#,##0.00" ₽"'
    assert isinstance(sold.value, datetime) and sold.number_format == "DD.MM.YYYY HH:MM"
    assert isinstance(period.value, datetime) and period.number_format == "DD.MM.YYYY"
    assert all(workbook[name].freeze_panes == "A2" for name in workbook.sheetnames)
    assert sheet.column_dimensions["G"].width >= 30
    rows = list(workbook["Orders"].iter_rows(values_only=True))
    orders = [row for row in rows[1:] if row[0] != "Total"]
    assert len(orders) == 4
    assert sum(money(row[TOTAL_COLUMN]) for row in orders) == expected
    assert money(rows[-1][TOTAL_COLUMN]) == expected
    assert rows[1][1] == datetime(2026, 10, 1, 0, 30)  # the dealership's wall clock
    assert any(row[3] == "'" + FORMULA_NAME for row in orders)

    summary = list(workbook["Summary"].iter_rows(values_only=True))[1:]
    weeks = [row for row in summary if row[0] != "Total"]
    # Weeks begin on Monday: the one holding 1 October began on 28 September.
    assert [row[0] for row in weeks] == [
        datetime(2026, 9, 28),
        datetime(2026, 10, 5),
        datetime(2026, 10, 12),
        datetime(2026, 10, 19),
        datetime(2026, 10, 26),
    ]
    assert sum(money(row[3]) for row in weeks) == expected
    assert money(summary[-1][3]) == expected
    models = list(workbook["By model"].iter_rows(values_only=True))[1:]
    assert sum(money(row[4]) for row in models) == expected


def test_the_groups_managers_read_the_admins_report_their_own_clients_or_not(seeded):
    """Whose sales is the showroom picked, not a manager's clients (docs/dashboard.md, "Who
    sees what"): Anna's manager and a manager without clients read every sale, each named
    with its manager."""
    group_sales = sorted(o.number for o in seeded["inside"])
    lonely = UserFactory(role="manager", language="en")

    for member in (seeded["manager"], lonely):
        rows = csv_read(browser_for(member).get(url("sales-report-csv", **MONTH)))
        orders, total = order_rows(rows)
        assert sorted(row[0] for row in orders) == group_sales
        assert money(total[TOTAL_COLUMN]) == revenue(seeded["inside"])
    page = browser_for(seeded["manager"]).get(url("sales-report", **MONTH))
    assert page.status_code == 200
    assert page.context["report"].total["RUB"].revenue == revenue(seeded["inside"])
    mine = [o for o in seeded["inside"] if o.customer_id == seeded["anna"].pk]
    by_manager = {name: tally.orders for name, _c, tally in page.context["report"].manager_lines()}
    assert by_manager[seeded["manager"].full_name] == len(mine) == 2
    everyone = browser_for(seeded["admin"]).get(url("sales-report", group="month", **MONTH))
    assert everyone.context["report"].total["RUB"].revenue == revenue(seeded["inside"])
    assert everyone.context["chart"]["periods"] == ["2026-10-01"]
    assert [Decimal(v) for v in everyone.context["chart"]["revenue"]] == [revenue(seeded["inside"])]
    assert b'id="sales-chart-data"' in everyone.content
    assert b"echarts.min.js" in everyone.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01", "to": "2026-10-31"}, "must be a date"),
        ({"from": "yesterday", "to": "2026-10-31"}, "must be a date"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "after its end"),
        ({"from": "2025-01-01", "to": "2026-10-31"}, "at most 366 days"),
        ({"from": "2026-10-01", "to": "2026-10-31", "group": "year"}, "day, week or month"),
    ],
)
@pytest.mark.parametrize("name", ["sales-report", "sales-report-csv", "sales-report-xlsx"])
def test_a_query_the_report_cannot_answer_is_a_400_page_saying_why(
    admin_user, params, message, name
):
    response = browser_for(admin_user).get(url(name, **params))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_the_report_is_for_staff_only(customer):
    for name in ("sales-report", "sales-report-csv", "sales-report-xlsx"):
        response = browser_for(customer).get(url(name, **MONTH))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_command_writes_the_same_report(seeded, tmp_path):
    expected = revenue(seeded["inside"])
    page_csv = b"".join(
        browser_for(seeded["admin"]).get(url("sales-report-csv", **MONTH)).streaming_content
    )
    out = io.StringIO()
    call_command(
        "sales_report",
        "--from",
        MONTH["from"],
        "--to",
        MONTH["to"],
        "--format",
        "csv",
        "--output",
        str(tmp_path / "october.csv"),
        stdout=out,
    )
    assert (tmp_path / "october.csv").read_bytes() == page_csv
    assert "4 orders, 4347913.56 RUB" in out.getvalue()
    to_stdout = io.StringIO()
    call_command(
        "sales_report",
        "--from",
        MONTH["from"],
        "--to",
        MONTH["to"],
        stdout=to_stdout,
        stderr=io.StringIO(),
    )
    assert to_stdout.getvalue().encode() == page_csv
    with pytest.raises(CommandError, match="after its end"):
        call_command("sales_report", "--from", MONTH["to"], "--to", MONTH["from"])

    call_command(
        "sales_report",
        "--from",
        MONTH["from"],
        "--to",
        MONTH["to"],
        "--format",
        "xlsx",
        "--group",
        "month",
        "--output",
        str(tmp_path / "october.xlsx"),
        stdout=io.StringIO(),
    )
    workbook = load_workbook(tmp_path / "october.xlsx", read_only=True)
    assert workbook.sheetnames == [
        "Summary",
        "By model",
        "By manager",
        "By source",
        "By provider",
        "Orders",
        "Service",
    ]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[1][0] == datetime(2026, 10, 1) and money(summary[1][3]) == expected
    orders = list(workbook["Orders"].iter_rows(values_only=True))
    assert money(orders[-1][TOTAL_COLUMN]) == expected


def test_the_report_reads_the_orders_in_chunks_and_loses_none(seeded):
    """Keyset pages of 1 order give the same rows as one page of all."""
    from backoffice.reports import ReportQuery, SalesReport

    query = ReportQuery(date(2026, 10, 1), date(2026, 10, 31))
    small = [row.id for row in SalesReport(query, chunk_size=1).rows()]
    large = [row.id for row in SalesReport(query, chunk_size=1000).rows()]
    assert small == large == [o.pk for o in seeded["inside"]]


def test_no_cell_runs_as_a_formula_in_a_spreadsheet_that_splits_on_semicolons(
    provider, run_on_commit, admin_user
):
    # A Russian-locale spreadsheet splits a CSV line on ";": a name with one in it would
    # start a second cell with "=1+1" (docs/security.md, "CSV exports").
    ivan = UserFactory(full_name="Иван;=1+1")
    order = order_make(ivan, (product_make(price="1000.00"), 1))
    with run_on_commit():
        completed_payment_make(ivan, order, "1000.00")
    today = str(Order.objects.get(pk=order.pk).created_at.astimezone(MSK).date())

    response = browser_for(admin_user).get(url("sales-report-csv", **{"from": today, "to": today}))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert '"Иван;\'=1+1"' in text  # one quoted field, escaped after its separator
    lines = [line for line in text.splitlines() if line]
    assert all(line.startswith('"') for line in lines)  # every field quoted
    for separator in (";", ",", "\t"):
        cells = [cell for row in csv.reader(lines, delimiter=separator) for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))], separator


@pytest.mark.parametrize(("language", "separator"), [("ru", ";"), ("en", ",")])
def test_each_table_is_a_csv_of_its_own_separated_as_the_readers_excel_splits(
    seeded, language, separator
):
    seeded["admin"].language = language
    seeded["admin"].save()
    response = browser_for(seeded["admin"]).get(url("sales-report-csv", table="models", **MONTH))

    assert response["Content-Disposition"].endswith('-models.csv"')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=separator))
    assert len(rows[0]) == 5 and all(len(row) == 5 for row in rows)  # one table, no titles
    assert {row[0] for row in rows[1:]} >= {"Skoda Octavia"}
    unknown = browser_for(seeded["admin"]).get(url("sales-report-csv", table="everything"))
    assert unknown.status_code == 400


def test_the_files_are_in_the_dealerships_language_unless_the_user_chose_another(seeded):
    admin = seeded["admin"]
    admin.language = ""  # never chose: an English browser does not decide a shared file
    admin.save()
    browser = browser_for(admin)
    csv_url, xlsx_url = url("sales-report-csv", **MONTH), url("sales-report-xlsx", **MONTH)

    russian = csv_read(browser.get(csv_url, headers={"accept-language": "en"}), delimiter=";")
    workbook = load_workbook(io.BytesIO(browser.get(xlsx_url).getvalue()))
    assert russian[0][0] == "Заказ" and any(row[0] == "Итого" for row in russian)
    assert "Заказы" in workbook.sheetnames and "Orders" not in workbook.sheetnames

    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the switch: a choice
    english = csv_read(browser.get(csv_url, headers={"accept-language": "ru"}))
    assert english[0][0] == "Order" and any(row[0] == "Total" for row in english)
