"""What confirming and redelivering outbox events costs order creation (issue #12).

One system, as in `http_throughput.py` (granian with 4 processes and the relay process, on
databases and a Redis database of its own), plus a Celery worker with beat that consumes the events and runs the
relay every second. Order creation is measured in alternating slices under two relays:

- "publish only": EVENTS_REDELIVER_AFTER_SECONDS=0, the path before this change: the relay
  sends what was never published and trusts the broker with the rest;
- "redelivery": every event becomes due one second after its hand-over, so every round
  reads the consumers' inboxes for everything just published and marks it delivered (far
  more often than the default of 60 s would).

Target: redelivery costs at most 10% of order-creation throughput (ratio >= 0.90). Exit
code 1 when it is missed, 3 when an order gets an error answer or none (`harness.Answers`:
the count and the first error are printed instead of figures).

    .venv/bin/python bench/outbox_redelivery.py [--seconds 30] [--concurrency 4]
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time

import aiohttp
from harness import ROOT, bench_system, main_run, manage
from http_throughput import SEED, load, order_create_request, summary

ROUNDS = 3
RELAYS = {
    "publish only": {"EVENTS_REDELIVER_AFTER_SECONDS": "0"},
    "redelivery": {"EVENTS_REDELIVER_AFTER_SECONDS": "1"},
}


def worker_start(env: dict, relay: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--schedule",
            f"/tmp/autosalon-bench-beat-{os.getpid()}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={
            **env,
            "EVENTS_RELAY_INTERVAL_SECONDS": "1",
            "EVENTS_RELAY_GRACE_SECONDS": "1",
            **relay,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def worker_stop(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=60)


async def orders(base_url: str, seconds: float, concurrency: int) -> tuple:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url, connector=connector) as client:
        return await load(
            client, await order_create_request(client), seconds, concurrency, "order creation"
        )


def undelivered(env: dict) -> str:
    return manage(env, "events_undelivered").strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="per relay, in all rounds")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    totals = {name: ([], 0.0) for name in RELAYS}
    with bench_system(SEED, args.workers, EVENTS_REDELIVER_AFTER_SECONDS="1") as system:
        url, env = system.http_url, system.env
        for _ in range(ROUNDS):
            for name, relay in RELAYS.items():
                worker = worker_start(env, relay)
                time.sleep(4)  # the worker and beat are up and the backlog is drained
                try:
                    latencies, elapsed = asyncio.run(
                        orders(url, args.seconds / ROUNDS, args.concurrency)
                    )
                finally:
                    worker_stop(worker)
                seen, spent = totals[name]
                totals[name] = (seen + latencies, spent + elapsed)
        left = undelivered(env)

    results = {name: summary(*total) for name, total in totals.items()}
    baseline = results["publish only"]["rps"]
    print(f"{'relay':<14} {'orders/s':>9} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for name, r in results.items():
        print(
            f"{name:<14} {r['rps']:>9.1f} {r['rps'] / baseline:>6.2f} {r['p50']:>7.1f} "
            f"{r['p95']:>7.1f}"
        )
    ratio = results["redelivery"]["rps"] / baseline
    print(
        f"concurrency {args.concurrency}, {args.seconds:.0f} s per relay in {ROUNDS} rounds, "
        f"granian with {args.workers} processes, the relay, one Celery worker with beat"
    )
    print(f"after the run: {left}")
    ok = ratio >= 0.90
    print("target met (>= 0.90)" if ok else "TARGET MISSED (>= 0.90)")
    return 0 if ok else 1


if __name__ == "__main__":
    main_run(main)
