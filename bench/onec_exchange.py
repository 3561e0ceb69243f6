"""The exchange with 1C of 30,000 goods (docs/1c.md): what the site spends importing them.

Fresh databases of its own (`autosalon_bench_onec_*`), migrated, with the demo's mappings and
three showrooms. A sample shaped like 1C's own (onec/samples/: 5,000 cars, 20,000 parts and
5,000 accessories, three warehouses, characteristics) is written to files first. Then, in a
process of its own, the site's side of the exchange runs as 1C drives it, through the
exchange's services: each file received in 1 MB parts, then imported a step at a time until
done; once for the first exchange, once for the same files again (which must change nothing),
and once for a second exchange with prices and stock changed. Printed for each: the CPU
seconds of the process (`time.process_time`), the wall time, and the process's peak resident
memory (Django included), each beside its target as a ratio (issue: under 60 s of CPU and
300 MB). It asserts nothing; an exchange that fails fails the run.

    .venv/bin/python bench/onec_exchange.py [--cars 5000 --parts 20000 --accessories 5000]
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_PREFIX", "autosalon_bench_onec")

from bench.harness import databases, environment, main_run, manage  # noqa: E402

CPU_TARGET_SECONDS = 60
MEMORY_TARGET_MB = 300
PART = 1_000_000


def _write(directory: Path, cars: int, parts: int, accessories: int) -> None:
    """The three exchanges' files, each in a folder of its own."""
    from onec.samples import catalog_sample

    shapes = {
        "first": {},
        "second": {"price_shift": Decimal("0.05"), "stock_shift": 2},
    }
    for name, shape in shapes.items():
        sample = catalog_sample(
            cars=cars, parts=parts, accessories=accessories, warehouses=3, **shape
        )
        folder = directory / name
        folder.mkdir()
        for file_name, data in sample.files.items():
            (folder / file_name).write_bytes(data)


def _prepare() -> object:
    """The demo's account and mappings, the samples' warehouses standing for three showrooms."""
    from catalog import services as catalog_services
    from onec import demo
    from onec.models import ExchangeAccount, WarehouseMapping
    from onec.samples import WAREHOUSES

    class Quiet:
        def write(self, *args, **kwargs) -> None:
            pass

    showrooms = [uuid.uuid4() for _ in range(3)]
    for number, showroom_id in enumerate(showrooms, start=1):
        catalog_services.location_note(
            showroom_id=showroom_id, name=f"Салон {number}", city="Москва", address="",
            phone="", is_active=True,
        )  # fmt: skip
    demo.seed(Quiet())
    WarehouseMapping.objects.all().delete()
    for name, showroom_id in zip(WAREHOUSES, showrooms, strict=False):
        WarehouseMapping.objects.create(name=name, showroom_id=showroom_id)
    return ExchangeAccount.objects.get(login=demo.LOGIN)


def _exchange(folder: Path) -> dict[str, int]:
    """One exchange of the folder's files as 1C drives it; the import calls each took."""
    from onec import demo
    from onec.services import files, imports, sessions

    session, _cookie = sessions.session_start(
        login=demo.LOGIN, password=demo.PASSWORD, exchange_type="catalog", client_ip=None
    )
    names = [
        n for n in ("import.xml", "offers.xml", "prices.xml", "rests.xml") if (folder / n).exists()
    ]
    calls = {}
    for name in names:
        with open(folder / name, "rb") as file:
            while part := file.read(PART):
                files.file_receive(session=session, name=name, data=part)
        calls[name] = 0
        while True:
            calls[name] += 1
            answer = imports.file_import(session=session, name=name)
            if answer.word == "success":
                break
            if answer.word == "failure":
                raise RuntimeError(f"{name}: {answer.text}")
    return calls


def measure(directory: Path) -> None:
    import django

    django.setup()
    from catalog.models import Product
    from onec.models import ExchangeFile
    from service.models import Part

    _prepare()
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resident before the first exchange (Django and the apps loaded): {before_mb:.0f} MB")
    for name in ("first", "first", "second"):
        label = {"first": "the first exchange", "second": "prices and stock changed"}[name]
        if name == "first" and ExchangeFile.objects.filter(status="applied").exists():
            label = "the same files again"
        cpu, wall = time.process_time(), time.perf_counter()
        calls = _exchange(directory / name)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label:26} CPU {cpu:6.1f} s ({cpu / CPU_TARGET_SECONDS:.2f} of {CPU_TARGET_SECONDS} s), "
            f"wall {wall:6.1f} s, peak resident {rss_mb:5.0f} MB "
            f"({rss_mb / MEMORY_TARGET_MB:.2f} of {MEMORY_TARGET_MB} MB, {rss_mb - before_mb:+.0f} MB "
            f"over the start); import calls {calls}"
        )
    print(
        f"on the site: {Product.objects.filter(is_active=True).count():,} products on sale, "
        f"{Part.objects.count():,} parts"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cars", type=int, default=5_000)
    parser.add_argument("--parts", type=int, default=20_000)
    parser.add_argument("--accessories", type=int, default=5_000)
    parser.add_argument("--measure-only", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure_only:
        measure(Path(arguments.measure_only))
        return 0
    env = environment()
    databases("create")
    try:
        manage(env, "migrate_all")
        with tempfile.TemporaryDirectory() as directory:
            started = time.perf_counter()
            writer = (
                "import django, sys; django.setup(); sys.path.insert(0, '.');"
                "from bench.onec_exchange import _write; from pathlib import Path;"
                f"_write(Path({directory!r}), {arguments.cars}, {arguments.parts}, "
                f"{arguments.accessories})"
            )
            subprocess.run([sys.executable, "-c", writer], cwd=ROOT, env=env, check=True)
            goods = arguments.cars + arguments.parts + arguments.accessories
            print(f"wrote the files of {goods:,} goods in {time.perf_counter() - started:.1f} s")
            print("load average: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
            command = [sys.executable, __file__, "--measure-only", directory]
            return subprocess.run(command, cwd=ROOT, env=env).returncode
    finally:
        databases("drop")


if __name__ == "__main__":
    main_run(main)
