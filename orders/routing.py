from django.urls import path

from orders.consumers import OrderFeedConsumer

websocket_urlpatterns = [
    path("ws/orders/", OrderFeedConsumer.as_asgi()),
    path("ws/orders/<uuid:order_id>/", OrderFeedConsumer.as_asgi()),
]
