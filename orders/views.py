"""Pages for staff outside the API."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render


@staff_member_required
def order_dashboard(request):
    """The live order table: a snapshot and pushes from `ws/orders/`, see the template."""
    return render(
        request,
        "dashboard/orders.html",
        {"snapshot_size": settings.ORDERS_LIVE_SNAPSHOT_SIZE},
    )
