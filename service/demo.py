"""The service department's demo for `manage.py seed_demo` (docs/service.md, "Demo"): two bays
and an advisor in each showroom (its manager, demo/staff.py, as the advisor), a labour rate, a
few operations and parts with forty of each on every showroom's shelf, and ТО-1 and ТО-2 for
some of the demo models. Runs once: a bay in a showroom means that showroom has been seeded,
a shelf that a part has, that the part has been stocked there. The demo history's weekly
delivery tops each shelf up again (`shelves_top_up`), and finds the catalogue's operations
and parts by code (`catalogue_ids`)."""

import uuid
from decimal import Decimal

from accounts import selectors as accounts_selectors
from service import services
from service.models import Bay, Operation, Part, PartStock
from showroom.selectors.showrooms import showrooms_for_buyers

# (code, name, norm hours)
OPERATIONS = [
    ("OIL", "Замена моторного масла и масляного фильтра", "0.50"),
    ("AIRF", "Замена воздушного фильтра", "0.20"),
    ("CABF", "Замена салонного фильтра", "0.30"),
    ("DIAG", "Компьютерная диагностика", "0.50"),
    ("BRKF", "Замена тормозной жидкости", "0.80"),
    ("SPRK", "Замена свечей зажигания", "0.70"),
]
# (number, manufacturer, name, price)
PARTS = [
    ("OIL-5W30-1L", "Shell", "Масло моторное 5W-30, 1 л", "950.00"),
    ("OF-100", "Mann", "Фильтр масляный", "790.00"),
    ("AF-200", "Mann", "Фильтр воздушный", "1150.00"),
    ("CF-300", "Mann", "Фильтр салонный", "1290.00"),
    ("BF-DOT4-1L", "ATE", "Тормозная жидкость DOT 4, 1 л", "890.00"),
    ("SP-400", "NGK", "Свеча зажигания", "690.00"),
]
ONE = Decimal(1)
SHELF = Decimal(40)  # of each part on every showroom's shelf
MODELS = [("Lada", "Vesta"), ("Kia", "K5"), ("Haval", "F7"), ("Toyota", "RAV4")]


def _catalogue() -> None:
    if Operation.objects.filter(code="OIL").exists():
        return
    operations = {
        code: services.operation_create(code=code, name=name, norm_hours=Decimal(hours))
        for code, name, hours in OPERATIONS
    }
    parts = {
        number: services.part_create(
            number=number, manufacturer=maker, name=name, price=Decimal(price)
        )
        for number, maker, name, price in PARTS
    }
    first = ["OIL", "CABF", "DIAG"]
    second = [*first, "AIRF", "BRKF", "SPRK"]
    for make, model in MODELS:
        services.menu_create(
            name="ТО-1",
            make=make,
            model=model,
            interval_km=15000,
            interval_months=12,
            operations=[operations[code] for code in first],
            parts=[
                (parts["OIL-5W30-1L"], Decimal(4)),
                (parts["OF-100"], ONE),
                (parts["CF-300"], ONE),
            ],
        )
        services.menu_create(
            name="ТО-2",
            make=make,
            model=model,
            interval_km=30000,
            interval_months=24,
            operations=[operations[code] for code in second],
            parts=[
                (parts["OIL-5W30-1L"], Decimal(4)),
                (parts["OF-100"], ONE),
                (parts["CF-300"], ONE),
                (parts["AF-200"], ONE),
                (parts["BF-DOT4-1L"], ONE),
                (parts["SP-400"], Decimal(4)),
            ],
        )


def seed(stdout) -> None:
    _catalogue()
    made = 0
    for showroom in showrooms_for_buyers():
        _shelves(showroom.id)
        if Bay.objects.filter(showroom_id=showroom.id).exists():
            continue
        for name in ("Пост 1", "Пост 2"):
            services.bay_create(showroom_id=showroom.id, name=name)
        managers = accounts_selectors.manager_ids_active(showroom_ids=[showroom.id])
        services.advisor_create(
            showroom_id=showroom.id,
            user_id=managers[0] if managers else uuid.uuid4(),
            name=f"Мастер-консультант, {showroom.name}",
        )
        services.labour_rate_set(showroom_id=showroom.id, rate=Decimal("2500.00"))
        made += 1
    stdout.write(
        f"  service: {made} showrooms given bays and an advisor, {Part.objects.count()} parts"
    )


def _shelves(showroom_id) -> None:
    stocked = set(
        PartStock.objects.filter(showroom_id=showroom_id).values_list("part_id", flat=True)
    )
    for part in Part.objects.exclude(pk__in=stocked):
        services.stock_receive(
            showroom_id=showroom_id, part_id=part.pk, quantity=SHELF, min_quantity=Decimal(8)
        )


def shelves_top_up(showroom_id) -> None:
    """A delivery that brings each part of the showroom's shelf back up to SHELF."""
    for stock in PartStock.objects.filter(showroom_id=showroom_id, on_hand__lt=SHELF):
        services.stock_receive(
            showroom_id=showroom_id, part_id=stock.part_id, quantity=SHELF - stock.on_hand
        )


def catalogue_ids() -> dict[str, uuid.UUID]:
    """The demo's operations by code and parts by number (none of them alike)."""
    operations = Operation.objects.filter(code__in=[code for code, _, _ in OPERATIONS])
    parts = Part.objects.filter(number__in=[number for number, _, _, _ in PARTS])
    return {
        **dict(operations.values_list("code", "pk")),
        **dict(parts.values_list("number", "pk")),
    }
