"""WebSocket routes. The order status feed (DESIGN.md §3.5) plugs in here."""

websocket_urlpatterns: list = []
