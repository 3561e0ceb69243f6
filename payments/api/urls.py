from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/", views.PaymentListCreateView.as_view(), name="payments-list"),
    path(
        "payments/transactions/",
        views.LedgerTransactionListView.as_view(),
        name="payments-transactions",
    ),
    path("payments/<uuid:pk>/", views.PaymentDetailView.as_view(), name="payments-detail"),
    path("payments/<uuid:pk>/refund", views.PaymentRefundView.as_view(), name="payments-refund"),
]
