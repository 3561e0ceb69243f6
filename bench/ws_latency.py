"""Latency of the live order feed: from a status change's commit to its arrival at the client.

Everything runs in one go on this machine: databases and a Redis database of its own, the
ASGI server (uvicorn) with the Redis channel layer, and in this process as many WebSocket
clients as the open-file limit allows, up to 1,000, each its own customer subscribed to its
own order on `ws/orders/<id>/`. A manager then moves every order paid → processing →
completed through the REST API at a fixed rate (at least 200 changes per second).

Latency is measured from the order's `updated_at`, written in the changing transaction just
before it commits, to the moment the push is read here: an upper bound of commit-to-receive.
A push is lost when a client never receives the sequence number of a change. Targets
(issue #5): p95 at most 50 ms, nothing lost. See BENCHMARKS.md.

    .venv/bin/python bench/ws_latency.py [--clients 1000] [--rate 250] [--workers 2]
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import datetime

import aiohttp
from harness import bench_system, open_files_raise

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
print(json.dumps({{"manager": str(AccessToken.for_user(manager)), "clients": clients}}))
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


async def drive(session, base_url: str, token: str, order_ids: list[str], rate: float):
    """Change statuses at `rate` per second, open loop; the sequence numbers the changes made."""
    headers = {"Authorization": f"Bearer {token}"}
    made: dict[str, set[int]] = {order_id: set() for order_id in order_ids}
    errors = 0
    in_flight = asyncio.Semaphore(64)

    async def change(order_id: str, status: str):
        nonlocal errors
        async with (
            in_flight,
            session.post(
                f"{base_url}/api/v1/orders/{order_id}/status",
                json={"status": status},
                headers=headers,
            ) as response,
        ):
            body = await response.json()
            if response.status == 200:
                made[order_id].add(body["sequence"])
            else:
                errors += 1

    started = time.perf_counter()
    tasks = []
    for index, (status, order_id) in enumerate((s, o) for s in STEPS for o in order_ids):
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(change(order_id, status)))
    await asyncio.gather(*tasks)
    return made, errors, time.perf_counter() - started


async def run(base_url: str, seeded: dict, rate: float) -> dict:
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
        made, errors, elapsed = await drive(
            session, base_url, seeded["manager"], [c.order_id for c in clients], rate
        )
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
    args = parser.parse_args()

    # Each client needs a socket here and one in the server; keep room for everything else.
    count = min(args.clients, (open_files_raise() - 200) // 2)
    with bench_system(SEED.format(count=count), args.workers) as (base_url, seeded):
        result = asyncio.run(run(base_url, json.loads(seeded.strip().splitlines()[-1]), args.rate))

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
