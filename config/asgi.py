"""ASGI entry point: the WebSocket feed through Channels (docs/architecture.md §3.7).

Under `python -m config.servers ws` (services mode, behind the proxy) this server carries the
feed only: HTTP is the WSGI server's, and here it answers the orchestrator's liveness and
readiness probes and a 404 for anything else. Under `python -m config.servers all` (embedded
mode: one process, whose in-memory channel layer reaches only its own sockets) it serves HTTP
through Django too."""

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
get_asgi_application()  # set Django up before anything imports models

from asgiref.sync import sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.handlers import base  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.http import FileResponse  # noqa: E402

from accounts.realtime import TicketAuthMiddleware  # noqa: E402
from common.api.exceptions import error_body  # noqa: E402
from common.realtime import origin_checked  # noqa: E402
from config.websocket_urls import websocket_urlpatterns  # noqa: E402

# Set by `python -m config.servers` (config/servers.py): "ws" or "all".
ROLE_VARIABLE = "AUTOSALON_ASGI_ROLE"


class SyncChainASGIHandler(ASGIHandler):
    """Django's HTTP handler with one hop from the event loop per request, for embedded mode.

    Django's own ASGI handler builds an asynchronous middleware chain, and switches between
    the loop and a thread at every boundary between middleware that can run asynchronously
    and middleware that cannot (WhiteNoise, the request id, ...): three hops a request here.
    This one builds the chain synchronously, as the WSGI handler does, and runs the whole of
    it in one call on one thread per process (as a WSGI sync worker does), so that the
    database wrappers of every alias the request touches live on between requests."""

    def __init__(self):
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def run_get_response(self, request):
        response = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        return response


async def feed_only_http(scope, receive, send):
    """HTTP on the feed's server: `/health` and `/health/ready` for the orchestrator's probes
    (ready while it answers, as the web is: common/ops/health.py), 404 otherwise."""
    alive = scope["path"] in ("/health", "/health/ready")
    body = {"status": "up"} if alive else error_body("not_found", "This server carries /ws/ only.")
    if scope["path"] == "/health/ready":
        body["kind"] = "ws"
    await send(
        {
            "type": "http.response.start",
            "status": 200 if alive else 404,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


application = ProtocolTypeRouter(
    {
        "http": feed_only_http if os.environ.get(ROLE_VARIABLE) == "ws" else SyncChainASGIHandler(),
        "websocket": origin_checked(TicketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
