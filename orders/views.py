"""Pages for staff outside the API."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.urls import reverse

from orders.choices import OrderStatus

ADMIN_URL_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


@staff_member_required
def order_dashboard(request):
    """The live order table: a snapshot and pushes from `ws/orders/`, see the template."""
    return render(
        request,
        "dashboard/orders.html",
        {
            "snapshot_size": settings.ORDERS_LIVE_SNAPSHOT_SIZE,
            "statuses": OrderStatus.choices,
            # The admin page of an order, with this id in place of the order's.
            "admin_order_url": reverse("admin:orders_order_change", args=[ADMIN_URL_PLACEHOLDER]),
            "admin_order_placeholder": ADMIN_URL_PLACEHOLDER,
        },
    )
