"""A classified pulls its feed (docs/feeds.md, "Serving"): the stored file at the feed's
secret address, with its ETag and Last-Modified, and 304 when the site has it already. A
wrong token, an inactive feed or one never written is a 404, like a missing one. This is the
only way to the file: the feeds' storage is private, never under the public media."""

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import condition, require_GET

from integrations import selectors, services


def _etag(request: HttpRequest, kind: str, token: str) -> str | None:
    feed = selectors.feed_served(kind=kind, token=token)
    return feed.etag if feed else None


def _last_modified(request: HttpRequest, kind: str, token: str):
    feed = selectors.feed_served(kind=kind, token=token)
    return feed.generated_at if feed else None


@require_GET
@condition(etag_func=_etag, last_modified_func=_last_modified)
def feed_file(request: HttpRequest, kind: str, token: str) -> FileResponse:
    feed = selectors.feed_served(kind=kind, token=token)
    if feed is None:
        raise Http404
    response = FileResponse(
        services.feed_storage().open(feed.file, "rb"),
        content_type="application/xml; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"  # the site asks again, and gets 304 if unchanged
    return response
