"""Order creation with one and with two HTTP servers (issue #35, "Run as many"), on the same
databases behind PgBouncer, as production runs them, with PostgreSQL's connections counted.

One run on this machine: PostgreSQL databases of its own (created and dropped), a Redis
database of its own, a PgBouncer in transaction pooling mode in front of them (the servers
reach PostgreSQL only through it; the relay LISTENs straight to the server), two granian
servers of `--workers` processes each, the outbox relay, and two Caddy proxies: one with the
first server as its only upstream, one balancing over both (config/Caddyfile). The load
(aiohttp, `POST /api/v1/orders/`, one random product, with a JWT) goes through a proxy, as
clients' requests do; the servers and the proxies run throughout, so the idle ones cost the
same in both scenarios.

Scenarios, interleaved in short slices so that whatever else the machine does weighs on all
alike: "1 server" (the first proxy) and "2 servers" (the second), with twice the connections
for twice the servers, and a control, "1 server, 2x load": the first proxy under the two
servers' connections, which tells what the second server adds from what the load adds.
Before each slice PgBouncer closes its idle server connections (`RECONNECT`), so that the
connections sampled in a slice (pg_stat_activity, a few times a second) are the ones that
scenario needed.

Printed per scenario: orders per second, the ratio to one server, p50/p95 latency, the peak
of PostgreSQL's connections per database and in total, and by `application_name`. On a
machine with N cores the ratio is bounded by the cores the servers share with PostgreSQL,
the relay, Caddy and the load generator; the target is only that a second server never makes
the site slower (ratio >= 1.0). See BENCHMARKS.md. Exit code 1 when it is missed, 3 when an
order gets an error answer or none (`harness.Answers`: the count and the first error are
printed instead of figures).

    .venv/bin/python bench/scale.py [--seconds 20] [--rounds 4] [--workers 2]
"""

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import aiohttp
import psycopg
from harness import (
    APPS,
    PG,
    PREFIX,
    ROOT,
    _start,
    _wait_healthy,
    databases,
    environment,
    free_port,
    main_run,
    manage,
)
from http_throughput import SEED, load, order_create_request, summary

sys.path.insert(0, str(ROOT))
from tests.pgbouncer import PgBouncer  # the repository root, on the path now

ONE, ONE_MORE, TWO = "1 server", "1 server, 2x load", "2 servers"
POOL_SIZE = 20  # PgBouncer's server connections per database, as docker-compose.yml


class Sampler(threading.Thread):
    """PostgreSQL's connections to the benchmark's databases, sampled every 0.1 s into the
    scenario that is running: the peak per database, in total, and per application_name."""

    def __init__(self):
        super().__init__(daemon=True)
        self.scenario: str | None = None
        self.per_database: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.total: dict[str, int] = defaultdict(int)
        self.per_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._stopping = threading.Event()

    def run(self) -> None:
        names = [f"{PREFIX}_{app}" for app in APPS]
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
            while not self._stopping.wait(0.1):
                scenario = self.scenario
                if scenario is None:
                    continue
                rows = connection.execute(
                    "SELECT datname, application_name, count(*) FROM pg_stat_activity"
                    " WHERE datname = ANY(%s) GROUP BY 1, 2",
                    [names],
                ).fetchall()
                databases, kinds = defaultdict(int), defaultdict(int)
                for database, application, count in rows:
                    databases[database] += count
                    kinds[application or "(pgbouncer)"] += count
                peaks = self.per_database[scenario]
                for database, count in databases.items():
                    peaks[database] = max(peaks[database], count)
                for kind, count in kinds.items():
                    self.per_kind[scenario][kind] = max(self.per_kind[scenario][kind], count)
                self.total[scenario] = max(self.total[scenario], sum(databases.values()))

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=10)


def pgbouncer_reconnect(pgbouncer: PgBouncer) -> None:
    """PgBouncer closes its server connections as they are released (the idle ones now)."""
    with psycopg.connect(pgbouncer.url("pgbouncer"), autocommit=True) as admin:
        admin.execute("RECONNECT")


async def load_on(url: str, make_request, seconds: float, concurrency: int, what: str) -> tuple:
    """`http_throughput.load` on fresh connections to `url`."""
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(url, connector=connector) as client:
        return await load(client, make_request, seconds, concurrency, what)


