"""Throughput of order creation and the product list, against the database's own limit and
a bare endpoint, in one run (issue #21).

Everything runs in one go on this machine: PostgreSQL databases of their own (created and
dropped), a Redis database of its own, the site as docker-compose.yml serves it
(bench/harness.py: granian with 4 worker processes, the outbox relay; no Celery worker, so
the events' tasks wait in Redis), and a load generator (aiohttp). The load goes to granian
itself: Caddy in front of it would cost every scenario alike, on the same two cores.

Scenarios, interleaved in short slices so that whatever else the machine does weighs on all
of them alike:
- bare SQL limit: the SQL of one order creation with nothing around it (bench/bare_sql.py),
  as many processes as the web has workers, each with its own pools;
- bare DRF endpoint: `GET /api/v1/ping`, no authentication, no database;
- product list (20), cache hit and cache miss (a query parameter of its own each time);
- order creation: `POST /api/v1/orders/`, one random product, with a JWT.

Each HTTP slice opens fresh keep-alive connections, twice as many as there are workers, so
that the kernel spreads them anew over the workers' accepts. Printed per scenario: requests
per second, the ratio to the bare-SQL limit and to the bare endpoint, p50/p95 latency, and
the CPU milliseconds the web workers (and the relay) spent per request, read from /proc.
Targets: order creation at least 0.5 of the bare-SQL limit and at most 4 ms of web CPU; the
product list on a cache hit at least 0.8 of the bare endpoint. See BENCHMARKS.md.

    .venv/bin/python bench/http_throughput.py [--seconds 10] [--workers 4] [--concurrency 8]
"""

import argparse
import asyncio
import multiprocessing
import random
import statistics
import sys
import time
import uuid

import aiohttp
import bare_sql
from harness import bench_system, children_cpu_seconds, cpu_seconds

ROUNDS = 5


SEED = """
from decimal import Decimal
from catalog import services
from accounts import services as accounts
tree = services.category_create(name="Cars")
for i in range(5):
    sub = services.category_create(name=f"Line {i}", parent=tree)
    for j in range(40):
        services.product_create(name=f"Car {i}-{j}", make="Make", model=f"M{j}", year=2024,
            price=Decimal("1000000.00") + j, stock_quantity=1_000_000, category=sub)
accounts.user_register(email="bench@example.com", password="Bench-pass-2026", full_name="Bench")
"""


