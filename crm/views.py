"""Pages for staff outside the API."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from crm import selectors

MY_CLIENTS_SHOWN = 100


@staff_member_required
def my_clients_page(request):
    """My clients, the latest activity first, and how many of my leads have gone quiet."""
    mine = selectors.my_clients(user=request.user)
    clients = selectors.clients_with_latest_summary(mine)
    return render(
        request,
        "dashboard/clients.html",
        {
            "clients": clients[:MY_CLIENTS_SHOWN],
            "shown": MY_CLIENTS_SHOWN,
            "total": mine.count(),
            "stale_leads": selectors.stale_leads(mine).count(),
            "stale_days": settings.CRM_STALE_LEAD_DAYS,
        },
    )
