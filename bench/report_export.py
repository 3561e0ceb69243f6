"""The sales report's memory on a year of orders: 100,000 orders sold over 365 days (with
their items, status history, payments, and a loan on every fifth and a policy on every
fourth, managers from the CRM), seeded by bulk SQL into databases of its own, then exported
as CSV and as XLSX over the whole range (backoffice/reports.py; docs/admin.md, "Reports").

Each export runs in a fresh process, twice: once under tracemalloc for the peak of Python's
own allocations, once without it for the time and the growth of the resident set
(ru_maxrss after minus before). The report reads the orders a chunk at a time, so neither
should grow with the number of orders; the target is under 100 MB. It prints, it asserts
nothing (docs/conventions.md, "Tests").

    .venv/bin/python bench/report_export.py [--orders 100000] [--keep]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import psycopg
from harness import APPS, PG, ROOT, manage
from psycopg import ClientCursor

# Databases of its own, so that it can run beside the other benchmarks.
DATABASE = "autosalon_bench_report_{app}"
MODELS = [
    ("Lada", "Vesta"),
    ("Lada", "Niva Travel"),
    ("Skoda", "Octavia"),
    ("Skoda", "Kodiaq"),
    ("Haval", "Jolion"),
    ("Haval", "F7"),
    ("Chery", "Tiggo 7 Pro"),
    ("Geely", "Monjaro"),
    ("Kia", "Rio"),
    ("Toyota", "Camry"),
]
PRODUCTS = 2000
CUSTOMERS = 5000
MANAGERS = 10
DAYS = 365


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    for app in APPS:
        env[f"DATABASE_URL_{app.upper()}"] = f"{PG}/{DATABASE.format(app=app)}"
    env.update(
        REDIS_URL=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13"),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        AUTOSALON_ENV_FILE="/dev/null",
        LOG_LEVEL="WARNING",
    )
    return env


def databases(action: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for app in APPS:
            name = DATABASE.format(app=app)
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            if action == "create":
                connection.execute(f"CREATE DATABASE {name}")


MANAGERS_SEED = """
import json
from accounts.models import User
ids = []
for n in range({count}):
    user = User.objects.create_user(
        f"manager{{n}}@bench.example", None, role="manager", full_name=f"Manager {{n}}"
    )
    ids.append(str(user.pk))
print(json.dumps(ids))
"""

# Ids are md5 of a name and a number: the same rows every run, and each table can name the
# rows of another without reading it.
CATALOG = """
INSERT INTO catalog_category (created_at, updated_at, id, name, description, path, level)
VALUES (now(), now(), md5('category')::uuid, 'Cars', '', md5('category'), 0);
INSERT INTO catalog_product
    (created_at, updated_at, id, name, description, price, currency, stock_quantity,
     is_active, kind, make, model, trim, model_key, year, vin, condition, body_type, fuel,
     transmission, drive, color, options, test_drive_available, search_key, category_id)
SELECT now(), now(), md5('product-' || p)::uuid,
       (%(makes)s::text[])[1 + p %% 10] || ' ' || (%(models)s::text[])[1 + p %% 10],
       '', 1500000, 'RUB', 0, true, 'vehicle',
       (%(makes)s::text[])[1 + p %% 10], (%(models)s::text[])[1 + p %% 10], '', '', 2026,
       'XTA' || lpad(p::text, 14, '0'), 'new', '', '', '', '', '', '[]', false, '',
       md5('category')::uuid
  FROM generate_series(0, %(products)s - 1) AS p;
"""
CRM = """
INSERT INTO crm_client
    (created_at, updated_at, id, type, name, industry, description, tax_id, email, phone,
     status, source, user_id, manager_id)
SELECT now(), now(), md5('client-' || c)::uuid, 'person', 'Customer ' || c, '', '', '',
       'customer' || c || '@bench.example', '', 'customer', 'registration',
       md5('customer-' || c)::uuid,
       CASE WHEN c %% 5 = 0 THEN NULL ELSE (%(managers)s::uuid[])[1 + c %% %(count)s] END
  FROM generate_series(0, %(customers)s - 1) AS c;
"""
# Order i is sold at `start` plus i steps: evenly over the year, in the dealership's days.
ORDERS = """
CREATE TEMP TABLE sale AS
SELECT i, md5('order-' || i)::uuid AS id, md5('customer-' || (i %% %(customers)s))::uuid
       AS customer_id, i %% %(products)s AS p,
       (1000000 + (i %% 997) * 1000 + (i %% 100) / 100.0)::numeric(14, 2) AS total,
       %(start)s::timestamptz + i * %(step)s * interval '1 second' AS sold_at
  FROM generate_series(0, %(orders)s - 1) AS i;
