"""Latency of the live order feed: from a status change's commit to its arrival at the client.

Everything runs in one go on this machine: databases and a Redis database of its own, the
site as compose serves it (Caddy in front of uvicorn for the feed, with `--workers` processes)
with the Redis channel layer, and `--listeners` client processes holding between them up to
`--clients` WebSockets (5,000 by default), each its own customer subscribed to its own order
on `ws/orders/<id>/`. Driver processes then move every order paid → processing → completed as
a manager at a fixed rate, open loop, through `order_status_set`, the code behind the REST
endpoint, the admin actions and payments; the cost of the HTTP request around it is what
bench/http_throughput.py measures.

Latency runs from the commit (the first on-commit hook of the driver's transaction, around
the service's) to the moment the push is read by a client. A push is lost when a client never
receives the sequence number of a change. The baseline is a bare push on the same path, sent
by the drivers straight to the channel layer with no database, at the same rate. The feed's
memory per socket is its process tree's proportional set size (PSS, from
/proc/<pid>/smaps_rollup) with every socket open less before the first, over the sockets.
Targets (issues #5, #36): 5,000 sockets, at least 500 changes per second, p95 at most 50 ms,
nothing lost; exit code 1 when one is missed. A socket that does not open (its ticket's
answer or its handshake an error, or no answer) or that the feed closes before the end, or a
status change that raises, fails the run instead, with exit code 3 (`harness.Answers`: the
count and the first error are printed instead of figures). See BENCHMARKS.md.

    .venv/bin/python bench/ws_latency.py [--clients 5000] [--rate 500] [--workers 2]
        [--drivers 6] [--listeners 2]
"""

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg
from feed_clients import BARE, listener_main
from feed_scripts import DISPATCH, DRIVE, SEED
from harness import (
    APPS,
    PG,
    PREFIX,
    ROOT,
    Answers,
    bench_system,
    cpu_seconds,
    main_run,
    manage,
    open_files_raise,
)

STEPS = ["processing", "completed"]
IDLE_SECONDS = 10


async def drive(env: dict, order_ids: list[str], rate: float, drivers: int, mode: str) -> dict:
    """Status changes (or, in the `bare` mode, pushes alone) at `rate` per second in all, open
    loop, from `drivers` processes that call the order service as a manager: the sequence
    numbers the changes made, and in `changes` (an `Answers`) those that raised."""
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
    changes = Answers("status changes (order_status_set)")
    elapsed, cpu = 0.0, 0.0
    for stdout, stderr in outputs:
        if not stdout.strip():
            raise RuntimeError(f"a driver failed:\n{stderr.decode()[-3000:]}")
        result = json.loads(stdout.decode().strip().splitlines()[-1])
        for order_id, commits in result["made"].items():
            made[order_id] = {int(sequence): at for sequence, at in commits.items()}
        count = sum(len(commits) for commits in result["made"].values()) + result["failed"]
        changes.merge(count, result["failed"], result["first_error"])
        elapsed = max(elapsed, result["elapsed"])
        cpu += result["cpu"]
    return {"made": made, "changes": changes, "elapsed": elapsed, "cpu": cpu}


def dispatch_cost(env: dict) -> dict:
    """CPU seconds per push of the consumer's dispatch: Channels' own and the feed's."""
    return json.loads(manage(env, "shell", "--no-imports", stdin=DISPATCH).strip().splitlines()[-1])


