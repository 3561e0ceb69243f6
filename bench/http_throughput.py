"""Throughput of the product list and of order creation, as ratios to a bare DRF endpoint.

Everything runs in one go on this machine: PostgreSQL databases of its own (created and
dropped), a Redis database of its own, one ASGI server (uvicorn with 4 worker processes, as
in docker-compose.yml) and a load generator (aiohttp) with a fixed number of concurrent
keep-alive connections. No Celery worker runs: order events wait in Redis. Targets (issue
#3): product list at least 0.4x and order creation at least 0.2x the bare endpoint's
throughput. See BENCHMARKS.md.

    .venv/bin/python bench/http_throughput.py [--seconds 10] [--concurrency 4] [--workers 4]
"""

import argparse
import asyncio
import random
import statistics
import sys
import time

import aiohttp
from harness import bench_system

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


async def run(base_url: str, seconds: float, concurrency: int) -> dict:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url, connector=connector) as client:
        order_create = await order_create_request(client)

        def bare(c):
            return c.get("/api/v1/ping")

        def product_list(c):
            return c.get("/api/v1/catalog/products/", params={"page_size": 20})

        scenarios = {
            "bare DRF endpoint": bare,
            "product list (20)": product_list,
            "order creation": order_create,
        }
        for make_request in scenarios.values():  # warm up every code path and the pools
            await load(client, make_request, 1, concurrency)
        # Interleave short slices of every scenario, so that whatever else the machine does
        # weighs on all of them alike.
        totals = {name: ([], 0, 0.0) for name in scenarios}
        for _ in range(ROUNDS):
            for name, make_request in scenarios.items():
                latencies, errors, elapsed = await load(
                    client, make_request, seconds / ROUNDS, concurrency
                )
                seen, failed, spent = totals[name]
                totals[name] = (seen + latencies, failed + errors, spent + elapsed)
        return {name: summary(*total) for name, total in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--web", default="uvicorn")
    args = parser.parse_args()

    with bench_system(SEED, args.workers, args.web) as (base_url, _, _env):
        results = asyncio.run(run(base_url, args.seconds, args.concurrency))

    baseline = results["bare DRF endpoint"]["rps"]
    targets = {"product list (20)": 0.4, "order creation": 0.2}
    print(
        f"{'scenario':<20} {'req/s':>8} {'ratio':>6} {'target':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'errors':>6}"
    )
    ok = True
    for name, r in results.items():
        ratio = r["rps"] / baseline
        target = targets.get(name)
        ok &= target is None or ratio >= target
        print(
            f"{name:<20} {r['rps']:>8.1f} {ratio:>6.2f} "
            f"{(f'>={target}' if target else '-'):>7} {r['p50']:>7.1f} {r['p95']:>7.1f} "
            f"{r['errors']:>6}"
        )
    print(
        f"concurrency {args.concurrency}, {args.seconds:.0f} s per scenario, "
        f"uvicorn with {args.workers} worker processes"
    )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
