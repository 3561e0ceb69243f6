"""The page an e-mail's unsubscribe link opens (docs/notifications.md, "Unsubscribing"). It
needs no sign-in: the signed link is the proof. Opening it changes nothing, so that a mail
client fetching links ahead of its reader unsubscribes no one; the form's POST does it, and
so does the one-click POST of RFC 8058 (`List-Unsubscribe-Post`), which carries no CSRF
token."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.api.exceptions import ApplicationError
from notifications import services
from notifications.choices import Category, Channel


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request, token: str):
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {})
    try:
        delivery = services.unsubscribe(token=token)
    except ApplicationError as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.message}, status=400)
    context = {
        "done": True,
        "category": Category(delivery.category).label.lower(),
        "channel": Channel(delivery.channel).label,
    }
    return render(request, "notifications/unsubscribe.html", context)
