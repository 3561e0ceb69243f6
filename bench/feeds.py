"""The classifieds' feeds of a 30,000-car catalog (docs/feeds.md, "Serving").

Fresh databases of its own (`autosalon_bench_feeds_*`), migrated and seeded in bulk by SQL as
bench/catalog.py seeds them (its makes, bodies, fuels, gearboxes, drives and colours, new and
used, in three showrooms), each car with three photos. Then, in a process of its own, each
feed (Avito's, Auto.ru's) is written once unmeasured and then measured: the CPU seconds of
the writing process, its wall time, and the peak of its Python allocations (tracemalloc),
with the cars in and left out. The targets (issue: within 60 s of CPU and 300 MB) are printed
beside each figure as a ratio. It asserts nothing; a feed that fails to write fails the run.

    .venv/bin/python bench/feeds.py [--vehicles 30000]
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_PREFIX", "autosalon_bench_feeds")

from bench import catalog  # noqa: E402
from bench.harness import PG, PREFIX, main_run  # noqa: E402

CPU_TARGET_SECONDS = 60
MEMORY_TARGET_MB = 300


def seed(vehicles: int) -> None:
    """bench/catalog.py's cars, and three photos of each (their large renditions drawn)."""
    catalog.seed(vehicles)
    with psycopg.connect(f"{PG}/{PREFIX}_catalog", autocommit=True) as db:
        db.execute(
            """
            INSERT INTO catalog_productphoto
                (created_at, updated_at, id, product_id, image, width, height, alt, position,
                 is_primary, renditions)
            SELECT now(), now(), md5(p.id::text || n)::uuid, p.id,
                   'products/' || p.id || '/' || n || '.jpg', 1600, 1067, '', n, n = 0,
                   jsonb_build_object('large', jsonb_build_object(
                       'name', 'products/' || p.id || '/' || n || '-large.webp',
                       'width', 1600, 'height', 1067))
              FROM catalog_product p, generate_series(0, 2) AS n
            """
        )
        db.execute("VACUUM ANALYZE catalog_productphoto")


def measure(loads: int) -> None:
    import resource

    import django

    django.setup()
    from integrations import services
    from integrations.models import Feed

    for kind in ("avito", "autoru"):
        feed = Feed.objects.create(kind=kind)
        services.feed_generate(feed_id=feed.pk)  # once unmeasured
        tracemalloc.start()
        cpu, wall = time.process_time(), time.perf_counter()
        feed = services.feed_generate(feed_id=feed.pk)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 2**20
        print(
            f"{kind:7} {feed.published_count:>6,} cars in, {len(feed.excluded):>5,} left out: "
            f"CPU {cpu:5.1f} s ({cpu / CPU_TARGET_SECONDS:.2f} of {CPU_TARGET_SECONDS} s), "
            f"wall {wall:5.1f} s, peak Python memory {peak_mb:6.1f} MB "
            f"({peak_mb / MEMORY_TARGET_MB:.2f} of {MEMORY_TARGET_MB} MB)"
        )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"the process's peak resident memory, Django included: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main_run(
        lambda: catalog.run(
            __file__, __doc__.split("\n\n")[0], measure, vehicles=30_000, stock=seed
        )
    )
