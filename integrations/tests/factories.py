"""Test data for integrations."""

from decimal import Decimal

from django.utils import timezone

from catalog import services as catalog_services
from catalog.tests.factories import jpeg, vehicle, vin_of
from common.events import Event
from common.events.contract import envelope
from integrations import services
from integrations.models import Feed, WebhookDelivery, WebhookSubscription

# The feeds' tests' showroom, as the catalog knows it (integrations/tests/conftest.py).
SHOWROOM = "7d9d1b8e-6a51-4a7c-9e63-0c2f1f9d8c11"


def webhook_subscription_make(owner, *, url="http://127.0.0.1:9/hooks") -> WebhookSubscription:
    """A subscription to every order event, at a loopback port where nothing listens."""
    return services.subscription_create(
        owner_id=owner.pk, name="Partner", url=url, event_types=["order.*"]
    )


def webhook_delivery_make(subscription_id) -> WebhookDelivery:
    """A pending delivery of an order event to this subscription only (the fan-out would
    make one for every subscription that matches)."""
    event = Event(type="order.created", aggregate_id="factory", payload={})
    return WebhookDelivery.objects.using(services.DB).create(
        subscription_id=subscription_id,
        event_id=event.id,
        event_type=event.type,
        ordering_key=services.ordering_key(event),
        occurred_at=event.occurred,
        body=envelope(event),
        next_attempt_at=timezone.now(),
    )


def on_sale(showroom, *, photos: int = 1, **fields):
    """A car on sale in `showroom`, with `photos` pictures."""
    car = vehicle(**fields)
    catalog_services.vehicle_place(product_id=car.pk, showroom_id=showroom)
    for _ in range(photos):
        catalog_services.photo_add(product=car, data=jpeg())
    return car


def refreshed(feed: Feed) -> Feed:
    return Feed.objects.get(pk=feed.pk)


def read(feed: Feed) -> bytes:
    """The feed's file as stored, in the feeds' private storage."""
    with services.feed_storage().open(feed.file, "rb") as file:
        return file.read()


def feed_showroom_make() -> str:
    """The feeds' tests' showroom, with the address and phone every feed needs."""
    catalog_services.location_note(
        showroom_id=SHOWROOM,
        name="Автосалон на Ленинградке",
        city="Москва",
        address="Ленинградское шоссе, 16",
        phone="+7 495 123-45-67",
        is_active=True,
    )
    return SHOWROOM


def feed_stock_make(showroom) -> dict:
    """A new Kia and a used Lada that every feed takes; a car with no photo, and one whose
    colour no site has a word for."""
    return {
        "kia": on_sale(showroom),
        "lada": on_sale(
            showroom,
            name="Lada Vesta",
            make="Lada",
            model="Vesta",
            trim="",
            year=2021,
            vin=vin_of("XTA", "M", serial=7),
            condition="used",
            mileage_km=41000,
            owners_count=2,
            body_type="crossover",
            transmission="manual",
            engine_volume=Decimal("1.6"),
            power_hp=106,
            price=Decimal("1290000.00"),
        ),
        "bare": on_sale(showroom, photos=0, vin=vin_of("KNA", "R", serial=8)),
        "odd": on_sale(showroom, color="other", vin=vin_of("KNA", "R", serial=9)),
    }
