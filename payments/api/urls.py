from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/", views.PaymentListCreateView.as_view(), name="payments-list"),
    path("payments/methods/", views.PaymentMethodListCreateView.as_view(), name="payments-methods"),
    path(
        "payments/methods/<uuid:pk>/",
        views.PaymentMethodDetailView.as_view(),
        name="payments-method-detail",
    ),
    path(
        "payments/transactions/",
        views.LedgerTransactionListView.as_view(),
        name="payments-transactions",
    ),
    path(
        "payments/notifications/<str:provider>",
        views.ProviderNotificationView.as_view(),
        name="payments-notifications",
    ),
    path("payments/<uuid:pk>/", views.PaymentDetailView.as_view(), name="payments-detail"),
    path("payments/<uuid:pk>/receipts/", views.ReceiptListView.as_view(), name="payments-receipts"),
    path("payments/<uuid:pk>/refund", views.PaymentRefundView.as_view(), name="payments-refund"),
    path(
        "payments/refunds/<uuid:pk>/decision",
        views.RefundDecisionView.as_view(),
        name="payments-refund-decision",
    ),
]