async def load(client, make_request, seconds: float, concurrency: int) -> tuple[list, int, float]:
    """Keep `concurrency` requests in flight for `seconds`: latencies, errors, elapsed."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def user():
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with make_request(client) as response:
                await response.read()
            latencies.append(time.perf_counter() - started)
            errors += response.status >= 400

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def summary(latencies: list[float], errors: int, elapsed: float) -> dict:
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": quantiles[49] * 1000,
        "p95": quantiles[94] * 1000,
    }


async def order_create_request(client):
    """Signs the seeded client in; returns a request maker for one order of a random car."""
    credentials = {"email": "bench@example.com", "password": "Bench-pass-2026"}
    async with client.post("/api/v1/auth/token", json=credentials) as response:
        auth = {"Authorization": f"Bearer {(await response.json())['access_token']}"}
    async with client.get("/api/v1/catalog/products/", params={"page_size": 100}) as response:
        product_ids = [p["id"] for p in (await response.json())["results"]]

    def order_create(c):
        item = {"product_id": random.choice(product_ids), "quantity": 1}
        return c.post("/api/v1/orders/", json={"items": [item]}, headers=auth)

    return order_create


BARE_SQL = "bare SQL limit"
BARE = "bare DRF endpoint"
HIT = "product list (20), cache hit"
MISS = "product list (20), cache miss"
ORDERS = "order creation"


class Totals:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors = 0
        self.elapsed = 0.0
        self.web_cpu = 0.0
        self.relay_cpu = 0.0

    def add(self, latencies, errors, elapsed, web_cpu=0.0, relay_cpu=0.0):
        self.latencies += latencies
        self.errors += errors
        self.elapsed += elapsed
        self.web_cpu += web_cpu
        self.relay_cpu += relay_cpu

    def summary(self) -> dict:
        count = len(self.latencies)
        return {
            **summary(self.latencies, self.errors, self.elapsed),
            "web_ms": self.web_cpu * 1000 / count,
            "relay_ms": self.relay_cpu * 1000 / count,
        }


async def http_slice(system, make_request, seconds: float, concurrency: int) -> tuple:
    """One slice on fresh connections: latencies, errors, elapsed, web and relay CPU."""
    web, relay = cpu_seconds(system.http_pid), cpu_seconds(system.relay_pid)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(system.http_url, connector=connector) as client:
        latencies, errors, elapsed = await load(client, make_request, seconds, concurrency)
    web_cpu = cpu_seconds(system.http_pid) - web
    return latencies, errors, elapsed, web_cpu, cpu_seconds(system.relay_pid) - relay


def bare_sql_slice(pool, processes: int, seconds: float) -> tuple:
    results = pool.map(bare_sql.process_slice, [seconds] * processes)
    latencies = [latency for each, _ in results for latency in each]
    return latencies, 0, max(elapsed for _, elapsed in results)


async def run(system, seconds: float, concurrency: int, processes: int, rounds: int) -> dict:
    async with aiohttp.ClientSession(system.http_url) as client:
        order_create = await order_create_request(client)

    def bare(c):
        return c.get("/api/v1/ping")

    def hit(c):
        return c.get("/api/v1/catalog/products/", params={"page_size": 20})

    def miss(c):
        return c.get("/api/v1/catalog/products/", params={"page_size": 20, "x": uuid.uuid4().hex})

    scenarios = {BARE: bare, HIT: hit, MISS: miss, ORDERS: order_create}
    totals = {name: Totals() for name in [BARE_SQL, *scenarios]}
    urls = [system.env[f"DATABASE_URL_{alias}"] for alias in ("CATALOG", "ORDERS")]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=bare_sql.process_start, initargs=urls) as pool:
        bare_sql_slice(pool, processes, 1)  # warm up every code path and the pools
        for make_request in scenarios.values():
            await http_slice(system, make_request, 1, concurrency)
        for _ in range(rounds):
            totals[BARE_SQL].add(*bare_sql_slice(pool, processes, seconds / rounds))
            for name, make_request in scenarios.items():
                totals[name].add(
                    *await http_slice(system, make_request, seconds / rounds, concurrency)
                )
    return {name: total.summary() for name, total in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="per scenario, all rounds")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--concurrency", type=int, help="connections (default: 2 per worker)")
    args = parser.parse_args()
    concurrency = args.concurrency or 2 * args.workers

    with bench_system(SEED, args.workers) as system:
        results = asyncio.run(run(system, args.seconds, concurrency, args.workers, args.rounds))
        # How evenly the connections spread over the workers: each one's share of the work.
        spread = children_cpu_seconds(system.http_pid)

    limit, bare = results[BARE_SQL]["rps"], results[BARE]["rps"]
    print(
        f"{'scenario':<30} {'req/s':>7} {'/SQL':>5} {'/bare':>5} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'web CPU ms':>10} {'relay ms':>8} {'errors':>6}"
    )
    for name, r in results.items():
        cpu = "-" if name == BARE_SQL else f"{r['web_ms']:.2f}"
        relay = f"{r['relay_ms']:.2f}" if name == ORDERS else "-"
        print(
            f"{name:<30} {r['rps']:>7.1f} {r['rps'] / limit:>5.2f} {r['rps'] / bare:>5.2f} "
            f"{r['p50']:>7.1f} {r['p95']:>7.1f} {cpu:>10} {relay:>8} {r['errors']:>6}"
        )
    targets = {
        "order creation >= 0.5 of the bare-SQL limit": results[ORDERS]["rps"] / limit >= 0.5,
        "product list cache hit >= 0.8 of the bare endpoint": results[HIT]["rps"] / bare >= 0.8,
        "web CPU per order creation <= 4 ms": results[ORDERS]["web_ms"] <= 4,
    }
    print(
        f"granian with {args.workers} worker processes, {concurrency} connections, "
        f"{args.workers} bare-SQL processes, {args.seconds:.0f} s per scenario in "
        f"{args.rounds} interleaved rounds"
    )
    print("web workers' CPU seconds:", ", ".join(f"{seconds:.1f}" for seconds in spread))
    for target, met in targets.items():
        print(f"{'met   ' if met else 'MISSED'} {target}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
