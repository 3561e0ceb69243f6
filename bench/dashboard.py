"""The dashboard's server time with 100,000 orders (docs/dashboard.md, "Query count").

Fresh databases of its own (`autosalon_bench_dashboard_*`), migrated, then seeded in bulk by
SQL (`generate_series`, a few seconds): 100,000 orders over 90 days with their items and
status history, as many payments, refunds, loans, quotes and policies, test drives,
registrations, CRM clients and their timelines. Then, in this process, the figures of an
admin and of a manager: N cold loads (`backoffice.dashboard.figures_compute`, every query) and
N cached ones (`figures`, from Redis), median and p95, and the queries per load. It prints;
it asserts nothing. The databases are dropped afterwards.

    .venv/bin/python bench/dashboard.py [--orders 100000] [--loads 20]
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import APPS, PG, manage  # noqa: E402

PREFIX = "autosalon_bench_dashboard"
REDIS = os.environ.get("BENCH_DASHBOARD_REDIS", "redis://127.0.0.1:6379/4")
MANAGER = uuid.UUID("00000000-0000-4000-8000-00000000beef")
CUSTOMERS = 5000

# What a NOT NULL column the seed does not name gets: the emptiest value of its type.
EMPTY = {
    "character varying": "''",
    "text": "''",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "numeric": "0",
    "boolean": "false",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "uuid": "gen_random_uuid()",
    "jsonb": "'[]'::jsonb",
    "ARRAY": "'{}'",
    "time without time zone": "'08:00'",
}


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL_")}
    for app in APPS:
        env[f"DATABASE_URL_{app.upper()}"] = f"{PG}/{PREFIX}_{app}"
    env.update(
        REDIS_URL=REDIS,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        AUTOSALON_ENV_FILE="/dev/null",
        LOG_LEVEL="WARNING",
    )
    return env


def databases(action: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for app in APPS:
            connection.execute(f"DROP DATABASE IF EXISTS {PREFIX}_{app} WITH (FORCE)")
            if action == "create":
                connection.execute(f"CREATE DATABASE {PREFIX}_{app}")


def insert(connection, table: str, count: int, values: dict[str, str], source: str = "") -> None:
    """INSERT `count` rows into `table` from `generate_series(0, count - 1) AS g` (or
    `source`), `values` giving each named column's SQL; every other NOT NULL column without
    a default gets its type's emptiest value."""
    columns = connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
        (table,),
    ).fetchall()
    named = dict(values)
    for column, data_type in columns:
        named.setdefault(column, EMPTY[data_type])
    source = source or f"generate_series(0, {count - 1}) AS g"
    names = ", ".join(f'"{c}"' for c in named)
    connection.execute(
        f"INSERT INTO {table} ({names}) SELECT {', '.join(named.values())} FROM {source}"
    )


def customer(expression: str) -> str:
    return f"md5('customer' || (({expression}) % {CUSTOMERS}))::uuid"


