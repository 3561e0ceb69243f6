"""Notification records as the tests need them."""

from notifications.models import Delivery


def order_delivery_make(customer, order) -> Delivery:
    """An e-mail to `customer` about `order`, as the order's notices record one."""
    return Delivery.objects.create(
        user_id=customer.pk,
        order_id=order.pk,
        notice="order.status_changed",
        channel="email",
        recipient=customer.email,
        category="transactional",
        key=f"order-{order.pk}",
    )
