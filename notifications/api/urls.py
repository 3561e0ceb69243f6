from django.urls import path

from notifications.api import views

urlpatterns = [
    path(
        "users/me/notifications",
        views.PreferenceView.as_view(),
        name="notifications-preferences",
    ),
    path(
        "users/me/notifications/log",
        views.DeliveryListView.as_view(),
        name="notifications-log",
    ),
]
