from datetime import timedelta

from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def order_reservations_sweep_task() -> int:
    from orders.services import order_reservations_sweep

    return order_reservations_sweep(
        older_than=timedelta(seconds=settings.ORDERS_RESERVATION_SWEEP_AFTER_SECONDS)
    )


@shared_task(acks_late=True)
def orders_unpaid_expire_task() -> int:
    from orders.services import orders_unpaid_expire

    return orders_unpaid_expire(older_than=timedelta(hours=settings.ORDERS_UNPAID_EXPIRE_HOURS))
