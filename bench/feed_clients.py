"""The client side of bench/ws_latency.py (BENCHMARKS.md, "Live order feed"): the sockets a
listener process holds, each a customer's on its own order, and what each of them received."""

import asyncio
import json
import sys
import time

import aiohttp
from harness import Answers

BARE = "bare"
# Tickets and handshakes in flight at once per listener process: a steady stream of
# connects, as after a deploy, that keeps the feed's connect path (three queries each) busy
# without queueing thousands of them behind one another.
CONNECTS_IN_FLIGHT = 50


class Client:
    """One customer's socket on its own order: the sequence numbers and latencies it saw."""

    def __init__(self, order_id: str):
        self.order_id = order_id
        self.bare_latencies: list[float] = []
        self.received: dict[int, float] = {}  # sequence number -> when it arrived
        self.error = ""  # why the socket failed to open or closed before the end

    async def listen(
        self, session, base_url: str, token: str, gate, ready: asyncio.Event, opened: Answers
    ):
        """Opens the socket, recording in `opened` the answers to its two requests (the
        ticket, the handshake with its snapshot), and reads it until cancelled."""
        try:
            async with gate:
                async with session.post(
                    f"{base_url}/api/v1/auth/ws-ticket",
                    headers={"Authorization": f"Bearer {token}"},
                ) as response:
                    body = await response.read()
                if not opened.answered(response.status, body):
                    self.error = f"ticket: {response.status}"
                    ready.set()
                    return
                ticket = json.loads(body)["ticket"]
                url = f"{base_url.replace('http', 'ws')}/ws/orders/{self.order_id}/?ticket={ticket}"
                ws = await session.ws_connect(url, origin=base_url, heartbeat=None)
                if json.loads((await ws.receive()).data)["type"] != "snapshot":
                    raise RuntimeError("no snapshot")
        except aiohttp.WSServerHandshakeError as error:  # the feed refused the socket
            opened.answered(error.status, error.message, expected=101)
            self.error = f"connect: {error!r}"
            ready.set()
            return
        except (aiohttp.ClientError, TimeoutError, KeyError, ValueError, RuntimeError) as error:
            opened.failed(error)
            self.error = f"connect: {error!r}"
            ready.set()
            return
        opened.succeeded()
        ready.set()
        async with ws:
            async for message in ws:
                received = time.time()
                push = json.loads(message.data)
                if push["type"] == BARE:
                    self.bare_latencies.append(received - push["sent_at"])
                elif push["type"] == "order.status_changed":
                    self.received[push["sequence"]] = received
        if not self.error:
            self.error = f"closed: {ws.close_code}"


async def listener_main() -> None:
    """A listener process (`--listen`): reads its share of the clients as one JSON line,
    opens their sockets, says `ready`, and at `stop` reports what each socket received."""
    config = json.loads(await asyncio.to_thread(sys.stdin.readline))
    base_url = config["base_url"]
    clients = [Client(entry["order"]) for entry in config["clients"]]
    readies = [asyncio.Event() for _ in clients]
    gate = asyncio.Semaphore(CONNECTS_IN_FLIGHT)
    opened = Answers("opening the feed's sockets")
    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        listeners = [
            asyncio.create_task(
                client.listen(session, base_url, entry["token"], gate, ready, opened)
            )
            for client, entry, ready in zip(clients, config["clients"], readies, strict=True)
        ]
        await asyncio.gather(*(ready.wait() for ready in readies))
        ready = sum(not client.error for client in clients)
        report = {"ready": ready, "seconds": time.perf_counter() - started}
        report["opened"] = {"count": opened.count, "errors": opened.errors, "first": opened.first}
        print(json.dumps(report), flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # "stop"
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    result = {
        "clients": [
            {
                "order": c.order_id,
                "bare": c.bare_latencies,
                "received": c.received,
                "error": c.error,
            }
            for c in clients
        ],
    }
    print(json.dumps(result), flush=True)
