"""The site's error pages for people (the API answers its own in the envelope): styled as
the storefront, in the reader's language, and a 404 suggests cars on the lot."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from catalog import selectors as catalog
from common import views as common_views

SUGGESTED = 4


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return common_views.page_not_found(request, exception)
    suggested: Any = []
    try:
        suggested = list(catalog.vehicles_featured(limit=SUGGESTED))
    except Exception:  # noqa: BLE001 - a 404 page with no suggestion beats a 500
        suggested = []
    return render(request, "404.html", {"similar": suggested}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's own 500 view (a template that needs no database), the API's in the
    envelope."""
    if request.path.startswith("/api/"):
        return common_views.server_error(request)
    return defaults.server_error(request)
