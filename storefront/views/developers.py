"""`/developers/`: what the product is and where everything lives, for a newcomer; the demo
logins under `make run` (docs/api.md, "Entry points")."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.demo import DEMO_USERS
from common.views import entry_points


@require_GET
def landing_page(request):
    demo_logins = DEMO_USERS if settings.LANDING_SHOWS_DEMO_LOGINS else []
    return render(
        request,
        "storefront/developers.html",
        {"links": entry_points(request), "demo_logins": demo_logins},
    )
