"""The time and memory each kind of the deal's documents takes to render (docs/documents.md).

Databases of its own, migrated, with the demo data (`seed_demo --no-history`: its financed
order has a loan and KASKO); then, in a process whose settings read them, each kind generated
once unmeasured (fonts and templates loaded) and N times: the median wall and CPU seconds of
a generation (facts, the PDF, the file and the row), the CPU time of the sale contract as a
ratio of its 1 s target, the PDF's size, and the peak Python memory of one generation
(tracemalloc). It prints; it asserts nothing. The databases are dropped afterwards.

    .venv/bin/python bench/documents.py [--loads 10] [--keep]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_PREFIX", "autosalon_bench_documents")

from bench.harness import databases, environment, manage

KINDS = ["offer", "invoice", "sale_contract", "handover_act", "loan_schedule"]
CONTRACT_CPU_TARGET_S = 1.0


def measure(loads: int) -> None:
    import django

    django.setup()
    from accounts import selectors as accounts_selectors
    from documents import services
    from financing import selectors as financing_selectors

    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    application = financing_selectors.application_list(user=client).filter(status="approved")[0]
    order_id = application.order_id
    print(f"\n{'kind':<15}{'wall s':>9}{'CPU s':>8}{'CPU / 1 s':>11}{'PDF KB':>9}{'peak MB':>9}")
    for kind in KINDS:
        services.document_generate(kind=kind, order_id=order_id)  # unmeasured
        walls, cpus = [], []
        for _ in range(loads):
            wall, cpu = time.perf_counter(), time.process_time()
            document = services.document_generate(kind=kind, order_id=order_id)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        tracemalloc.start()
        services.document_generate(kind=kind, order_id=order_id)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        cpu = statistics.median(cpus)
        print(
            f"{kind:<15}{statistics.median(walls):>9.3f}{cpu:>8.3f}"
            f"{cpu / CONTRACT_CPU_TARGET_S:>11.2f}{document.size / 1024:>9.1f}"
            f"{peak / 2**20:>9.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure_only:
        measure(arguments.loads)
        return
    env = environment(DOCUMENTS_ROOT=str(Path("var") / "bench-documents"))
    databases("create")
    try:
        manage(env, "migrate_all")
        manage(env, "seed_demo", "--no-history")
        print("load average: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
        command = [sys.executable, __file__, "--measure-only", "--loads", str(arguments.loads)]
        subprocess.run(command, env=env, check=True)
    finally:
        if not arguments.keep:
            databases("drop")


if __name__ == "__main__":
    main()
