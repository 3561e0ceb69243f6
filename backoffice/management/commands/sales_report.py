"""`manage.py sales_report --from 2026-11-01 --to 2026-11-30 --format xlsx`: the staff page's
sales report (docs/admin.md, "Reports") as a file, for operators and scheduled jobs."""

from django.core.management import BaseCommand, CommandError

from backoffice import exports, reports


class Command(BaseCommand):
    help = (
        "Write the sales report (orders paid in a range of dealership days, by period, model, "
        "manager and payment provider, with their loans and policies) as CSV or XLSX, to "
        "--output or to standard output (CSV only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--group", choices=["day", "week", "month"], default="day")
        parser.add_argument("--output", help="the file to write; `-` or none: standard output")
        parser.add_argument(
            "--table",
            choices=exports.CSV_TABLES,
            default="orders",
            help="CSV: the table to write (the orders, or one breakdown); XLSX has them all",
        )

    def handle(
        self, *args, date_from, date_to, format, group, output=None, table="orders", **options
    ):
        try:
            query = reports.report_query({"from": date_from, "to": date_to, "group": group})
        except reports.ReportQueryError as error:
            raise CommandError(str(error)) from None
        report = reports.SalesReport(query)  # everyone's orders, as an admin sees them
        to_stdout = output in (None, "-")
        if format == "xlsx":
            if to_stdout:
                raise CommandError("An XLSX report needs --output FILE.")
            with open(output, "wb") as out:
                exports.xlsx_write(report, out)
        elif to_stdout:
            for line in exports.csv_lines(report, table):
                self.stdout.write(line, ending="")
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                out.writelines(exports.csv_lines(report, table))
        totals = ", ".join(
            f"{tally.orders} orders, {tally.revenue} {currency}"
            for currency, tally in sorted(report.total.items())
        )
        if not to_stdout:
            self.stdout.write(f"Wrote {output}: {totals or 'no orders'}.")
        elif totals:
            self.stderr.write(totals, style_func=lambda text: text)
