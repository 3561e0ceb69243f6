from django.urls import path

from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListCreateView.as_view(), name="orders-list"),
    path("orders/stats/my", views.OrderStatsMyView.as_view(), name="orders-stats-my"),
    path("orders/stats/", views.OrderStatsView.as_view(), name="orders-stats"),
    path("orders/<uuid:pk>/", views.OrderDetailView.as_view(), name="orders-detail"),
    path(
        "orders/<uuid:pk>/items/<uuid:item_id>/",
        views.OrderItemView.as_view(),
        name="orders-item",
    ),
    path("orders/<uuid:pk>/deal", views.OrderDealView.as_view(), name="orders-deal"),
    path("orders/<uuid:pk>/status", views.OrderStatusView.as_view(), name="orders-status"),
    path("orders/<uuid:pk>/history/", views.OrderHistoryView.as_view(), name="orders-history"),
]
