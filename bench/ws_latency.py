"""Latency of the live order feed: from a status change's commit to its arrival at the client.

Everything runs in one go on this machine: databases and a Redis database of its own, the
site as compose serves it (Caddy in front of uvicorn for the feed) with the Redis channel
layer, and in this process as many WebSocket clients as the open-file limit allows, up to
1,000, each its own customer subscribed to its own order on `ws/orders/<id>/`. Driver
processes then move every order paid → processing → completed as a manager at a fixed rate
(at least 200 changes per second), through
`order_status_set`, the code behind the REST endpoint, the admin actions and payments; the
cost of the HTTP request around it is what bench/http_throughput.py measures.

Latency runs from the commit (the first on-commit hook of the driver's transaction, around
the service's) to the moment the push is read here. A push is lost when a client never
receives the sequence number of a change. The baseline is a bare push on the same path, sent
by the drivers straight to the channel layer with no database, at the same rate. Targets
(issue #5): p95 at most 50 ms, nothing lost. See BENCHMARKS.md.

    .venv/bin/python bench/ws_latency.py [--clients 1000] [--rate 250] [--workers 2] [--drivers 4]
"""

import argparse
import asyncio
import json
import statistics
import sys
import time

import aiohttp
from harness import ROOT, bench_system, open_files_raise

SEED = """
import json
from decimal import Decimal
from django.contrib.auth.hashers import make_password
from accounts.tokens import AccessToken
from accounts.models import User
from catalog import services as catalog
from orders import services as orders

COUNT = {count}
car = catalog.product_create(name="Bench car", price=Decimal("1000000.00"),
    stock_quantity=COUNT, category=catalog.category_create(name="Cars"))
password = make_password("Bench-pass-2026")
users = User.objects.bulk_create(
    [User(email=f"client{{i}}@bench.local", password=password) for i in range(COUNT)])
manager = User.objects.create(email="manager@bench.local", password=password, role="manager")
clients = []
for user in users:
    order, _ = orders.order_create(customer=user, items=[{{"product_id": car.pk, "quantity": 1}}])
    orders.order_paid_amount_set(order_id=order.pk, paid_amount=order.total_amount, version=1)
    clients.append({{"order": str(order.pk), "token": str(AccessToken.for_user(user))}})
print(json.dumps({{"clients": clients}}))
"""
STEPS = ["processing", "completed"]


class Client:
    """One customer's socket on its own order: the sequence numbers and latencies it saw."""

    def __init__(self, order_id: str):
        self.order_id = order_id
        self.snapshot_sequence = 0
        self.bare_latencies: list[float] = []
        self.received: dict[int, float] = {}  # sequence number -> when it arrived

    async def listen(self, session, base_url: str, token: str, ready: asyncio.Event):
        async with session.post(
            f"{base_url}/api/v1/auth/ws-ticket", headers={"Authorization": f"Bearer {token}"}
        ) as response:
            ticket = (await response.json())["ticket"]
        url = f"{base_url.replace('http', 'ws')}/ws/orders/{self.order_id}/?ticket={ticket}"
        async with session.ws_connect(url, origin=base_url, heartbeat=None) as ws:
            self.snapshot_sequence = json.loads((await ws.receive()).data)["order"]["sequence"]
            ready.set()
            async for message in ws:
                received = time.time()
                push = json.loads(message.data)
                if push["type"] == BARE:
                    self.bare_latencies.append(received - push["sent_at"])
                elif push["type"] == "order.status_changed":
                    self.received[push["sequence"]] = received


DRIVE = """
import json, os, time
from django.db import transaction
from accounts.models import User
from common.realtime import group_send
from orders import realtime, services
manager = User.objects.get(email="manager@bench.local")
order_ids, rate, steps, mode = json.loads(os.environ["BENCH_DRIVE"])
made, failed = {}, 0
started = time.perf_counter()
for index, (status, order_id) in enumerate((s, o) for s in steps for o in order_ids):
    delay = started + index / rate - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    if mode == "bare":  # the same push path without a database: the baseline
        push = {"type": realtime.PUSH, "push": {"type": mode, "sent_at": time.time()}}
        group_send([realtime.order_group(order_id)], push)
        continue
    committed = []
    try:
        # The first hook to run once the change commits: the moment it became visible.
        with transaction.atomic(using="orders"):
            transaction.on_commit(lambda: committed.append(time.time()), using="orders")
            order = services.order_status_set(order_id=order_id, status=status, user=manager)
    except Exception:
        failed += 1
    else:
        made.setdefault(order_id, {})[order.sequence] = committed[0]
print(json.dumps({"made": made, "failed": failed, "elapsed": time.perf_counter() - started}))
"""
BARE = "bare"


