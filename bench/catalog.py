"""The catalog's search with 100,000 vehicles (docs/api.md, "Vehicles").

Fresh databases of its own (`autosalon_bench_catalog_*`), migrated, then seeded in bulk by
SQL (`generate_series`): 100,000 vehicles of 30 models and 15 makes, new and used, in
every body type, fuel, gearbox, drive and colour, standing in three showrooms of two cities,
with their search vectors, then `VACUUM ANALYZE`. Then, in this process, through Django's
test client (the whole request, no network): the bare endpoint (`/api/v1/ping`), the product
list with three filters and a search, the facets with three filters (and with a city, and
with a showroom: the dealer group's facets), and a comparison of four cars. Each once unmeasured, then N times, the
list's cache dropped before every load so each is built: median and p95, each p95 as a
ratio of the bare endpoint's, and the queries per load. Then `EXPLAIN` of every query the
list and the facets make, and whether any reads a table whole; then the city and showroom
facets' counts against the catalog's own by SQL. It prints; it asserts nothing, but a load
answered other than 200 fails the run (exit code 3, the count and the first error printed
instead of figures), and so do facets that count otherwise than the catalog (exit code 4). The databases are dropped afterwards.

    .venv/bin/python bench/catalog.py [--vehicles 100000] [--loads 50]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Databases of its own, beside another benchmark's (bench/harness.py reads the prefix).
os.environ.setdefault("BENCH_DATABASE_PREFIX", "autosalon_bench_catalog")

from bench.harness import (  # noqa: E402
    PG,
    PREFIX,
    Answers,
    databases,
    environment,
    main_run,
    manage,
)

MODELS = [
    ("Lada", "Vesta", "sedan"), ("Lada", "Niva Legend", "suv"), ("Lada", "Granta", "liftback"),
    ("Kia", "K5", "sedan"), ("Kia", "Sportage", "crossover"), ("Kia", "Carnival", "minivan"),
    ("Haval", "F7", "crossover"), ("Haval", "Jolion", "crossover"), ("Haval", "Dargo", "suv"),
    ("Chery", "Tiggo 7 Pro Max", "crossover"), ("Chery", "Tiggo 4", "crossover"),
    ("Geely", "Coolray", "crossover"), ("Geely", "Monjaro", "crossover"),
    ("Toyota", "Camry", "sedan"), ("Toyota", "RAV4", "crossover"), ("Toyota", "Hilux", "pickup"),
    ("Skoda", "Octavia", "liftback"), ("Skoda", "Kodiaq", "suv"),
    ("Hyundai", "Solaris", "sedan"), ("Hyundai", "Creta", "crossover"),
    ("Volkswagen", "Polo", "liftback"), ("Volkswagen", "Transporter", "van"),
    ("BMW", "X5", "suv"), ("BMW", "4 Series", "coupe"), ("Mercedes-Benz", "E-Class", "sedan"),
    ("Audi", "A6", "wagon"), ("Mini", "Cooper", "convertible"), ("Tesla", "Model 3", "sedan"),
    ("Changan", "UNI-K", "crossover"), ("Omoda", "C5", "hatchback"),
]  # fmt: skip
FUELS = ["petrol", "petrol", "petrol", "diesel", "hybrid", "electric", "lpg"]
TRANSMISSIONS = ["automatic", "automatic", "robot", "cvt", "manual"]
DRIVES = ["fwd", "fwd", "awd", "rwd"]
COLORS = ["white", "black", "silver", "grey", "blue", "red", "green", "brown", "beige"]

# The dealer group (docs/showrooms.md): three showrooms in two cities, the cars shared among
# them in turn.
SHOWROOMS = [
    ("b0000000-0000-4000-8000-000000000001", "Автосалон на Ленинградке", "Москва"),
    ("b0000000-0000-4000-8000-000000000002", "Автосалон на Варшавке", "Москва"),
    ("b0000000-0000-4000-8000-000000000003", "Автосалон на Космонавтов", "Екатеринбург"),
]

# What a buyer asks: white automatic crossovers under 3 million, and a search.
LIST_QUERY = "body_type=crossover&color=white&transmission=automatic&max_price=3000000&search=haval"
FACETS_QUERY = "body_type=crossover&color=white&transmission=automatic"
# The same in one city, then in one showroom: the facets the storefront's filters show.
CITY_QUERY = f"{FACETS_QUERY}&city=Москва"
SHOWROOM_QUERY = f"{FACETS_QUERY}&showroom={SHOWROOMS[2][0]}"


def sql_array(values) -> str:
    return "(ARRAY[" + ", ".join(f"'{value}'" for value in values) + "])"


def seed(vehicles: int) -> None:
    makes = sql_array(make for make, _, _ in MODELS)
    models = sql_array(model for _, model, _ in MODELS)
    bodies = sql_array(body for _, _, body in MODELS)
    m = f"(1 + g % {len(MODELS)})"

    def pick(values: list[str], salt: int) -> str:
        return f"({sql_array(values)})[1 + (g * {salt} / 7) % {len(values)}]"

    fuel = pick(FUELS, 3)
    showroom_ids = sql_array(pk for pk, _, _ in SHOWROOMS)
    cities = sql_array(city for _, _, city in SHOWROOMS)
    at = f"(1 + (g / 7) % {len(SHOWROOMS)})"  # every model in every showroom
    with psycopg.connect(f"{PG}/{PREFIX}_catalog", autocommit=True) as db:
        for pk, name, city in SHOWROOMS:
            db.execute(
                "INSERT INTO catalog_location (created_at, updated_at, showroom_id, name, city, "
                "address, phone, is_active) VALUES (now(), now(), %s, %s, %s, %s, %s, true)",
                (pk, name, city, "ул. Тестовая, 1", "+7 495 000-00-00"),
            )
        db.execute(
            "INSERT INTO catalog_category (created_at, updated_at, id, name, description, "
            "path, level) VALUES (now(), now(), md5('cars')::uuid, 'Cars', '', 'cars/', 0)"
        )
        db.execute(
            f"""
            INSERT INTO catalog_product
                (created_at, updated_at, id, name, description, price, currency,
                 stock_quantity, is_active, kind, make, model, trim, model_key, year, vin,
                 condition, body_type, fuel, engine_volume, power_hp, transmission, drive,
                 color, mileage_km, options, owners_count, test_drive_available, search_key,
                 category_id, showroom_id, city)
            SELECT now() - g * interval '1 minute', now(), md5('vehicle' || g)::uuid,
                   {makes}[{m}] || ' ' || {models}[{m}],
                   'Автомобиль в отличном состоянии, полный комплект ключей',
                   900000 + (g * 7919) % 6000000, 'RUB',
                   CASE WHEN g % 10 = 0 THEN 0 ELSE 1 END, true, 'vehicle',
                   {makes}[{m}], {models}[{m}], 'Base',
                   lower({makes}[{m}] || '-' || {models}[{m}] || '-base'),
                   2015 + g % 11, 'XTA' || lpad(g::text, 14, '0'),
                   CASE WHEN g % 4 = 0 THEN 'used' ELSE 'new' END,
                   {bodies}[{m}], {fuel},
                   CASE WHEN {fuel} = 'electric' THEN NULL ELSE 1.4 + (g % 20) / 10.0 END,
                   80 + (g * 13) % 400, {pick(TRANSMISSIONS, 5)}, {pick(DRIVES, 11)},
                   {pick(COLORS, 17)},
                   CASE WHEN g % 4 = 0 THEN 5000 + (g * 31) % 200000 ELSE 0 END,
                   '[]', CASE WHEN g % 4 = 0 THEN 1 + g % 3 END, false,
                   lower({makes}[{m}] || ' ' || {models}[{m}] || ' base'),
                   md5('cars')::uuid, {showroom_ids}[{at}]::uuid, {cities}[{at}]
              FROM generate_series(0, {vehicles - 1}) AS g
            """
        )
        db.execute(
            "UPDATE catalog_product SET search_vector = "
            "setweight(to_tsvector('simple', make || ' ' || model || ' ' || trim), 'A') || "
            "setweight(to_tsvector('russian', name), 'B') || "
            "setweight(to_tsvector('russian', description), 'C')"
        )
        db.execute("VACUUM ANALYZE catalog_product")


def timed(client, url: str, loads: int, before=None) -> tuple[list[float], int, list[str]]:
    """Server times of `loads` GETs of `url` in ms, the catalog queries of the last one. A
    GET answered other than 200 fails the bench (`ErrorAnswers`): an error page's time is
    not the page's."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    answers = Answers(url)
    times = []
    queries: list[str] = []
    response = client.get(url)  # once unmeasured: the first call of a process builds what it keeps
    answers.answered(response.status_code, response.content, expected=200)
    for _ in range(loads):
        if before:
            before()
        with CaptureQueriesContext(connections["catalog"]) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        answers.answered(response.status_code, response.content, expected=200)
        queries = [query["sql"] for query in captured.captured_queries]
    answers.check()
    return times, len(queries), queries


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def measure(loads: int) -> None:
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    from catalog.cache import product_list_cache
    from catalog.models import Product

    client = Client(HTTP_ACCEPT_LANGUAGE="ru", HTTP_HOST="127.0.0.1")
    ids = [
        str(pk) for pk in Product.objects.order_by("created_at").values_list("pk", flat=True)[:4]
    ]

    def fresh_list() -> None:
        product_list_cache.invalidate("all")

    runs = {
        "bare (/api/v1/ping)": timed(client, "/api/v1/ping", loads),
        "list, 3 filters + search": timed(
            client, f"/api/v1/catalog/products/?{LIST_QUERY}", loads, fresh_list
        ),
        "facets, 3 filters": timed(
            client, f"/api/v1/catalog/products/facets/?{FACETS_QUERY}", loads
        ),
        "facets, 3 filters + city": timed(
            client, f"/api/v1/catalog/products/facets/?{CITY_QUERY}", loads
        ),
        "facets, 3 filters + showroom": timed(
            client, f"/api/v1/catalog/products/facets/?{SHOWROOM_QUERY}", loads
        ),
        "compare, 4 cars": timed(
            client, f"/api/v1/catalog/products/compare/?ids={','.join(ids)}", loads
        ),
    }
    bare = p95(runs["bare (/api/v1/ping)"][0])
    print(f"\n{'endpoint':<28}{'median ms':>11}{'p95 ms':>9}{'p95 / bare':>12}{'queries':>9}")
    for name, (times, count, _) in runs.items():
        print(
            f"{name:<28}{statistics.median(times):>11.1f}{p95(times):>9.1f}"
            f"{p95(times) / bare:>12.1f}{count:>9}"
        )
    facets_checked(client)
    print("\nEXPLAIN of the list's and the facets' queries:")
    whole_tables = 0
    with connections["catalog"].cursor() as cursor:
        for name in (
            "list, 3 filters + search",
            "facets, 3 filters",
            "facets, 3 filters + city",
            "facets, 3 filters + showroom",
        ):
            for sql in runs[name][2]:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
                whole_tables += plan.count("Seq Scan on catalog_product ")
                print(f"\n  {name}: {sql[:160]}...\n{plan}")
    print(f"\nsequential scans of catalog_product: {whole_tables}")