def child(name: str) -> int:
    """The pid of this process's child whose command line holds `name` (a server)."""
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if int(stat[1]) == os.getpid() and name in command:
                return int(entry.name)
    raise LookupError(name)


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError):
            parents[int(entry.name)] = int(
                (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
            )
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(p for p, parent in parents.items() if parent == current)
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """RSS, PSS and USS (private pages) of a process tree in KiB, from smaps_rollup."""
    total = {"rss": 0, "pss": 0, "uss": 0}
    for each in tree(pid):
        with contextlib.suppress(OSError):
            fields = {}
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines()[1:]:
                key, value = line.split(":", 1)
                fields[key] = int(value.split()[0])
            total["rss"] += fields["Rss"]
            total["pss"] += fields["Pss"]
            total["uss"] += fields["Private_Clean"] + fields["Private_Dirty"]
    return total


# What an emitting transaction NOTIFYs to wake the relay (common.events.publishing.RELAY_CHANNEL).
RELAY_CHANNEL = "autosalon_outbox"


def outbox_drain() -> None:
    """Wait until the relay has published every event the seed left in the outboxes. They
    were written before it started, so it would take them a batch a sweep: it is woken as
    an emitting transaction wakes it, and then publishes all of them."""
    for _ in range(600):
        waiting = 0
        for app in APPS:
            with psycopg.connect(f"{PG}/{PREFIX}_{app}", autocommit=True) as connection:
                count = connection.execute(
                    f"SELECT count(*) FROM {app}_outboxevent WHERE published_at IS NULL"
                ).fetchone()[0]
                if count:
                    connection.execute(f"NOTIFY {RELAY_CHANNEL}")
                waiting += count
        if not waiting:
            return
        time.sleep(1)


async def run(system, seeded: dict, args) -> dict:
    feed, proxy = child("uvicorn config.asgi"), child("caddy run")
    outbox_drain()  # the seed's events go out before the clock starts
    memory_before = memory_kib(feed)
    entries = seeded["clients"]
    listeners = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--listen",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**30,  # the report is one line of every push received
        )
        for _ in range(args.listeners)
    ]
    started = time.perf_counter()
    for part, listener in enumerate(listeners):
        share = entries[part :: args.listeners]
        config = {"base_url": system.url, "clients": share}
        listener.stdin.write(json.dumps(config).encode() + b"\n")
        await listener.stdin.drain()
    readies = [
        json.loads(await asyncio.wait_for(listener.stdout.readline(), timeout=600))
        for listener in listeners
    ]
    opening = time.perf_counter() - started
    opened = sum(ready["ready"] for ready in readies)
    opening_answers = Answers("opening the feed's sockets")
    for ready in readies:
        opening_answers.merge(**ready["opened"])
    if opening_answers.errors:  # the listeners close their sockets first, then the run fails
        await listeners_stop(listeners)
        opening_answers.check()
    memory_open = memory_kib(feed)
    order_ids = [entry["order"] for entry in entries]
    pids = {"feed": feed, "proxy": proxy, "relay": system.relay_pid}
    pids |= {f"listener {n}": listener.pid for n, listener in enumerate(listeners)}

    # What the open sockets cost with nothing pushed (pings, the layer's polling), per second:
    # taken off the figures of the processes that hold them, which would otherwise depend on
    # how long a phase ran. The relay's background (its sweeps, the redelivery of events no
    # worker takes here) comes in bursts a short window misjudges: its figures stay whole.
    cpu_before, idle_started = {name: cpu_seconds(pid) for name, pid in pids.items()}, time.time()
    await asyncio.sleep(IDLE_SECONDS)
    idle = {
        name: (cpu_seconds(pid) - cpu_before[name]) / (time.time() - idle_started)
        for name, pid in pids.items()
        if name != "relay"
    }
    phases = {}
    for mode in (BARE, "status"):
        cpu_before, phase_started = (
            {name: cpu_seconds(pid) for name, pid in pids.items()},
            time.time(),
        )
        phases[mode] = await drive(system.env, order_ids, args.rate, args.drivers, mode)
        await asyncio.sleep(2)  # the last pushes are on their way
        seconds = time.time() - phase_started
        phases[mode]["cpus"] = {
            name: cpu_seconds(pid) - cpu_before[name] - idle.get(name, 0.0) * seconds
            for name, pid in pids.items()
        }
    memory_after = memory_kib(feed)
    reports = await listeners_stop(listeners)

    clients = [c for report in reports for c in report["clients"]]
    # A socket the feed closed before the end lost what came after: a transport error.
    closed = [c["error"] for c in clients if c["error"].startswith("closed")]
    held = Answers("the feed's sockets, held to the end", unit="sockets")
    held.merge(len(clients), len(closed), closed[0] if closed else "")
    held.check()
    phases["status"]["changes"].check()
    made = phases["status"]["made"]
    received = {c["order"]: {int(s): t for s, t in c["received"].items()} for c in clients}
    return {
        "clients": len(clients),
        "opened": opened,
        "opening": opening,
        "memory": (memory_before, memory_open, memory_after),
        "idle": idle,
        "phases": phases,
        "changes": sum(len(sequences) for sequences in made.values()),
        "rate": sum(len(sequences) for sequences in made.values()) / phases["status"]["elapsed"],
        "bare_rate": len(clients) * len(STEPS) / phases[BARE]["elapsed"],
        "bare": _percentiles([lat for c in clients for lat in c["bare"]]),
        "bare_lost": len(clients) * len(STEPS) - sum(len(c["bare"]) for c in clients),
        "status": _percentiles(
            [
                received[order_id][sequence] - committed
                for order_id, commits in made.items()
                for sequence, committed in commits.items()
                if sequence in received.get(order_id, {})
            ]
        ),
        "status_lost": sum(
            len(commits.keys() - received.get(order_id, {}).keys())
            for order_id, commits in made.items()
        ),
    }