@contextlib.contextmanager
def scale_system(directory: Path, workers: int):
    """Fresh databases behind a PgBouncer, migrated and seeded; two HTTP servers, the relay,
    and the two proxies. Yields (proxy URLs by scenario, the PgBouncer)."""
    directory.mkdir(parents=True, exist_ok=True)
    databases("create")
    pgbouncer = PgBouncer(directory / "pgbouncer", server=PG, pool_size=POOL_SIZE).start()
    processes: list[subprocess.Popen] = []
    try:
        variables = {app: f"DATABASE_URL_{app.upper()}" for app in APPS}
        env = pgbouncer.environment(environment(), variables)
        manage(env, "migrate_all")
        manage(env, "shell", "--no-imports", stdin=SEED)
        serve = [sys.executable, "-m", "config.servers"]
        http_ports = [free_port(), free_port()]
        for port in http_ports:
            command = [*serve, "http", "--port", str(port), "--workers", str(workers)]
            processes.append(_start(command, env))
        processes.append(_start([sys.executable, "manage.py", "events_relay", "--follow"], env))
        urls = {}
        nowhere = f"127.0.0.1:{free_port()}"  # no feed server: the bench sends no /ws/
        upstreams = {ONE: http_ports[:1], TWO: http_ports}
        for scenario, ports in upstreams.items():
            url = f"http://127.0.0.1:{free_port()}"
            proxy = [*serve, "proxy", "--site", url, "--ws", nowhere]
            proxy += ["--http", " ".join(f"127.0.0.1:{port}" for port in ports)]
            var = {"AUTOSALON_VAR_DIR": str(directory / scenario.replace(" ", "-"))}
            processes.append(_start(proxy, {**env, **var}))
            urls[scenario] = url
        for each in [*(f"http://127.0.0.1:{port}" for port in http_ports), *urls.values()]:
            _wait_healthy(each)
        yield urls, pgbouncer
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        pgbouncer.stop()
        databases("drop")


async def run(urls, pgbouncer, sampler, seconds, rounds, concurrency) -> dict:
    """Each scenario: (its proxy, its connections). The control, one server under the two
    servers' connections, tells what the second server adds from what the load adds."""
    async with aiohttp.ClientSession(urls[ONE]) as client:
        order_create = await order_create_request(client)
    scenarios = {
        ONE: (urls[ONE], concurrency),
        ONE_MORE: (urls[ONE], 2 * concurrency),
        TWO: (urls[TWO], 2 * concurrency),
    }
    # Warm up every worker's paths and pools.
    for scenario, (url, connections) in scenarios.items():
        await load_on(url, order_create, 2, connections, scenario)
    results = {scenario: ([], 0.0) for scenario in scenarios}
    for _ in range(rounds):
        for scenario, (url, connections) in scenarios.items():
            pgbouncer_reconnect(pgbouncer)
            sampler.scenario = scenario
            latencies, elapsed = await load_on(
                url, order_create, seconds / rounds, connections, scenario
            )
            sampler.scenario = None
            total = results[scenario]
            results[scenario] = (total[0] + latencies, total[1] + elapsed)
    return {scenario: summary(*result) for scenario, result in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="per scenario, all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="per HTTP server")
    parser.add_argument("--concurrency", type=int, help="connections per server (2 per worker)")
    args = parser.parse_args()
    concurrency = args.concurrency or 2 * args.workers

    sampler = Sampler()
    sampler.start()
    directory = Path(f"/tmp/autosalon-bench-scale-{os.getpid()}")
    try:
        with scale_system(directory, args.workers) as (urls, pgbouncer):
            results = asyncio.run(
                run(urls, pgbouncer, sampler, args.seconds, args.rounds, concurrency)
            )
    finally:
        sampler.stop()

    one = results[ONE]["rps"]
    print(
        f"{'HTTP servers':<18} {'orders/s':>8} {'ratio':>5} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'PG conns, total':>15}  PG conns per database (peak)"
    )
    for scenario, r in results.items():
        peaks = sampler.per_database[scenario]
        per_database = ", ".join(f"{app} {peaks.get(f'{PREFIX}_{app}', 0)}" for app in APPS)
        print(
            f"{scenario:<18} {r['rps']:>8.1f} {r['rps'] / one:>5.2f} {r['p50']:>7.1f} "
            f"{r['p95']:>7.1f} {sampler.total[scenario]:>15}  {per_database}"
        )
    for scenario in results:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(sampler.per_kind[scenario].items()))
        print(f"{scenario}: peak connections by application_name: {kinds}")
    print(
        f"granian servers of {args.workers} worker processes each, {concurrency} connections "
        f"per server, PgBouncer pool {POOL_SIZE} per database, {args.seconds:.0f} s per "
        f"scenario in {args.rounds} interleaved rounds, {os.cpu_count()} cores"
    )
    same_load = results[TWO]["rps"] / results[ONE_MORE]["rps"]
    print(f"2 servers against 1 under the same connections: {same_load:.2f}")
    # A request that failed has already failed the run (`harness.Answers`, exit code 3).
    met = results[TWO]["rps"] / one >= 1.0
    print(f"{'met   ' if met else 'MISSED'} 2 servers >= 1.0 x the orders/s of 1, no errors")
    return 0 if met else 1


if __name__ == "__main__":
    main_run(main)