def facets_checked(client) -> None:
    """The city and showroom facets' counts against the catalog's own count by SQL, under
    the other filters (a facet is counted without its own): printed, and a mismatch fails the
    bench (exit code 4)."""
    from django.db import connections

    answer = client.get(f"/api/v1/catalog/products/facets/?{SHOWROOM_QUERY}").json()
    served = {
        facet: {item["value"]: item["count"] for item in answer["facets"][facet]}
        for facet in ("city", "showroom")
    }
    with connections["catalog"].cursor() as cursor:
        counted = {}
        for facet, column, narrowed in (
            ("city", "city", "AND showroom_id = %s"),
            ("showroom", "showroom_id::text", ""),
        ):
            cursor.execute(
                f"SELECT {column}, count(*) FROM catalog_product WHERE is_active "
                "AND kind = 'vehicle' AND stock_quantity > 0 AND body_type = 'crossover' "
                f"AND color = 'white' AND transmission = 'automatic' {narrowed} "
                f"GROUP BY {column}",
                [SHOWROOMS[2][0]] if narrowed else [],
            )
            counted[facet] = dict(cursor.fetchall())
    print(f"\nfacets served:  {served}\nfacets by SQL:  {counted}")
    if served != counted:
        print("the facets' counts differ from the catalog's")
        sys.exit(4)
    print("the city and showroom facets count as the catalog does")


