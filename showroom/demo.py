"""Showroom demo data for `manage.py seed_demo`: the group's three showrooms, a model launch and a test-drive day next
week, a demo car of every new model in the catalog, a delivery bay, and a registration and a test
drive of the demo client."""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from catalog import services as catalog_services
from showroom import services
from showroom.models import Event, OpeningHours, Showroom, ShowroomHoliday


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


# The group: two showrooms in Moscow and one in Yekaterinburg, two hours ahead of Moscow
# (docs/showrooms.md). Hours by weekday: (opens, closes) for Monday to Sunday.
WEEKDAYS_9_21 = [(time(9), time(21))] * 7
SHOWROOMS: list[dict[str, Any]] = [
    {
        "name": "Автосалон на Ленинградке",
        "brands": "Lada, Haval, Chery",
        "city": "Москва",
        "address": "Ленинградское шоссе, 16",
        "latitude": "55.838410",
        "longitude": "37.487400",
        "phone": "+7 495 123-45-67",
        "service_phone": "+7 495 123-45-68",
        "email": "sales@autosalon.local",
        "time_zone": "Europe/Moscow",
        "hours": WEEKDAYS_9_21,
    },
    {
        "name": "Автосалон на Варшавке",
        "brands": "Geely, Tank",
        "city": "Москва",
        "address": "Варшавское шоссе, 170",
        "latitude": "55.573300",
        "longitude": "37.596900",
        "phone": "+7 495 765-43-21",
        "email": "south@autosalon.local",
        "time_zone": "Europe/Moscow",
        "hours": [(time(10), time(20))] * 6 + [(time(10), time(18))],
    },
    {
        "name": "Автосалон на Космонавтов",
        "brands": "Lada, Haval",
        "city": "Екатеринбург",
        "address": "проспект Космонавтов, 108",
        "latitude": "56.900600",
        "longitude": "60.613800",
        "phone": "+7 343 222-33-44",
        "email": "ekb@autosalon.local",
        "time_zone": "Asia/Yekaterinburg",
        "hours": [(time(9), time(20))] * 6,  # closed on Sundays
    },
]


def _showrooms_seed() -> list[Showroom]:
    showrooms = []
    new_year = timezone.localdate().replace(month=1, day=1)
    if new_year < timezone.localdate():
        new_year = new_year.replace(year=new_year.year + 1)
    for position, details in enumerate(SHOWROOMS):
        fields = {key: value for key, value in details.items() if key != "hours"}
        showroom = services.showroom_save(showroom=Showroom(position=position, **fields))
        OpeningHours.objects.bulk_create(
            OpeningHours(showroom=showroom, weekday=day, opens_at=opens, closes_at=closes)
            for day, (opens, closes) in enumerate(details["hours"], start=1)
        )
        ShowroomHoliday.objects.create(showroom=showroom, date=new_year, note="Новый год")
        showrooms.append(showroom)
    return showrooms


def _catalog_told(showrooms: list[Showroom]) -> None:
    """The catalog's copy of each showroom (`catalog.Location`), written through the
    catalog's own service as `showroom.created` will write it: the seed places the cars now,
    whenever the relay carries the events (in services mode, later and in any order)."""
    for showroom in showrooms:
        catalog_services.location_note(
            showroom_id=showroom.pk,
            name=showroom.name,
            city=showroom.city,
            address=showroom.address,
            phone=showroom.phone,
            is_active=showroom.is_active,
        )


def _cars_place(showrooms: list[Showroom]) -> dict[str, Showroom]:
    """Each demo car that stands nowhere yet in the showroom of its make (the sign's brands),
    the others in turn: the catalog's stock delivered to the group. Returns where each
    stands, by the car's id."""
    placed: dict[str, Showroom] = {}
    others = 0
    for vehicle_id, make in catalog_selectors.vehicles_unplaced():
        showroom = next((s for s in showrooms if make and make in s.brands), None)
        if showroom is None:
            showroom, others = showrooms[others % len(showrooms)], others + 1
        catalog_services.vehicle_place(product_id=vehicle_id, showroom_id=showroom.pk)
        placed[vehicle_id] = showroom
    return placed


def seed(stdout) -> None:
    """The showrooms, their cars and their events, once; a later run places any car that
    stands nowhere (one an earlier version of this seed left behind)."""
    showrooms = list(Showroom.objects.order_by("position")) or _showrooms_seed()
    _catalog_told(showrooms)
    placed = _cars_place(showrooms)
    if Event.objects.exists():
        return
    # A demo car of every new model in the catalog, and the launch shows the first two.
    models_seen: set[tuple[str, str]] = set()
    demo_vehicles = []
    new_cars = catalog_selectors.product_list().filter(vin__isnull=False, condition="new")
    for vehicle in new_cars.order_by("price", "created_at"):
        if (vehicle.make, vehicle.model) not in models_seen:
            models_seen.add((vehicle.make, vehicle.model))
            demo_vehicles.append(vehicle)
    vehicles = demo_vehicles[:2]
    launches = services.category_create(name="Презентации моделей")
    drives = services.category_create(name="Дни тест-драйвов")
    launch = services.event_create(
        user=None,
        title="Вечер премьеры кроссовера",
        description="Показываем новый кроссовер; рассказывает главный дизайнер.",
        category_id=launches.pk,
        start_date=_at(7, 17),
        end_date=_at(7, 21),
        location="Главный зал салона",
        capacity=40,
        vehicle_ids=[str(v.pk) for v in vehicles],
        status="published",
    )
    services.event_create(
        user=None,
        title="Суббота тест-драйвов",
        description="Любой демонстрационный автомобиль на тестовой трассе, с инструкторами.",
        category_id=drives.pk,
        start_date=_at(5, 9),
        end_date=_at(5, 18),
        location="Тестовая трасса",
        capacity=20,
        price="1500.00",
        status="published",
    )
    demo_cars = services.resource_type_create(name="Демонстрационный автомобиль")
    bays = services.resource_type_create(name="Зона выдачи")
    for index, vehicle in enumerate(demo_vehicles):
        services.resource_create(
            name=f"Демо {vehicle.name}",
            type_id=demo_cars.pk,
            quantity=1,
            opens_at=time(9),
            closes_at=time(20),
            vehicle_id=vehicle.pk,
            showroom_id=placed.get(str(vehicle.pk), showrooms[index % len(showrooms)]).pk,
        )
    services.resource_create(
        name="Зона выдачи", type_id=bays.pk, quantity=2, opens_at=time(8), closes_at=time(20)
    )
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    if client is not None:
        services.registration_create(event_id=launch.pk, user=client)
        if vehicles:
            services.test_drive_book(
                user=client, vehicle_id=vehicles[0].pk, start_time=_at(2, 11), end_time=_at(2, 12)
            )
    stdout.write(
        "Showroom: three showrooms in two cities, a launch, a test-drive day, demo cars, a "
        "bay, a test drive."
    )


def sells_under(*, name: str, legal_entity_id: int) -> None:
    """The showroom `name` sells under the documents app's legal entity `legal_entity_id`."""
    showroom = Showroom.objects.get(name=name)
    if showroom.legal_entity_id != legal_entity_id:
        showroom.legal_entity_id = legal_entity_id
        services.showroom_save(showroom=showroom)
