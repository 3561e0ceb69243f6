"""The storefront's server time with 100,000 vehicles (docs/storefront.md).

The catalog bench's databases and seed (bench/catalog.py: 100,000 vehicles of 30 models,
`VACUUM ANALYZE`), then, in this process, through Django's test client (the whole request,
no network): the bare endpoint (`/api/v1/ping`), `/cars/` with three filters, and a vehicle
page, each once unmeasured, then N times: median and p95, each p95 as a ratio of the bare
endpoint's, and the queries per load. It prints; it asserts nothing, but a load answered
other than 200 fails the run (exit code 3, the count and the first error printed instead of
figures). The databases are dropped afterwards.

    .venv/bin/python bench/storefront.py [--vehicles 100000] [--loads 50]
"""

import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_PREFIX", "autosalon_bench_storefront")

from bench.catalog import FACETS_QUERY, p95, run, timed
from bench.harness import main_run


def measure(loads: int) -> None:
    import django

    django.setup()
    from django.test import Client

    from catalog.selectors import vehicles_featured

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["django_language"] = "ru"
    car = vehicles_featured(limit=1)[0]
    runs = {
        "bare (/api/v1/ping)": timed(client, "/api/v1/ping", loads),
        "/cars/, 3 filters": timed(client, f"/cars/?{FACETS_QUERY}", loads),
        "vehicle page": timed(client, f"/cars/{car.pk}/", loads),
    }
    bare = p95(runs["bare (/api/v1/ping)"][0])
    print(f"\n{'page':<22}{'median ms':>11}{'p95 ms':>9}{'p95 / bare':>12}{'queries':>9}")
    for name, (times, count, _) in runs.items():
        print(
            f"{name:<22}{statistics.median(times):>11.1f}{p95(times):>9.1f}"
            f"{p95(times) / bare:>12.1f}{count:>9}"
        )


if __name__ == "__main__":
    main_run(lambda: run(__file__, __doc__.split("\n\n")[0], measure))
