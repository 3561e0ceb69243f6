"""Where a buyer came from (docs/feeds.md, "Sources"): the UTM tags of the link they arrived
by, or the other site that referred them, kept in their session from the page they landed
on to the order they place (signing in keeps the session's data). A later visit by a tagged
link replaces it; a plain one from another site only fills it when empty. Of the referrer,
only its scheme and validated host are kept (`orders.choices.referrer_origin`); a malformed
or unreadable one is ignored."""

from django.http import HttpRequest
from django.utils import timezone

from orders.choices import UTM_FIELDS, referrer_host, referrer_origin

KEY = "attribution"


def attribution_note(request: HttpRequest) -> None:
    if request.method != "GET":
        return
    tags = {name: request.GET[name][:100] for name in UTM_FIELDS if request.GET.get(name)}
    # Only the referrer's scheme and validated host are kept; a malformed one is no referrer.
    referrer = request.headers.get("Referer", "")
    host = referrer_host(referrer)
    elsewhere = bool(host) and host != request.get_host().split(":")[0].lower()
    if tags or (elsewhere and KEY not in request.session):
        request.session[KEY] = {
            **tags,
            "referrer": referrer_origin(referrer) if elsewhere else "",
            "landed_at": timezone.now().isoformat(),
        }


def attribution_of(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(KEY) or {})
