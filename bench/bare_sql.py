"""The database's own limit for order creation: the SQL of one `POST /api/v1/orders/`, with
nothing else around it.

Each process keeps a psycopg 3 pool per database (as the web workers do, config/settings)
and, in a closed loop, runs what one order creation sends, statement for statement
(captured from the endpoint; `orders.services.order_create` and `catalog.services`): in the
catalog database the conditional stock `UPDATE … RETURNING` and the reservation, one
statement; in the orders database the order's number (one `SELECT`), then in a transaction
the order, its item, its status-history
row, the outbox row and the relay's `NOTIFY`, one query. `http_throughput.py` runs it in
slices interleaved with the HTTP scenarios, on the same databases and as many processes as
the web has workers, and counts each slice's CPU: these processes' own (returned by
`process_slice`) and PostgreSQL's.

Its outbox rows are written as already handed over (`published_at` set, the next
redelivery a day away) and otherwise as the endpoint writes them, the same statement with
the same indexes to maintain: the relay, woken by the `NOTIFY`, finds nothing to publish, and
no event of an order that was never placed reaches the workers, which would spend the next
slices' CPU on it.
"""

import json
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from psycopg import ClientCursor
from psycopg_pool import ConnectionPool

TAKE_AND_RESERVE = """
    WITH taken AS (
        UPDATE catalog_product
           SET stock_quantity = stock_quantity - %(quantity)s, updated_at = %(now)s
         WHERE id = %(product_id)s AND is_active AND stock_quantity >= %(quantity)s
     RETURNING id, name, price, currency, vin
    ), reserved AS (
        INSERT INTO catalog_stockreservation
            (id, order_id, product_id, quantity, status, released_at, created_at, updated_at)
        SELECT %(reservation_id)s, %(order_id)s, id, %(quantity)s, 'active', NULL, %(now)s,
               %(now)s
          FROM taken
    )
    SELECT id, name, price, currency, vin FROM taken"""
ORDER = """
    INSERT INTO orders_order
        (created_at, updated_at, id, number, customer_id, customer_email, customer_name,
         customer_synced_at, customer_scrubbed, status, currency, total_quantity, total_amount,
         paid_amount, paid_version, notes, sequence)
    VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, false, 'pending', %s, %s, %s, 0, 0, '', 1)"""
# The order's number, taken before its rows (common.db.numbers.number_take).
NUMBER = "SELECT autosalon_human_number('А', 'orders_order_number')"
ITEM = """
    INSERT INTO orders_orderitem
        (created_at, updated_at, id, order_id, product_id, product_name, unit_price, quantity,
         line_total, is_vehicle)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
HISTORY = """
    INSERT INTO orders_orderstatushistory
        (created_at, updated_at, id, order_id, from_status, to_status, changed_by_id,
         changed_by_role, reason)
    VALUES (%s, %s, %s, %s, '', 'pending', %s, 'client', '')"""
OUTBOX = """
    INSERT INTO orders_outboxevent
        (created_at, updated_at, id, type, aggregate_id, payload, occurred_at, request_id,
         schema_version, published_at, attempts, delivered_at, next_attempt_at,
         amqp_published_at, kafka_published_at)
    VALUES (%s, %s, %s, 'order.created', %s, %s, %s, %s, 1, %s, 0, NULL, %s, %s, %s)"""


def order_create(catalog, orders, product_ids: list, customer_id: uuid.UUID) -> None:
    """One order of one random product, as the endpoint writes it."""
    now = datetime.now(UTC)
    order_id, product_id = uuid.uuid4(), random.choice(product_ids)
    with catalog.connection() as connection:  # one statement, in autocommit
        _, name, price, currency, vin = (
            ClientCursor(connection)
            .execute(
                TAKE_AND_RESERVE,
                {
                    "quantity": 1,
                    "now": now,
                    "product_id": product_id,
                    "reservation_id": uuid.uuid4(),
                    "order_id": order_id,
                },
            )
            .fetchone()
        )
    with orders.connection() as connection, connection.transaction():
        (number,) = connection.execute(NUMBER).fetchone()  # as the service, in its transaction
        payload = {
            "id": str(order_id),
            "customer_id": str(customer_id),
            "status": "pending",
            "sequence": 1,
            "total_amount": str(price),
            "paid_amount": "0.00",
            "currency": currency,
            "items": [{"product_id": str(product_id), "quantity": 1}],
            "number": number,
        }
        # The order's rows, the outbox row and the NOTIFY go in one query of several statements,
        # as `common.db.insert_rows` sends them (client-side binding, as Django's).
        ClientCursor(connection).execute(
            ";".join([ORDER, ITEM, HISTORY, OUTBOX, "NOTIFY autosalon_outbox"]),
            (
                *(now, now, order_id, number, customer_id, "bench@example.com", "Bench"),
                *(currency, 1),
                price,
                *(
                    now,
                    now,
                    uuid.uuid4(),
                    order_id,
                    product_id,
                    name,
                    price,
                    1,
                    price,
                    vin is not None,
                ),
                *(now, now, uuid.uuid4(), order_id, customer_id),
                *(now, now, uuid.uuid4(), str(order_id), json.dumps(payload), now, ""),
                *(now, now + timedelta(days=1), now, now),  # handed over, see the docstring
            ),
        )


class Limit:
    """One process's pools, kept across slices."""

    def __init__(self, catalog_url: str, orders_url: str):
        # In autocommit, as Django keeps its connections outside `atomic`.
        options = {"min_size": 1, "max_size": 1, "open": True, "kwargs": {"autocommit": True}}
        self.catalog = ConnectionPool(catalog_url, **options)
        self.orders = ConnectionPool(orders_url, **options)
        with self.catalog.connection() as connection:
            rows = connection.execute("SELECT id FROM catalog_product WHERE is_active").fetchall()
        self.product_ids = [row[0] for row in rows]
        self.customer_id = uuid.uuid4()

    def run(self, seconds: float) -> tuple[list[float], float, float]:
        """Orders as fast as they go for `seconds`: their latencies, the time spent and this
        process's CPU seconds (all its threads, the pools' included)."""
        latencies = []
        cpu = time.process_time()
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            order_create(self.catalog, self.orders, self.product_ids, self.customer_id)
            latencies.append(time.perf_counter() - begun)
        return latencies, time.perf_counter() - started, time.process_time() - cpu


_limit: Limit | None = None


def process_start(catalog_url: str, orders_url: str) -> None:
    """A pool process's initializer."""
    global _limit
    _limit = Limit(catalog_url, orders_url)


def process_slice(seconds: float) -> tuple[list[float], float, float]:
    return _limit.run(seconds)
