"""Latency of the live order feed: from a status change's commit to its arrival at the client.

Everything runs in one go on this machine: databases and a Redis database of its own, the
ASGI server (uvicorn) with the Redis channel layer, and in this process as many WebSocket
clients as the open-file limit allows, up to 1,000, each its own customer subscribed to its
own order on `ws/orders/<id>/`. Driver processes then move every order paid → processing →
completed as a manager at a fixed rate (at least 200 changes per second), through
`order_status_set`, the code behind the REST endpoint, the admin actions and payments; the
cost of the HTTP request around it is what bench/http_throughput.py measures.

Latency is measured from the order's `updated_at`, written in the changing transaction just
before it commits, to the moment the push is read here: an upper bound of commit-to-receive.
A push is lost when a client never receives the sequence number of a change. Targets
(issue #5): p95 at most 50 ms, nothing lost. See BENCHMARKS.md.

    .venv/bin/python bench/ws_latency.py [--clients 1000] [--rate 250] [--workers 2] [--drivers 4]
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import datetime

import aiohttp
from harness import ROOT, bench_system, open_files_raise

SEED = """
import json
from decimal import Decimal
from django.contrib.auth.hashers import make_password
from rest_framework_simplejwt.tokens import AccessToken
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
    orders.order_paid_amount_set(order_id=order.pk, paid_amount=order.total_amount)
    clients.append({{"order": str(order.pk), "token": str(AccessToken.for_user(user))}})
print(json.dumps({{"clients": clients}}))
"""
STEPS = ["processing", "completed"]


class Client:
    """One customer's socket on its own order: the sequence numbers and latencies it saw."""

    def __init__(self, order_id: str):
        self.order_id = order_id
        self.snapshot_sequence = 0
        self.latencies: list[float] = []
        self.sequences: set[int] = set()

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
                if push["type"] != "order.status_changed":
                    continue
                changed = datetime.fromisoformat(push["order"]["updated_at"]).timestamp()
                self.latencies.append(received - changed)
                self.sequences.add(push["sequence"])


DRIVE = """
import json, os, time
from accounts.models import User
from orders import services
manager = User.objects.get(email="manager@bench.local")
order_ids, rate, steps = json.loads(os.environ["BENCH_DRIVE"])
made, failed = {}, 0
started = time.perf_counter()
for index, (status, order_id) in enumerate((s, o) for s in steps for o in order_ids):
    delay = started + index / rate - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    try:
        order = services.order_status_set(order_id=order_id, status=status, user=manager)
    except Exception:
        failed += 1
    else:
        made.setdefault(order_id, []).append(order.sequence)
print(json.dumps({"made": made, "failed": failed, "elapsed": time.perf_counter() - started}))
"""


async def drive(env: dict, order_ids: list[str], rate: float, drivers: int) -> tuple:
    """Status changes at `rate` per second in all, open loop, from `drivers` processes that
    call the order service as a manager: the sequence numbers the changes made."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            cwd=ROOT,
            env={
                **env,
                "BENCH_DRIVE": json.dumps([order_ids[part::drivers], rate / drivers, STEPS]),
            },
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for part in range(drivers)
    ]
    outputs = await asyncio.gather(*(p.communicate(DRIVE.encode()) for p in processes))
    made: dict[str, set[int]] = {}
    failed, elapsed = 0, 0.0
    for stdout, _ in outputs:
        result = json.loads(stdout.decode().strip().splitlines()[-1])
        made.update({order_id: set(sequences) for order_id, sequences in result["made"].items()})
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
        made, errors, elapsed = await drive(env, [c.order_id for c in clients], rate, drivers)
        await asyncio.sleep(2)  # the last pushes are on their way
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    latencies = sorted(latency for client in clients for latency in client.latencies)
    lost = sum(len(made[c.order_id] - c.sequences) for c in clients)
    changes = sum(len(sequences) for sequences in made.values())
    return {
        "clients": len(clients),
        "changes": changes,
        "errors": errors,
        "rate": changes / elapsed,
        "received": len(latencies),
        "lost": lost,
        "quantiles": statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [],
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
    with bench_system(SEED.format(count=count), args.workers) as (base_url, seeded, env):
        seeded = json.loads(seeded.strip().splitlines()[-1])
        result = asyncio.run(run(base_url, env, seeded, args.rate, args.drivers))

    q = result["quantiles"]
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    print(f"{'clients':<28} {result['clients']}")
    print(f"{'status changes':<28} {result['changes']} ({result['errors']} failed)")
    print(f"{'changes per second':<28} {result['rate']:.0f} (target >= 200)")
    print(f"{'pushes received':<28} {result['received']}")
    print(f"{'pushes lost':<28} {result['lost']} (target 0)")
    print(
        f"{'latency p50 / p95 / p99 ms':<28} {p50:.1f} / {p95:.1f} / {p99:.1f} (p95 target <= 50)"
    )
    print(f"uvicorn with {args.workers} worker processes, Redis channel layer")
    ok = result["rate"] >= 200 and result["lost"] == 0 and result["errors"] == 0 and p95 <= 50
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
