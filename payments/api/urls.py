from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/", views.PaymentListCreateView.as_view(), name="payments-list"),
    path("payments/<uuid:pk>/", views.PaymentDetailView.as_view(), name="payments-detail"),
]
