from django.urls import path

from integrations.api import views

urlpatterns = [
    path(
        "integrations/webhooks/",
        views.SubscriptionListCreateView.as_view(),
        name="integrations-webhooks",
    ),
    path(
        "integrations/webhooks/<uuid:pk>/",
        views.SubscriptionDetailView.as_view(),
        name="integrations-webhook",
    ),
    path(
        "integrations/webhooks/<uuid:pk>/rotate-secret",
        views.SubscriptionSecretRotateView.as_view(),
        name="integrations-webhook-rotate-secret",
    ),
    path(
        "integrations/webhooks/<uuid:pk>/deliveries",
        views.DeliveryListView.as_view(),
        name="integrations-webhook-deliveries",
    ),
    path(
        "integrations/webhooks/<uuid:pk>/deliveries/<uuid:delivery_id>/redeliver",
        views.DeliveryRedeliverView.as_view(),
        name="integrations-webhook-delivery-redeliver",
    ),
    path(
        "integrations/webhooks/<uuid:pk>/redeliver",
        views.SubscriptionRedeliverView.as_view(),
        name="integrations-webhook-redeliver",
    ),
]
