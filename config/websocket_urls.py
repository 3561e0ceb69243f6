"""WebSocket routes (docs/architecture.md §3.5)."""

from orders.routing import websocket_urlpatterns as orders_websocket_urlpatterns

websocket_urlpatterns = [*orders_websocket_urlpatterns]