async def listeners_stop(listeners) -> list[dict]:
    """Stops the listener processes: what each one's sockets received."""
    reports = []
    for listener in listeners:
        listener.stdin.write(b"stop\n")
        await listener.stdin.drain()
        reports.append(json.loads(await listener.stdout.readline()))
        await listener.wait()
    return reports


def _percentiles(latencies: list[float]) -> dict:
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "received": len(latencies),
        **{f"p{n}": quantiles[n - 1] * 1000 for n in (50, 95, 99)},
    }


def report(result: dict, args, count: int, setup: float) -> bool:
    print(
        f"{result['opened']} of {result['clients']} sockets open in {result['opening']:.0f} s, "
        f"none closed early, set-up (databases, seed) {setup:.0f} s; "
        f"through Caddy to uvicorn with {args.workers} worker processes, Redis channel layer, "
        f"{args.listeners} client processes"
    )
    print(
        f"{result['changes']} status changes at {result['rate']:.0f}/s, none failed; "
        f"bare pushes at {result['bare_rate']:.0f}/s (asked {args.rate:.0f}/s, "
        f"{args.drivers} drivers)"
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
            f"{row['p95']:>7.1f} {row['p99']:>7.1f} {row['p95'] / max(bare['p95'], 1e-9):>9.2f}"
        )
    before, opened, after = result["memory"]
    sockets = max(result["opened"], 1)
    print(f"feed memory, {args.workers} worker processes and their parent (KiB):")
    print(f"{'':<26} {'RSS':>9} {'PSS':>9} {'USS':>9}")
    for name, row in [("before the sockets", before), ("all sockets open", opened)]:
        print(f"{name:<26} {row['rss']:>9} {row['pss']:>9} {row['uss']:>9}")
    print(f"{'after the pushes':<26} {after['rss']:>9} {after['pss']:>9} {after['uss']:>9}")
    print(
        f"{'per socket (open - before)':<26} "
        + " ".join(f"{(opened[k] - before[k]) / sockets:>9.1f}" for k in ("rss", "pss", "uss"))
    )
    print(
        "CPU ms per second with every socket open and idle: "
        + ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in result["idle"].items())
    )
    print(
        "CPU ms per push, by process, the sockets' holders above idle (drivers include the "
        "status change itself):"
    )
    for mode, phase in result["phases"].items():
        pushes = count * len(STEPS)
        cells = {"drivers": phase["cpu"], **phase["cpus"]}
        print(
            f"  {mode:<7} "
            + ", ".join(f"{name} {seconds * 1000 / pushes:.2f}" for name, seconds in cells.items())
        )
    dispatch = result["dispatch"]
    print(
        f"the consumer's dispatch alone, CPU ms per push: Channels' {dispatch['channels'] * 1000:.3f}"
        f", the feed's {dispatch['feed'] * 1000:.3f} ({dispatch['feed'] / dispatch['channels']:.2f})"
    )
    status = result["status"]
    print(
        f"targets: {args.target_clients} sockets, >= {args.target_rate:.0f} changes/s, "
        "status change p95 <= 50 ms, nothing lost"
    )
    ok = (
        result["opened"] >= args.target_clients
        and result["rate"] >= args.target_rate
        and result["status_lost"] == 0
        and status["p95"] <= 50
    )
    print("targets met" if ok else "TARGETS MISSED")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500, help="status changes per second")
    parser.add_argument("--workers", type=int, default=2, help="feed (uvicorn) processes")
    parser.add_argument("--drivers", type=int, default=6, help="processes changing statuses")
    parser.add_argument("--listeners", type=int, default=2, help="client processes")
    parser.add_argument("--listen", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.target_clients, args.target_rate = 5000, 500.0
    if args.listen:
        open_files_raise()
        asyncio.run(listener_main())
        return 0

    # Every process inherits the raised limit. A socket takes one file in a client process,
    # one in a feed worker and two in Caddy (client side, upstream side): Caddy's share sets
    # the bound, with room for everything else.
    count = min(args.clients, (open_files_raise() - 200) // 2)
    started = time.perf_counter()
    # The machine is shared: a process's first connection may wait longer than the two
    # seconds after which the site would rather answer 503, and then the database's circuit
    # breaker fails a driver before it starts. Slow connects are not what this measures.
    slow_connects = {"DATABASE_CONNECT_TIMEOUT": "10", "DATABASE_POOL_TIMEOUT": "10"}
    with bench_system(
        SEED.format(count=count), 2, feed_workers=args.workers, **slow_connects
    ) as system:
        setup = time.perf_counter() - started
        seeded = json.loads(system.seeded.strip().splitlines()[-1])
        result = asyncio.run(run(system, seeded, args))
        result["dispatch"] = dispatch_cost(system.env)
    return 0 if report(result, args, count, setup) else 1


if __name__ == "__main__":
    main_run(main)