def seed(orders: int) -> None:
    def connect(app):
        return psycopg.connect(f"{PG}/{PREFIX}_{app}", autocommit=True)

    ago = "now() - ((g * 7919) % 129600) * interval '1 minute'"  # spread over 90 days
    with connect("catalog") as db:
        insert(
            db,
            "catalog_category",
            1,
            {"id": "md5('category')::uuid", "name": "'Cars'", "path": "'cars'"},
        )
        insert(
            db,
            "catalog_product",
            200,
            {
                "id": "md5('product' || g)::uuid",
                "name": "'Model ' || g",
                "price": "1000000 + g * 10000",
                "currency": "'RUB'",
                "stock_quantity": "g % 2",  # a car is one unit (docs/api.md, "Vehicles")
                "is_active": "true",
                "category_id": "md5('category')::uuid",
                "kind": "'vehicle'",
                "vin": "'XTA' || lpad(g::text, 14, '0')",
            },
        )
    with connect("orders") as db:
        status = (
            "(ARRAY['paid','processing','completed','completed','cancelled','pending',"
            "'paid'])[(g % 7) + 1]"
        )
        insert(
            db,
            "orders_order",
            orders,
            {
                "id": "md5('order' || g)::uuid",
                "created_at": ago,
                "updated_at": ago,
                "customer_id": customer("g"),
                "status": status,
                "currency": "'RUB'",
                "total_quantity": "1",
                "total_amount": "1000000 + (g % 200) * 10000",
                "paid_amount": "0",
                "sequence": "1",
            },
        )
        insert(
            db,
            "orders_orderitem",
            orders,
            {
                "order_id": "md5('order' || g)::uuid",
                "created_at": ago,
                "updated_at": ago,
                "product_id": "md5('product' || (g % 200))::uuid",
                "product_name": "'Model ' || (g % 200)",
                "unit_price": "1000000 + (g % 200) * 10000",
                "quantity": "1",
                "line_total": "1000000 + (g % 200) * 10000",
                "is_vehicle": "g % 2 = 0",
            },
        )
        insert(
            db,
            "orders_orderstatushistory",
            orders,
            {
                "order_id": "md5('order' || g)::uuid",
                "created_at": ago,
                "updated_at": ago,
                "to_status": "'pending'",
            },
        )
        # Every order but the pending ones was paid, an hour after it was placed (the
        # cancelled ones too, before they were cancelled).
        insert(
            db,
            "orders_orderstatushistory",
            0,
            {
                "order_id": "md5('order' || g)::uuid",
                "created_at": f"{ago} + interval '1 hour'",
                "updated_at": f"{ago} + interval '1 hour'",
                "from_status": "'pending'",
                "to_status": "'paid'",
            },
            source=f"generate_series(0, {orders - 1}) AS g WHERE g % 7 <> 5",
        )
        db.execute("ANALYZE")
    with connect("payments") as db:
        insert(
            db,
            "payments_payment",
            orders,
            {
                "id": "md5('payment' || g)::uuid",
                "created_at": ago,
                "updated_at": ago,
                "payable_id": "md5('order' || g)::uuid",
                "payable_kind": "'order'",
                "customer_id": customer("g"),
                "amount": "1000000 + (g % 200) * 10000",
                "currency": "'RUB'",
                "method": "'card'",
                "status": "(ARRAY['completed','completed','failed','pending','refunded'])[(g % 5) + 1]",
                "provider": "(ARRAY['fake','yookassa','stripe'])[(g % 3) + 1]",
            },
        )
        insert(
            db,
            "payments_refund",
            orders // 5,
            {
                "payment_id": "md5('payment' || (g * 5 + 4))::uuid",
                "created_at": "now() - ((g * 7919) % 129600) * interval '1 minute'",
                "updated_at": "now()",
                "amount": "1000",
                "status": "'completed'",
            },
        )
        db.execute("ANALYZE")
    with connect("financing") as db:
        insert(
            db,
            "financing_loanapplication",
            orders // 10,
            {
                "order_id": "md5('order' || g)::uuid",
                "customer_id": customer("g"),
                "created_at": ago,
                "updated_at": ago,
                "decided_at": f"CASE WHEN g % 2 = 0 THEN {ago} END",
                "disbursed_at": f"CASE WHEN g % 4 = 0 THEN {ago} + interval '1 day' END",
                "status": "(ARRAY['disbursed','rejected','approved','rejected','pending_review'])[(g % 5) + 1]",
                "vehicle_price": "1000000",
                "down_payment": "200000",
                "loan_amount": "800000",
                "currency": "'RUB'",
                "term_months": "60",
                "monthly_income": "100000",
            },
        )
    with connect("insurance") as db:
        insert(
            db,
            "insurance_quote",
            orders // 20,
            {
                "id": "md5('quote' || g)::uuid",
                "order_id": "md5('order' || g)::uuid",
                "customer_id": customer("g"),
                "coverage_amount": "1000000",
                "premium": "64000",
                "currency": "'RUB'",
                "status": "'purchased'",
                "created_at": ago,
                "updated_at": ago,
            },
        )
        insert(
            db,
            "insurance_policy",
            orders // 20,
            {
                "quote_id": "md5('quote' || g)::uuid",
                "number": "'P-' || g",
                "order_id": "md5('order' || g)::uuid",
                "customer_id": customer("g"),
                "premium": "64000",
                "premium_paid": "64000",
                "currency": "'RUB'",
                "status": "'active'",
                "paid_at": ago,
                "created_at": ago,
                "updated_at": ago,
            },
        )
    with connect("showroom") as db:
        insert(db, "showroom_resourcetype", 1, {"id": "md5('type')::uuid", "name": "'Demo car'"})
        insert(
            db,
            "showroom_resource",
            1,
            {
                "id": "md5('resource')::uuid",
                "name": "'Demo car'",
                "quantity": "1",
                "opens_at": "'08:00'",
                "closes_at": "'20:00'",
                "is_active": "true",
                "type_id": "md5('type')::uuid",
            },
        )
        drives = orders // 20
        insert(
            db,
            "showroom_allocation",
            drives,
            {
                "id": "md5('allocation' || g)::uuid",
                "resource_id": "md5('resource')::uuid",
                "start_time": ago,
                "end_time": f"{ago} + interval '1 hour'",
                "quantity": "1",
                "status": "'released'",
            },
        )
        insert(
            db,
            "showroom_testdrive",
            drives,
            {
                "allocation_id": "md5('allocation' || g)::uuid",
                "resource_id": "md5('resource')::uuid",
                "user_id": customer("g"),
                "created_at": ago,
                "updated_at": ago,
                "start_time": ago,
                "end_time": f"{ago} + interval '1 hour'",
                "status": "(ARRAY['completed','no_show','booked','cancelled'])[(g % 4) + 1]",
            },
        )
        insert(
            db,
            "showroom_event",
            1,
            {
                "id": "md5('event')::uuid",
                "title": "'Open day'",
                "start_date": "now()",
                "end_date": "now() + interval '1 day'",
                "capacity": "100000",
                "currency": "'RUB'",
                "status": "'published'",
            },
        )
        insert(
            db,
            "showroom_registration",
            orders // 20,
            {
                "event_id": "md5('event')::uuid",
                "user_id": customer("g"),
                "status": "'confirmed'",
                "position": "g",
                "created_at": ago,
                "updated_at": ago,
            },
        )
    with connect("crm") as db:
        insert(
            db,
            "crm_client",
            CUSTOMERS,
            {
                "id": "md5('client' || g)::uuid",
                "name": "'Client ' || g",
                "user_id": customer("g"),
                "manager_id": f"CASE WHEN g % 20 = 0 THEN '{MANAGER}'::uuid END",
                "status": "'active'",
                "source": "'walk_in'",
                "created_at": ago,
                "updated_at": ago,
            },
        )
        insert(
            db,
            "crm_activity",
            CUSTOMERS // 2,
            {
                "client_id": "md5('client' || (g * 2))::uuid",
                "kind": "'order_placed'",
                "occurred_at": ago,
                "created_at": ago,
                "details": "'{}'::jsonb",
            },
        )
        db.execute("ANALYZE")


