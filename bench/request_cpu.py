"""CPU per request inside the WSGI application, without a server or a load generator
(issue #36): what the web spends on the bare endpoint, a product-list cache hit and an order
creation, and the order's ratio to the bare endpoint.

It creates the benchmark's databases (bench/harness.py), migrates and seeds them as
bench/http_throughput.py does, then, in a process of its own, calls `config.wsgi`'s
application with WSGI environs built as granian builds them (a JWT header, a JSON body) and
counts the CPU time of the calling thread over many requests after a warm-up. Scenarios run
interleaved in rounds, so that whatever else the machine does weighs on all of them alike;
the ratio is each round's own, and the median of the rounds is printed. Loaded figures of
bench/http_throughput.py run 1.2-1.5 times these. With `--profile`, it prints a profile of
order creation (or of the scenario `--only` names) instead (pyinstrument's, when installed, else cProfile's).
A request answered other than as expected (200, an order 201) fails the run with exit code 3,
the count and the first error printed instead of figures.

    .venv/bin/python bench/request_cpu.py [--requests 500] [--rounds 5] [--profile]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time

import harness
from http_throughput import SEED

PING = "bare endpoint"
HIT = "product list (20), cache hit"
ORDERS = "order creation"


def environ(method: str, path: str, *, query: str = "", body=None, token: str = "") -> dict:
    """A WSGI environ as granian gives one to the application."""
    payload = b"" if body is None else json.dumps(body).encode()
    headers = {"HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "bench"}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if body is not None:
        headers |= {"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(payload))}
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }


def call(application, env: dict) -> tuple[str, bytes]:
    answer: list[str] = []

    def start_response(status, headers, exc_info=None):
        answer.append(status)

    response = application(env, start_response)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    return answer[0], body


def status_code(status: str) -> int:
    """The number of a WSGI status line ("201 Created")."""
    return int(status.split(" ", 1)[0])


def inner(requests: int, rounds: int, profile: bool, only: str | None) -> None:
    """Runs in the process whose environment names the benchmark's databases."""
    import random

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    credentials = {"email": "bench@example.com", "password": "Bench-pass-2026"}
    status, body = call(application, environ("POST", "/api/v1/auth/token", body=credentials))
    harness.answer_check("signing the bench's client in", status_code(status), body)
    token = json.loads(body)["access_token"]
    status, body = call(
        application, environ("GET", "/api/v1/catalog/products/", query="page_size=100")
    )
    harness.answer_check("reading the products to order", status_code(status), body)
    product_ids = [p["id"] for p in json.loads(body)["results"]]
    rng = random.Random(36)

    def ping():
        return environ("GET", "/api/v1/ping")

    def hit():
        return environ("GET", "/api/v1/catalog/products/", query="page_size=20")

    def order():
        item = {"product_id": rng.choice(product_ids), "quantity": 1}
        return environ("POST", "/api/v1/orders/", body={"items": [item]}, token=token)

    scenarios = {PING: ping, HIT: hit, ORDERS: order}
    if only:  # one scenario alone, for a sampling profiler watching from outside
        scenarios = {name: make for name, make in scenarios.items() if name.startswith(only)}
    expected = {PING: 200, HIT: 200, ORDERS: 201}

    def answered(name: str, answers: list[tuple[str, bytes]]) -> None:
        """Fails the bench (`harness.ErrorAnswers`) unless every answer is the one expected:
        an error's CPU is not the request's."""
        check = harness.Answers(name)
        for status, body in answers:
            check.answered(status_code(status), body, expected[name])
        check.check()

    def run(name: str, count: int) -> float:
        """CPU seconds of this thread for `count` requests (environs built beforehand); their
        answers are checked after the clock stops."""
        environs = [scenarios[name]() for _ in range(count)]
        started = time.thread_time()
        answers = [call(application, env) for env in environs]
        spent = time.thread_time() - started
        answered(name, answers)
        return spent

    for name in scenarios:  # warm up every code path, the pools and the caches
        run(name, 100)
    if profile:  # order creation, or the one scenario `--only` names
        name = next(iter(scenarios)) if only else ORDERS
        environs = [scenarios[name]() for _ in range(requests)]
        try:  # a sampling profiler, if installed; else cProfile, which inflates small calls
            from pyinstrument import Profiler
        except ImportError:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            answers = [call(application, env) for env in environs]
            profiler.disable()
            answered(name, answers)
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("tottime").print_stats(45)
            stats.sort_stats("cumulative").print_stats(70)
            return
        from pyinstrument.stack_sampler import get_stack_sampler

        get_stack_sampler().timer_func = time.thread_time  # CPU time, not waits on sockets
        profiler = Profiler(interval=0.0002)
        with profiler:
            answers = [call(application, env) for env in environs]
        answered(name, answers)
        print(profiler.output_text(unicode=False, show_all=False, short_mode=False))
        return
    per_request: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name in scenarios:
            per_request[name].append(run(name, requests) * 1000 / requests)
    if len(scenarios) < len(expected):
        for name, values in per_request.items():
            print(f"{name:<30} {statistics.median(values):>9.3f} ms CPU per request (median)")
        return
    ratios = [o / p for o, p in zip(per_request[ORDERS], per_request[PING], strict=True)]
    hit_ratios = [p / h for h, p in zip(per_request[HIT], per_request[PING], strict=True)]
    print(f"{'scenario':<30} {'median ms':>9} {'min ms':>7} {'max ms':>7}  (CPU per request)")
    for name, values in per_request.items():
        print(
            f"{name:<30} {statistics.median(values):>9.3f} {min(values):>7.3f} {max(values):>7.3f}"
        )
    print(
        f"order creation / bare endpoint: median {statistics.median(ratios):.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    print(
        f"bare endpoint / product list hit (CPU, so req/s ratio bound): median "
        f"{statistics.median(hit_ratios):.2f}"
    )
    print(f"{requests} requests per scenario in each of {rounds} interleaved rounds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="a profile of order creation, or of --only's scenario",
    )
    parser.add_argument("--only", help="run only the scenario whose name starts so ('order')")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.requests, args.rounds, args.profile, args.only)
        return 0

    env = harness.environment(PYTHONPATH=str(harness.ROOT))
    harness.databases("create")
    try:
        harness.manage(env, "migrate_all")
        harness.manage(env, "shell", "--no-imports", stdin=SEED)
        command = [sys.executable, os.path.abspath(__file__), "--inner"]
        command += ["--requests", str(args.requests), "--rounds", str(args.rounds)]
        command += ["--profile"] if args.profile else []
        command += ["--only", args.only] if args.only else []
        return subprocess.run(command, cwd=harness.ROOT, env=env).returncode
    finally:
        harness.databases("drop")


if __name__ == "__main__":
    harness.main_run(main)
