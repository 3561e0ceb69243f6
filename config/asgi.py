"""ASGI entry point: HTTP through Django, WebSocket through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
get_asgi_application()  # set Django up before anything imports models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402

from accounts.realtime import TicketAuthMiddleware  # noqa: E402
from common.realtime import origin_checked  # noqa: E402
from config.websocket_urls import websocket_urlpatterns  # noqa: E402


class ProcessThreadASGIHandler(ASGIHandler):
    """Django's handler runs each request's synchronous code in a thread of its own, and a
    new thread means new database wrappers for every alias the request touches: about 5 ms
    of CPU per request with three databases. Here a worker process keeps one thread for
    synchronous views, as a WSGI sync worker does, so its connections' wrappers live on.
    Concurrency comes from worker processes (`uvicorn --workers`), as with WSGI."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": ProcessThreadASGIHandler(),
        "websocket": origin_checked(TicketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