class User:
    """Who loads the page: all `figures` reads of a user is its id and whether it is an
    admin."""

    is_authenticated = is_staff = True

    def __init__(self, pk, is_superuser: bool):
        self.pk, self.is_superuser = pk, is_superuser


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(loads: int, verbose: bool) -> None:
    import django

    django.setup()
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from backoffice import dashboard
    from crm.selectors.dashboard import manager_customers

    for name, user in (("admin", User(uuid.uuid4(), True)), ("manager", User(MANAGER, False))):
        cold = []
        queries = 0
        for _ in range(loads):
            contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
            for context in contexts:
                context.__enter__()
            started = time.perf_counter()
            dashboard.figures_compute(user=user, customers=manager_customers(user=user))
            cold.append((time.perf_counter() - started) * 1000)
            for context in contexts:
                context.__exit__(None, None, None)
            queries = sum(len(c.captured_queries) for c in contexts)
            slowest = sorted(
                (
                    (float(q["time"]), c.connection.alias, q["sql"])
                    for c in contexts
                    for q in c.captured_queries
                ),
                reverse=True,
            )[:3]
        dashboard.figures(user=user)
        cached = []
        for _ in range(loads * 10):
            started = time.perf_counter()
            dashboard.figures(user=user)
            cached.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:8} cold: median {statistics.median(cold):7.1f} ms, "
            f"p95 {percentile(cold, 0.95):7.1f} ms, {queries} queries | "
            f"cached: median {statistics.median(cached):5.2f} ms, "
            f"p95 {percentile(cached, 0.95):5.2f} ms"
        )
        if verbose:
            for seconds, alias, sql in slowest:
                print(f"    {seconds * 1000:6.1f} ms {alias}: {sql[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--verbose", action="store_true", help="the slowest queries too")
    parser.add_argument("--keep", action="store_true", help="keep the databases, to explain")
    arguments = parser.parse_args()
    env = environment()
    databases("create")
    try:
        manage(env, "migrate_all")
        started = time.perf_counter()
        seed(arguments.orders)
        print(f"seeded {arguments.orders:,} orders in {time.perf_counter() - started:.1f} s")
        # Other work on the machine slows every figure: say how busy it was.
        print("load average: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
        os.environ.update(env)
        measure(arguments.loads, arguments.verbose)
    finally:
        from django.db import connections

        connections.close_all()
        if not arguments.keep:
            databases("drop")


if __name__ == "__main__":
    main()
