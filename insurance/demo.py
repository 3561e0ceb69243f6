"""Demo insurance for `manage.py seed_demo`, on a car the demo client ordered (an order is
placed for one when their open orders hold no car): a quote still to buy, an expired one, a
bought KASKO policy waiting for its premium (demo/crossing.py pays it and files claims on it),
and an OSAGO policy cancelled before it was paid, so lapsed. Runs once: an existing quote of
the client's means it ran before."""

from datetime import timedelta

from django.utils import timezone

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from insurance import services
from insurance.models import Policy, Quote
from orders import selectors as orders_selectors
from orders import services as orders_services


def _car_order(client) -> tuple | None:
    """A pending order of the client's with a car in it, and the car."""
    cars = catalog_selectors.product_list().filter(vin__isnull=False)
    for order in orders_selectors.order_list(user=client).filter(status="pending"):
        ordered = {item.product_id for item in order.line_items}
        car = cars.filter(pk__in=ordered).first()
        if car is not None:
            return order, car
    car = cars.filter(stock_quantity__gt=0).first()
    if car is None:
        return None
    order, _ = orders_services.order_create(
        customer=client,
        items=[{"product_id": car.pk, "quantity": 1}],
        notes="Demo: a car to insure",
    )
    return order, car


def seed(stdout) -> None:
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    manager = accounts_selectors.user_get_by_email(email="manager@autosalon.local")
    if client is None or manager is None or Quote.objects.filter(customer_id=client.pk).exists():
        return
    found = _car_order(client)
    if found is None:
        return
    order, car = found

    def quote(insurance_type: str, **fields):
        return services.quote_create(
            user=client,
            order_id=order.pk,
            insurance_type=insurance_type,
            product_id=car.pk,
            **fields,
        )

    driver = {"driver_age": 34, "driver_experience_years": 12}
    quote("osago", engine_power_hp=181, **driver)
    expired = quote("kasko")
    # A quote is good for 30 days; this one was asked for 40 days ago.
    Quote.objects.filter(pk=expired.pk).update(
        valid_until=timezone.now() - timedelta(days=10),
        created_at=timezone.now() - timedelta(days=40),
    )

    services.quote_purchase(quote_id=quote("kasko", **driver).pk)
    osago = services.quote_purchase(quote_id=quote("osago", engine_power_hp=181, **driver).pk)
    services.policy_cancel(policy_id=osago.pk, user=client, reason="Demo: insured elsewhere")
    policies = Policy.objects.filter(customer_id=client.pk)

    stdout.write(
        f"  {Quote.objects.filter(customer_id=client.pk).count()} quotes, "
        f"{policies.count()} policies of {client.email}"
    )
