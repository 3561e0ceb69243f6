"""Demo orders for `manage.py seed_demo`, placed by the demo clients."""

from accounts import selectors as accounts_selectors
from catalog import selectors as catalog_selectors
from orders import services
from orders.models import Order


def seed(stdout) -> None:
    client = accounts_selectors.user_get_by_email(email="client@autosalon.local")
    if client is None or Order.objects.filter(customer_id=client.pk).exists():
        return
    products = list(catalog_selectors.product_list().filter(stock_quantity__gt=1)[:3])
    if len(products) < 2:
        return
    services.order_create(
        customer=client,
        items=[{"product_id": products[0].pk, "quantity": 1}],
        notes="Demo: waiting for payment",
    )
    cancelled, _ = services.order_create(
        customer=client, items=[{"product_id": products[1].pk, "quantity": 1}]
    )
    services.order_status_set(
        order_id=cancelled.pk, status="cancelled", user=client, reason="Demo: changed my mind"
    )
    stdout.write(
        f"  {Order.objects.filter(customer_id=client.pk).count()} orders of {client.email}"
    )
