"""Showroom demo data for `manage.py seed_demo`: a model launch and a test-drive day next
week, a demo car of every new model in the catalog, a delivery bay, and a registration and a test
drive of the demo client."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from showroom import services
from showroom.models import Event


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def seed(stdout) -> None:
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
    for vehicle in demo_vehicles:
        services.resource_create(
            name=f"Демо {vehicle.name}",
            type_id=demo_cars.pk,
            quantity=1,
            opens_at=time(8),
            closes_at=time(20),
            vehicle_id=vehicle.pk,
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
    stdout.write("Showroom: a launch, a test-drive day, demo cars, a bay, a test drive.")
