"""The dashboard bench's seed (BENCHMARKS.md, "Dashboard"): 100,000 orders over 90 days and
what hangs off them, inserted in bulk by SQL (`generate_series`) into its own databases."""

import uuid

import psycopg

from bench.harness import PG

PREFIX = "autosalon_bench_dashboard"
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