INSERT INTO orders_order
    (created_at, updated_at, id, customer_id, customer_email, customer_name, status,
     currency, total_quantity, total_amount, paid_amount, notes, sequence,
     customer_scrubbed, paid_version)
SELECT sold_at - interval '1 hour', sold_at, id, customer_id,
       'customer' || (i %% %(customers)s) || '@bench.example',
       'Customer ' || (i %% %(customers)s), 'paid', 'RUB', 1, total, total, '', 2, false, 1
  FROM sale;
INSERT INTO orders_orderitem
    (created_at, updated_at, id, product_id, product_name, unit_price, quantity,
     line_total, order_id, is_vehicle)
SELECT sold_at, sold_at, md5('item-' || i)::uuid, md5('product-' || p)::uuid,
       'Car ' || p, total, 1, total, id, true
  FROM sale;
INSERT INTO orders_orderstatushistory
    (created_at, updated_at, id, from_status, to_status, changed_by_role, reason, order_id)
SELECT sold_at - interval '1 hour', sold_at - interval '1 hour', md5('created-' || i)::uuid,
       '', 'pending', 'client', '', id FROM sale
UNION ALL
SELECT sold_at, sold_at, md5('paid-' || i)::uuid, 'pending', 'paid', 'system', '', id
  FROM sale;
"""
PAYMENTS = """
INSERT INTO payments_payment
    (created_at, updated_at, id, payable_id, customer_id, created_by_id, amount,
     refunded_amount, currency, method, description, status, failure_reason,
     provider_reference, processed_at, provider_attempts, payable_kind, confirmation_url,
     provider)
SELECT %(start)s::timestamptz + i * %(step)s * interval '1 second',
       %(start)s::timestamptz + i * %(step)s * interval '1 second',
       md5('payment-' || i)::uuid, md5('order-' || i)::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid,
       (1000000 + (i %% 997) * 1000 + (i %% 100) / 100.0)::numeric(14, 2),
       CASE WHEN i %% 50 = 0 THEN 10000 ELSE 0 END, 'RUB', 'card', '',
       CASE WHEN i %% 50 = 0 THEN 'partially_refunded' ELSE 'completed' END, '',
       'ref-' || i, %(start)s::timestamptz + i * %(step)s * interval '1 second', 1, 'order', '',
       (ARRAY['fake', 'yookassa', 'stripe'])[1 + i %% 3]
  FROM generate_series(0, %(orders)s - 1) AS i;
"""
FINANCING = """
INSERT INTO financing_loanapplication
    (created_at, updated_at, id, order_id, customer_id, financing_type, employment_status,
     vehicle_price, down_payment, loan_amount, currency, term_months, monthly_income,
     existing_monthly_debts, annual_rate, monthly_payment, total_interest, debt_to_income,
     rate_table_version, status, reasons, disbursed_at, lender, lender_reference,
     order_paid_amount, order_paid_version)
SELECT now(), now(), md5('loan-' || i)::uuid, md5('order-' || i)::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid, 'car_loan', 'employed',
       1000000, 200000, 800000, 'RUB', 60, 150000, 0, 15.90, 19411.96, 364717.60, 12.94,
       'bench', CASE WHEN i %% 10 = 0 THEN 'disbursed' ELSE 'approved' END, '[]'::jsonb,
       CASE WHEN i %% 10 = 0 THEN now() END, 'fake', '', 200000, 1
  FROM generate_series(0, %(orders)s - 1, 5) AS i;
"""
INSURANCE = """
INSERT INTO insurance_quote
    (created_at, updated_at, id, order_id, customer_id, created_by_id, insurance_type,
     coverage_amount, currency, vehicle_make, vehicle_model, vehicle_year, vehicle_vin,
     unlimited_drivers, territory, period_months, bonus_malus_class, premium, coefficients,
     ruleset_version, valid_until, status)
SELECT now(), now(), md5('quote-' || i)::uuid, md5('order-' || i)::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid,
       CASE WHEN i %% 8 = 0 THEN 'osago' ELSE 'kasko' END, 1000000, 'RUB', 'Skoda',
       'Octavia', 2026, 'XTA' || lpad(i::text, 14, '0'), true, 'moscow', 12, '3', 64000,
       '[]'::jsonb, 'bench', now(), 'purchased'
  FROM generate_series(0, %(orders)s - 1, 4) AS i;
INSERT INTO insurance_policy
    (created_at, updated_at, id, number, order_id, customer_id, insurance_type,
     coverage_amount, premium, currency, start_date, end_date, status, cancellation_reason,
     quote_id, paid_at, paid_version, premium_paid)
