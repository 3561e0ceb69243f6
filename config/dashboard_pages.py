"""The dashboard's staff pages (docs/dashboard.md): the page, which shows every figure as
numbers without JavaScript, and the same figures as JSON, which its script fetches again
when the staff feed says they changed."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.shortcuts import render

from config.dashboard import CHANGED_PUSH, figures


@staff_member_required
def dashboard_page(request):
    return render(
        request,
        "dashboard/index.html",
        {
            "figures": figures(user=request.user),
            "changed_push": CHANGED_PUSH,
            "time_zone": settings.DEALERSHIP_TIME_ZONE,
        },
    )


@staff_member_required
def dashboard_figures(request):
    response = JsonResponse(figures(user=request.user))
    # Another user's figures, or older ones, must never come out of a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