async def drive(env: dict, order_ids: list[str], rate: float, drivers: int, mode: str) -> tuple:
    """Status changes (or, in the `bare` mode, pushes alone) at `rate` per second in all, open
    loop, from `drivers` processes that call the order service as a manager: the sequence
    numbers the changes made."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            cwd=ROOT,
            env={
                **env,
                "BENCH_DRIVE": json.dumps([order_ids[part::drivers], rate / drivers, STEPS, mode]),
            },
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for part in range(drivers)
    ]
    outputs = await asyncio.gather(*(p.communicate(DRIVE.encode()) for p in processes))
    made: dict[str, dict[int, float]] = {}  # order -> sequence number -> commit time
    failed, elapsed = 0, 0.0
    for stdout, stderr in outputs:
        if not stdout.strip():
            raise RuntimeError(f"a driver failed:\n{stderr.decode()[-3000:]}")
        result = json.loads(stdout.decode().strip().splitlines()[-1])
        for order_id, commits in result["made"].items():
            made[order_id] = {int(sequence): at for sequence, at in commits.items()}
        failed += result["failed"]
        elapsed = max(elapsed, result["elapsed"])
    return made, failed, elapsed


async def run(base_url: str, env: dict, seeded: dict, rate: float, drivers: int) -> dict:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        clients = [Client(c["order"]) for c in seeded["clients"]]
        readies = [asyncio.Event() for _ in clients]
        listeners = []
        for client, entry, ready in zip(clients, seeded["clients"], readies, strict=True):
            listeners.append(
                asyncio.create_task(client.listen(session, base_url, entry["token"], ready))
            )
            await asyncio.sleep(0.002)  # a steady trickle of connects, as after a deploy
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
        order_ids = [c.order_id for c in clients]
        await drive(env, order_ids, rate, drivers, BARE)
        made, errors, elapsed = await drive(env, order_ids, rate, drivers, "status")
        await asyncio.sleep(2)  # the last pushes are on their way
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    changes = sum(len(sequences) for sequences in made.values())
    return {
        "clients": len(clients),
        "changes": changes,
        "errors": errors,
        "rate": changes / elapsed,
        "bare": _percentiles([lat for c in clients for lat in c.bare_latencies]),
        "bare_lost": len(clients) * len(STEPS) - sum(len(c.bare_latencies) for c in clients),
        "status": _percentiles(
            [
                c.received[sequence] - committed
                for c in clients
                for sequence, committed in made[c.order_id].items()
                if sequence in c.received
            ]
        ),
        "status_lost": sum(len(made[c.order_id].keys() - c.received.keys()) for c in clients),
    }


def _percentiles(latencies: list[float]) -> dict:
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "received": len(latencies),
        **{f"p{n}": quantiles[n - 1] * 1000 for n in (50, 95, 99)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=250, help="status changes per second")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--drivers", type=int, default=4, help="processes changing statuses")
    args = parser.parse_args()

    # Each client needs a socket here and one in the server; keep room for everything else.
    count = min(args.clients, (open_files_raise() - 200) // 2)
    with bench_system(SEED.format(count=count), 2, feed_workers=args.workers) as system:
        seeded = json.loads(system.seeded.strip().splitlines()[-1])
        result = asyncio.run(run(system.url, system.env, seeded, args.rate, args.drivers))

    print(
        f"{result['clients']} clients, {result['changes']} status changes at "
        f"{result['rate']:.0f}/s (target >= 200), {result['errors']} failed; "
        f"through Caddy to uvicorn with {args.workers} worker processes, Redis channel layer"
    )
    print(
        f"{'push':<34} {'received':>8} {'lost':>5} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'p95 ratio':>9}"
    )
    bare = result["bare"]
    rows = [
        ("bare push (no database)", bare, result["bare_lost"]),
        ("status change, commit to receive", result["status"], result["status_lost"]),
    ]
    for name, row, lost in rows:
        print(
            f"{name:<34} {row['received']:>8} {lost:>5} {row['p50']:>7.1f} "
            f"{row['p95']:>7.1f} {row['p99']:>7.1f} {row['p95'] / bare['p95']:>9.2f}"
        )
    status = result["status"]
    print("targets: status change p95 <= 50 ms, nothing lost")
    ok = (
        result["rate"] >= 200
        and result["errors"] == 0
        and result["status_lost"] == 0
        and status["p95"] <= 50
    )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