SELECT now(), now(), md5('policy-' || i)::uuid, 'BENCH-' || i, md5('order-' || i)::uuid,
       md5('customer-' || (i %% %(customers)s))::uuid,
       CASE WHEN i %% 8 = 0 THEN 'osago' ELSE 'kasko' END, 1000000, 64000, 'RUB',
       current_date, current_date + 365, 'active', '', md5('quote-' || i)::uuid, now(), 1,
       64000
  FROM generate_series(0, %(orders)s - 1, 4) AS i;
"""


def seed(env: dict, orders: int, date_from: date) -> None:
    managers = json.loads(
        manage(env, "shell", "--no-imports", stdin=MANAGERS_SEED.format(count=MANAGERS))
        .strip()
        .splitlines()[-1]
    )
    start = f"{date_from.isoformat()} 09:00:00+03:00"  # a morning at the dealership
    params = {
        "orders": orders,
        "products": PRODUCTS,
        "customers": CUSTOMERS,
        "managers": managers,
        "count": MANAGERS,
        "makes": [make for make, _model in MODELS],
        "models": [model for _make, model in MODELS],
        "start": start,
        # Whole seconds, the last sale before the range ends (it starts at 9:00).
        "step": (DAYS * 86400 - 10 * 3600) // orders,
    }
    for app, sql in [
        ("catalog", CATALOG),
        ("crm", CRM),
        ("orders", ORDERS),
        ("payments", PAYMENTS),
        ("financing", FINANCING),
        ("insurance", INSURANCE),
    ]:
        url = env[f"DATABASE_URL_{app.upper()}"]
        # Client-side binding, as Django's: several statements in one query.
        with psycopg.connect(url, autocommit=True, cursor_factory=ClientCursor) as connection:
            with connection.transaction():
                connection.execute(sql, params)
            connection.execute("ANALYZE")


def measure(fmt: str, date_from: str, date_to: str, trace: bool) -> dict:
    """One export in this process (a child of main()); what it cost, as JSON."""
    import tracemalloc

    import django

    sys.path.insert(0, str(ROOT))  # the project, for the settings and the apps
    django.setup()
    import openpyxl  # noqa: F401  (imported before the baseline, as a server has it)

    from backoffice.exports import csv_lines, xlsx_file
    from backoffice.reports import SalesReport, report_query

    query = report_query({"from": date_from, "to": date_to, "group": "day"})
    report = SalesReport(query)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if fmt == "csv":
        with tempfile.TemporaryFile("w", encoding="utf-8", newline="") as out:
            for line in csv_lines(report):
                out.write(line)  # as a server writes each chunk to its socket
            size = out.tell()
    else:
        with xlsx_file(report) as out:
            size = out.seek(0, os.SEEK_END)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": fmt,
        "orders": sum(t.orders for t in report.total.values()),
        "revenue": str(sum(t.revenue for t in report.total.values())),
        "bytes": size,
        "seconds": round(seconds, 2),
        "tracemalloc_peak_mb": None if peak is None else round(peak / 2**20, 1),
        "rss_delta_mb": round((after - before) / 1024, 1),
        "rss_mb": round(after / 1024, 1),
    }


def _child(env: dict, fmt: str, date_from: date, date_to: date, trace: bool) -> dict:
    command = [sys.executable, __file__, "--measure", fmt]
    command += ["--from", date_from.isoformat(), "--to", date_to.isoformat()]
    if trace:
        command.append("--trace")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--measure", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--from", dest="date_from", help=argparse.SUPPRESS)
    parser.add_argument("--to", dest="date_to", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.date_from, args.date_to, args.trace)))
        return 0

    env = environment()
    date_to = date.today() - timedelta(days=1)
    date_from = date_to - timedelta(days=DAYS - 1)
    databases("create")
    try:
        started = time.perf_counter()
        manage(env, "migrate_all")
        seed(env, args.orders, date_from)
        print(f"seeded {args.orders} sold orders in {time.perf_counter() - started:.0f} s")
        with psycopg.connect(env["DATABASE_URL_ORDERS"]) as connection:
            (expected,) = connection.execute(
                "SELECT sum(total_amount) FROM orders_order"
            ).fetchone()
        for fmt in ("csv", "xlsx"):
            traced = _child(env, fmt, date_from, date_to, trace=True)
            plain = _child(env, fmt, date_from, date_to, trace=False)
            print(
                f"{fmt.upper():4} {plain['orders']} orders, revenue {plain['revenue']} RUB "
                f"({'equal to' if plain['revenue'] == str(expected) else 'NOT'} the orders' sum), "
                f"{plain['bytes'] / 2**20:.1f} MB written in {plain['seconds']} s; "
                f"tracemalloc peak {traced['tracemalloc_peak_mb']} MB, "
                f"ru_maxrss +{plain['rss_delta_mb']} MB (process {plain['rss_mb']} MB)"
            )
    finally:
        if not args.keep:
            databases("drop")
    return 0


if __name__ == "__main__":
    sys.exit(main())
