"""The dashboard's server time with 100,000 orders (docs/dashboard.md, "Query count").

Fresh databases of its own (`autosalon_bench_dashboard_*`), migrated, then seeded in bulk by
SQL (`generate_series`, a few seconds): 100,000 orders over 90 days with their items and
status history, as many payments, refunds, loans, quotes and policies, test drives,
registrations, CRM clients and their timelines. Then, in this process, the whole group's
figures, as an admin and as the group's manager see them (the same: docs/dashboard.md, "Who
sees what"): N cold loads (`backoffice.dashboard.figures_compute`, every query) and
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

from bench.dashboard_seed import MANAGER, PREFIX, seed  # noqa: E402
from bench.harness import APPS, PG, manage  # noqa: E402

REDIS = os.environ.get("BENCH_DASHBOARD_REDIS", "redis://127.0.0.1:6379/4")


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


class User:
    """Who loads the page: all `figures` reads of a user is its id, whether it is an admin
    and the showrooms it works in (none: the group's)."""

    is_authenticated = is_staff = True
    showroom_ids: list[uuid.UUID] = []

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

    for name, user in (("admin", User(uuid.uuid4(), True)), ("manager", User(MANAGER, False))):
        cold = []
        queries = 0
        for _ in range(loads):
            contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
            for context in contexts:
                context.__enter__()
            started = time.perf_counter()
            dashboard.figures_compute()
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