def run(
    script: str,
    description: str,
    measure: Callable[[int], None],
    *,
    vehicles: int = 100_000,
    stock: Callable[[int], None] | None = None,
) -> int:
    """A bench over the seeded stock (this one, bench/storefront.py): its databases made,
    migrated and seeded, `measure(loads)` run in a process of its own whose settings read
    them (`script --measure-only`), and the databases dropped unless kept; `stock` seeds
    instead of `seed` (bench/feeds.py adds photos). Returns the exit code, the measuring
    process's."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--vehicles", type=int, default=vehicles)
    parser.add_argument("--loads", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the databases, to explain")
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure_only:  # in a process whose settings read the bench's databases
        measure(arguments.loads)
        return 0
    env = environment()
    databases("create")
    try:
        manage(env, "migrate_all")
        started = time.perf_counter()
        (stock or seed)(arguments.vehicles)
        print(f"seeded {arguments.vehicles:,} vehicles in {time.perf_counter() - started:.1f} s")
        print("load average: " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
        command = [sys.executable, script, "--measure-only", "--loads", str(arguments.loads)]
        return subprocess.run(command, env=env).returncode
    finally:
        if not arguments.keep:
            databases("drop")


if __name__ == "__main__":
    main_run(lambda: run(__file__, __doc__.split("\n\n")[0], measure))
